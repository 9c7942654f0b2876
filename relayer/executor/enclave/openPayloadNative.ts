import { createDecipheriv, hkdfSync } from "node:crypto";
import type { NativeSecp256k1 } from "../../crypto/loadNativeSecp256k1.js";

const EPHEMERAL = 65;
const NONCE = 16;
const TAG = 16;
const EMPTY = new Uint8Array(0);

/**
 * The enclave side of the payload format (docs/FORMATS.md §11.2, eciesjs 0.5 defaults) on libsecp256k1 and Node's
 * own HKDF and AES-GCM, step for step what eciesjs's `decrypt` does:
 *
 *   E = first 65 bytes (an uncompressed secp256k1 point: 0x04 ‖ x ‖ y), S = ECDH(secret, E) uncompressed,
 *   key = HKDF-SHA256(ikm = E ‖ S, salt = empty, info = empty, 32 bytes),
 *   plaintext = AES-256-GCM-open(key, nonce = next 16 bytes, tag = next 16 bytes, rest)
 *
 * About 90 µs instead of about 10–17 ms in eciesjs (which converts the point format twice, in pure JS, on every
 * call). Throws on a short payload, a prefix other than 0x04 (eciesjs refuses compressed and hybrid encodings at
 * this length too), a point not on the curve, or a failed authentication; the caller reports all of them as one
 * error. Tests check both directions against eciesjs, and that tampering anywhere fails.
 */
export function createNativePayloadOpener(native: NativeSecp256k1, secret: Uint8Array): (ciphertext: Uint8Array) => Uint8Array {
  if (!native.privateKeyVerify(secret)) throw new RangeError("not a valid secp256k1 secret key");
  const key = Uint8Array.from(secret);
  const ikm = new Uint8Array(2 * EPHEMERAL);
  const point = (x: Uint8Array, y: Uint8Array) => {
    ikm[EPHEMERAL] = 4;
    ikm.set(x, EPHEMERAL + 1);
    ikm.set(y, EPHEMERAL + 33);
    return ikm.subarray(EPHEMERAL);
  };
  const shared = new Uint8Array(EPHEMERAL);
  return (ciphertext) => {
    if (ciphertext.length < EPHEMERAL + NONCE + TAG) throw new RangeError(`payload of ${ciphertext.length} bytes is shorter than its header`);
    if (ciphertext[0] !== 4) throw new RangeError("the ephemeral key is not an uncompressed point");
    const ephemeral = ciphertext.subarray(0, EPHEMERAL);
    native.ecdh(ephemeral, key, { hashfn: point }, shared);
    ikm.set(ephemeral, 0);
    const aesKey = new Uint8Array(hkdfSync("sha256", ikm, EMPTY, EMPTY, 32));
    const decipher = createDecipheriv("aes-256-gcm", aesKey, ciphertext.subarray(EPHEMERAL, EPHEMERAL + NONCE), { authTagLength: TAG });
    decipher.setAuthTag(ciphertext.subarray(EPHEMERAL + NONCE, EPHEMERAL + NONCE + TAG));
    const head = decipher.update(ciphertext.subarray(EPHEMERAL + NONCE + TAG));
    const tail = decipher.final();
    aesKey.fill(0);
    ikm.fill(0, EPHEMERAL);
    return tail.length === 0 ? new Uint8Array(head.buffer, head.byteOffset, head.length) : new Uint8Array(Buffer.concat([head, tail]));
  };
}
