import { addressOfPublicKey, createNobleRecoverSigner, signatureShapeOk, type RecoverSigner } from "../core/batching/recoverSigner.js";
import { nobleKeccak, type Keccak } from "../core/batching/hashing.js";
import { loadNativeSecp256k1, requireNativeSecp256k1 } from "./loadNativeSecp256k1.js";

/**
 * Signature recovery through libsecp256k1 (the `secp256k1` package's N-API prebuild, no compiler needed).
 * The same on-chain rules as the pure-JS recoverer are applied first (65 bytes, v ∈ {27, 28}, low s).
 * Throws when the addon cannot be loaded; `tryNativeRecoverSigner` returns undefined instead.
 */
export function createNativeRecoverSigner(keccak: Keccak = nobleKeccak): RecoverSigner {
  const native = requireNativeSecp256k1();
  return (digest, signature) => {
    if (!signatureShapeOk(signature)) return undefined;
    try {
      const publicKey = native.ecdsaRecover(signature.subarray(0, 64), signature[64]! - 27, digest, false);
      const address = addressOfPublicKey(publicKey, keccak);
      return address.every((b) => b === 0) ? undefined : address;
    } catch {
      return undefined;
    }
  };
}

/** The native recoverer when the prebuild loads on this platform, otherwise undefined. */
export function tryNativeRecoverSigner(keccak?: Keccak): RecoverSigner | undefined {
  return loadNativeSecp256k1() ? createNativeRecoverSigner(keccak) : undefined;
}

/** The native recoverer where it loads, the audited pure-JS @noble one elsewhere (same results, tested). */
export function createRecoverSigner(keccak: Keccak = nobleKeccak): RecoverSigner {
  return tryNativeRecoverSigner(keccak) ?? createNobleRecoverSigner(keccak);
}
