import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { Config as EciesConfig } from "eciesjs/config";
import { encrypt as eciesEncrypt, PrivateKey as EciesPrivateKey, PublicKey as EciesPublicKey } from "eciesjs";
import { symDecrypt } from "eciesjs/utils";
import { bytesToHex, encodeAbiParameters, hexToBytes, keccak256, recoverMessageAddress, toBytes, type Address, type Hex } from "viem";
import { loadNativeSecp256k1 } from "../../crypto/loadNativeSecp256k1.js";
import type { TenantPayloadKey } from "./EnclaveRuntime.js";
import { createNativePayloadOpener } from "./openPayloadNative.js";

/**
 * Per-tenant payload keys (docs/adr/0003-tenant-payload-keys.md). Pure functions.
 *
 * Each tenant gets its own secp256k1 key pair, derived inside the enclave from a random payload root:
 *   okm    = HKDF-SHA256(ikm = payloadRoot, salt = "NSF.TenantPayloadKey/1", info = tenantId, 48 bytes)
 *   secret = (okm mod (n - 1)) + 1        // 48 bytes reduce with negligible bias (FIPS 186-5 A.2.1)
 * Schedulers seal payloads with ECIES (eciesjs: secp256k1 ECDH, HKDF-SHA256, AES-256-GCM) to the tenant's
 * public key, which the enclave key certifies. A payload sealed for one tenant fails authentication under
 * any other tenant's secret, and the payload root never signs anything.
 */
const SALT = toBytes("NSF.TenantPayloadKey/1");
const N = secp256k1.Point.CURVE().n;

export function deriveTenantPayloadSecret(payloadRoot: Uint8Array, tenantId: Hex): Uint8Array {
  const okm = hkdf(sha256, payloadRoot, SALT, hexToBytes(tenantId), 48);
  const scalar = (BigInt(bytesToHex(okm)) % (N - 1n)) + 1n;
  return hexToBytes(`0x${scalar.toString(16).padStart(64, "0")}`);
}

export function payloadPublicKeyOf(secret: Uint8Array): Hex {
  return bytesToHex(secp256k1.getPublicKey(secret, false));
}

/** What the enclave key signs (EIP-191) to certify a tenant payload key for one chain and registry. */
export type PayloadKeyBinding = { chainId: bigint; nodeRegistry: Address; enclaveKey: Address };

export function tenantPayloadKeyDigest(binding: PayloadKeyBinding, tenantId: Hex, publicKey: Hex): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "string" }, { type: "uint256" }, { type: "address" }, { type: "address" }, { type: "bytes32" }, { type: "bytes" }],
      ["NSF.TenantPayloadKey/1", binding.chainId, binding.nodeRegistry, binding.enclaveKey, tenantId, publicKey],
    ),
  );
}

/** Scheduler side: true when the key is certified by the expected (attested) enclave key. */
export async function verifyTenantPayloadKey(key: TenantPayloadKey, binding: PayloadKeyBinding): Promise<boolean> {
  try {
    const signer = await recoverMessageAddress({ message: { raw: tenantPayloadKeyDigest(binding, key.tenantId, key.publicKey) }, signature: key.signature });
    return signer.toLowerCase() === binding.enclaveKey.toLowerCase();
  } catch {
    return false;
  }
}

/** A fresh config object per call: eciesjs's shared default is mutable module state we must not depend on. */
function eciesConfig(): EciesConfig {
  return new EciesConfig();
}

/** Scheduler side: seals an input bundle to a tenant payload key (ephemeral key ‖ nonce ‖ tag ‖ ciphertext). */
export function sealPayload(publicKey: Hex, plaintext: Uint8Array): Uint8Array {
  return eciesEncrypt(hexToBytes(publicKey), plaintext, eciesConfig());
}

/**
 * Enclave side: an opener bound to one tenant secret; throws on any authentication failure. On libsecp256k1 when
 * its prebuild loads (`createNativePayloadOpener`, ~90 µs), otherwise eciesjs (`createEciesjsPayloadOpener`,
 * ~10–17 ms); both open exactly the same payloads.
 */
export function createPayloadOpener(secret: Uint8Array): (ciphertext: Uint8Array) => Uint8Array {
  const native = loadNativeSecp256k1();
  return native ? createNativePayloadOpener(native, secret) : createEciesjsPayloadOpener(secret);
}

/**
 * eciesjs's own `decrypt`, step for step (decapsulate, then symmetric decrypt), except that the receiver's
 * `PrivateKey` object is built once per tenant: building it costs three curve multiplications.
 */
export function createEciesjsPayloadOpener(secret: Uint8Array): (ciphertext: Uint8Array) => Uint8Array {
  const config = eciesConfig();
  const receiver = new EciesPrivateKey(secret, config.ellipticCurve);
  return (ciphertext) => {
    const ephemeral = new EciesPublicKey(ciphertext.subarray(0, config.ephemeralKeySize), config.ellipticCurve);
    const sharedKey = ephemeral.decapsulate(receiver, config.isHkdfKeyCompressed);
    return symDecrypt(config, sharedKey, ciphertext.subarray(config.ephemeralKeySize));
  };
}
