/**
 * Payload sealing schemes side by side (docs/adr/0003-tenant-payload-keys.md, addendum): ECIES over secp256k1 as
 * specified (eciesjs, and libsecp256k1 + node:crypto as the relayer and the node run it) against ECIES over X25519
 * (eciesjs, and node:crypto), sealing and opening a 394-byte input bundle. One thread, warm; µs per operation.
 *
 * Run: `sh scripts/with-node22.sh tsx bench/payloadSchemes.ts` (prints JSON). Not part of bench/run.ts.
 */
import { createCipheriv, createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes } from "node:crypto";
import { decrypt as eciesDecrypt, encrypt as eciesEncrypt } from "eciesjs";
import { Config } from "eciesjs/config";
import { toBytes, type Hex } from "viem";
import { canonicalJson } from "../relayer/core/formats/canonicalJson.js";
import { createPayloadOpener, deriveTenantPayloadSecret, payloadPublicKeyOf } from "../relayer/executor/enclave/tenantPayloadKeys.js";
import { createNativeSealPayload } from "../relayer/pipeline/crypto/sealPayloadNative.js";

function micros(iterations: number, fn: () => unknown): number {
  for (let i = 0; i < Math.min(iterations, 200); i++) fn();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - started) / 1e3 / iterations;
}

const bundle = {
  schema: "nsf.inputs/1",
  job_id: `0x${"0b".repeat(32)}`,
  trigger: { type: "sensor", commitment: `0x${"0c".repeat(32)}`, feed: `0x${"11".repeat(20)}`, round_id: "12345", answer: "1800", updated_at: "1749999970" },
  values: { rainfall_72h_mm_x10: "1800", insured_households: "1200" },
};
const plaintext = toBytes(canonicalJson(bundle));
const empty = new Uint8Array(0);

// secp256k1 (the specified format)
const secret = deriveTenantPayloadSecret(new Uint8Array(32).fill(7), `0x${"aa".repeat(32)}` as Hex);
const publicKey = payloadPublicKeyOf(secret);
const nativeSeal = createNativeSealPayload();
const nativeOpen = createPayloadOpener(secret);
const sealed = nativeSeal(publicKey, plaintext);

// X25519, eciesjs layout (ephemeral 32 ‖ nonce 16 ‖ tag 16 ‖ ciphertext), HKDF-SHA256 over ephemeral ‖ shared
const receiver = generateKeyPairSync("x25519");
const receiverRaw = Buffer.from(receiver.publicKey.export({ format: "jwk" }).x!, "base64url");
const receiverSecret = Buffer.from(receiver.privateKey.export({ format: "jwk" }).d!, "base64url");
const x25519Config = new Config();
x25519Config.ellipticCurve = "x25519";
const aeadSeal = (key: Uint8Array, head: Uint8Array) => {
  const nonce = randomBytes(16);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([head, nonce, cipher.getAuthTag(), body]);
};
const x25519Seal = () => {
  const ephemeral = generateKeyPairSync("x25519");
  const raw = Buffer.from(ephemeral.publicKey.export({ format: "jwk" }).x!, "base64url");
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: receiver.publicKey });
  return aeadSeal(new Uint8Array(hkdfSync("sha256", Buffer.concat([raw, shared]), empty, empty, 32)), raw);
};
const x25519Open = (data: Uint8Array) => {
  const raw = data.subarray(0, 32);
  const shared = diffieHellman({ privateKey: receiver.privateKey, publicKey: createPublicKey({ key: { kty: "OKP", crv: "X25519", x: Buffer.from(raw).toString("base64url") }, format: "jwk" }) });
  const key = new Uint8Array(hkdfSync("sha256", Buffer.concat([raw, shared]), empty, empty, 32));
  const decipher = createDecipheriv("aes-256-gcm", key, data.subarray(32, 48));
  decipher.setAuthTag(data.subarray(48, 64));
  return Buffer.concat([decipher.update(data.subarray(64)), decipher.final()]);
};
const x25519Sealed = x25519Seal();
if (!Buffer.from(eciesDecrypt(receiverSecret, x25519Sealed, x25519Config)).equals(Buffer.from(plaintext))) throw new Error("X25519 layout differs from eciesjs");

const result = {
  plaintext_bytes: plaintext.length,
  secp256k1_eciesjs_seal_us: micros(30, () => eciesEncrypt(publicKey.slice(2), plaintext, new Config())),
  secp256k1_eciesjs_open_us: micros(30, () => eciesDecrypt(secret, sealed, new Config())),
  secp256k1_native_seal_us: micros(3000, () => nativeSeal(publicKey, plaintext)),
  secp256k1_native_open_us: micros(3000, () => nativeOpen(sealed)),
  x25519_eciesjs_seal_us: micros(200, () => eciesEncrypt(receiverRaw, plaintext, x25519Config)),
  x25519_eciesjs_open_us: micros(200, () => eciesDecrypt(receiverSecret, x25519Sealed, x25519Config)),
  x25519_node_crypto_seal_us: micros(3000, x25519Seal),
  x25519_node_crypto_open_us: micros(3000, () => x25519Open(x25519Sealed)),
};
process.stdout.write(`${JSON.stringify(Object.fromEntries(Object.entries(result).map(([k, v]) => [k, Math.round(v)])), null, 2)}\n`);
