import { sign } from "viem/accounts";
import type { Hex } from "viem";
import { bytesToHexFast, hexToBytesFast } from "../core/batching/hashing.js";
import { loadNativeSecp256k1, type NativeSecp256k1 } from "./loadNativeSecp256k1.js";

/** Signs a 32-byte digest; returns the 65-byte `r ‖ s ‖ v` signature (v 27/28) as lowercase hex. */
export type DigestSigner = (digest: Uint8Array) => Promise<Hex>;

/**
 * ECDSA over a prepared digest with one private key, as viem's `sign` does it — RFC 6979 deterministic nonce,
 * no extra entropy, low s, v = 27 + recovery id — on libsecp256k1 when its prebuild loads (about 50 µs instead of
 * about 1 ms in pure JS here), on viem's pure-JS signer otherwise. Deterministic nonces make both produce the same
 * bytes for the same key and digest (test/relayer/crypto checks it on random keys and digests).
 * The key stays in this closure; callers that must not export it (the simulated enclave) pass it in and drop it.
 */
export function createDigestSigner(privateKey: Hex, native: NativeSecp256k1 | undefined = loadNativeSecp256k1()): DigestSigner {
  if (!native) {
    return (digest) => sign({ hash: bytesToHexFast(digest), privateKey, to: "hex" });
  }
  const key = hexToBytesFast(privateKey);
  const out = new Uint8Array(65);
  return async (digest) => {
    const { signature, recid } = native.ecdsaSign(digest, key);
    out.set(signature, 0);
    out[64] = 27 + recid;
    return bytesToHexFast(out);
  };
}
