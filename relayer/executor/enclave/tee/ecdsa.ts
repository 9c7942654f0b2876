import { p256, p384 } from "@noble/curves/nist.js";

/**
 * ECDSA verification over raw `r ‖ s` signatures, as the vendors encode them (DCAP quotes and collateral:
 * P-256/SHA-256; COSE ES384 and SEV-SNP: P-384/SHA-384). `lowS: false` because vendor signers do not normalise
 * s; a malformed key or signature is simply "does not verify", never a throw.
 */
export function verifyP256(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return p256.verify(signature, message, publicKey, { lowS: false, prehash: true });
  } catch {
    return false;
  }
}

export function verifyP384(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return p384.verify(signature, message, publicKey, { lowS: false, prehash: true });
  } catch {
    return false;
  }
}
