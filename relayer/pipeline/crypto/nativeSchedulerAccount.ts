import { createRequire } from "node:module";
import { hashTypedData, serializeSignature, toHex, type Hex, type LocalAccount } from "viem";
import { privateKeyToAccount, toAccount } from "viem/accounts";

type NativeSecp256k1 = { ecdsaSign(message: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number } };

/**
 * The scheduler key as a viem LocalAccount whose `signTypedData` signs with libsecp256k1 (RFC 6979, low s —
 * libsecp256k1 always normalises) instead of pure JS; everything else is viem's own account. Same signatures,
 * byte for byte: ECDSA with RFC 6979 nonces is deterministic. Falls back to the plain account when the addon
 * cannot be loaded.
 */
export function createSchedulerAccount(privateKey: Hex): LocalAccount {
  const base = privateKeyToAccount(privateKey);
  let native: NativeSecp256k1;
  try {
    native = createRequire(import.meta.url)("secp256k1") as NativeSecp256k1;
  } catch {
    return base;
  }
  const key = Buffer.from(privateKey.slice(2), "hex");
  return {
    ...toAccount({
      address: base.address,
      signMessage: (p) => base.signMessage(p),
      signTransaction: (t, o) => base.signTransaction(t, o),
      async signTypedData(typed) {
        const digest = Buffer.from(hashTypedData(typed as Parameters<typeof hashTypedData>[0]).slice(2), "hex");
        const { signature, recid } = native.ecdsaSign(digest, key);
        return serializeSignature({ r: toHex(signature.subarray(0, 32)), s: toHex(signature.subarray(32, 64)), yParity: recid });
      },
    }),
    publicKey: base.publicKey,
    source: "nativeScheduler",
  } as LocalAccount;
}
