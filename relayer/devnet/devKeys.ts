import { keccak256, toBytes, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

/**
 * DEVELOPMENT KEYS — PUBLIC, NEVER FUND, NEVER USE ON A REAL NETWORK.
 * Derived from labels so every run (and every reader of this file) gets the same keys; they stand in
 * for the independent validators, co-signers and schedulers of a real deployment on the local chain.
 */
export function devPrivateKey(role: string, index: number): Hex {
  return keccak256(toBytes(`NSF DEV KEY - ${role} #${index} - public, never fund`));
}

export function devAccount(role: string, index: number): PrivateKeyAccount {
  return privateKeyToAccount(devPrivateKey(role, index));
}

/** `count` dev accounts of one role, sorted by ascending address (quorum configs require that order). */
export function devAccounts(role: string, count: number): PrivateKeyAccount[] {
  return Array.from({ length: count }, (_, i) => devAccount(role, i)).sort((a, b) =>
    BigInt(a.address) < BigInt(b.address) ? -1 : 1,
  );
}
