import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Address, Hex } from "viem";

/**
 * The local development attestation root: plays the CPU vendor's role for the SIMULATED TEE.
 * UNSAFE FOR PRODUCTION. Its key stays in this closure; validators pin its address.
 */
export type UnsafeDevAttestationRoot = {
  readonly address: Address;
  readonly unsafeForProduction: true;
  /** EIP-191 signature over a report digest. */
  signReport(digest: Hex): Promise<Hex>;
};

/** `privateKey` lets a dev network reuse one root across restarts (from a dev key file); random otherwise. */
export function createUnsafeDevAttestationRoot(parameters: { privateKey?: Hex } = {}): UnsafeDevAttestationRoot {
  const account = privateKeyToAccount(parameters.privateKey ?? generatePrivateKey());
  return {
    address: account.address,
    unsafeForProduction: true,
    signReport: (digest) => account.signMessage({ message: { raw: digest } }),
  };
}
