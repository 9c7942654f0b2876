import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { Address, Hex } from "viem";
import { getAddress } from "viem";
import { HALF_ORDER } from "../quorum/signature.js";
import { bytesToHexFast, hexToBytesFast, nobleKeccak, type Keccak } from "./hashing.js";

/**
 * Recovers the 20-byte address that signed `digest` with a 65-byte (r, s, v) signature, or undefined when
 * the signature is invalid. Injected so the hot path can use native libsecp256k1
 * (relayer/aggregator/crypto/nativeSecp256k1.ts) and everything else the audited pure-JS @noble/curves.
 * Implementations apply the on-chain rules first (docs/FORMATS.md §4): v ∈ {27, 28}, low s, non-zero signer.
 */
export type RecoverSigner = (digest: Uint8Array, signature: Uint8Array) => Uint8Array | undefined;

const HALF_ORDER_BYTES = hexToBytesFast(`0x${HALF_ORDER.toString(16).padStart(64, "0")}`);

/** The checks RollupAnchor / QuorumVerifier make before ecrecover: length, v, low s (EIP-2). */
export function signatureShapeOk(signature: Uint8Array): boolean {
  if (signature.length !== 65) return false;
  const v = signature[64]!;
  if (v !== 27 && v !== 28) return false;
  // Big-endian compare of s (bytes 32..63) with secp256k1n / 2.
  for (let i = 0; i < 32; i++) {
    const s = signature[32 + i]!;
    const h = HALF_ORDER_BYTES[i]!;
    if (s !== h) return s < h;
  }
  return true;
}

/** Address = last 20 bytes of keccak256(uncompressed public key without its 0x04 prefix). */
export function addressOfPublicKey(uncompressed: Uint8Array, keccak: Keccak = nobleKeccak): Uint8Array {
  return keccak(uncompressed.subarray(1)).subarray(12);
}

export function createNobleRecoverSigner(keccak: Keccak = nobleKeccak): RecoverSigner {
  return (digest, signature) => {
    if (!signatureShapeOk(signature)) return undefined;
    try {
      const sig = secp256k1.Signature.fromBytes(signature.subarray(0, 64), "compact").addRecoveryBit(signature[64]! - 27);
      const address = addressOfPublicKey(sig.recoverPublicKey(digest).toBytes(false), keccak);
      return address.every((b) => b === 0) ? undefined : address;
    } catch {
      return undefined;
    }
  };
}

/** Convenience over hex: the checksummed signer, or undefined. */
export function recoverAddressWith(recover: RecoverSigner, digest: Hex, signature: Hex): Address | undefined {
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature) || !/^0x[0-9a-fA-F]{64}$/.test(digest)) return undefined;
  const address = recover(hexToBytesFast(digest), hexToBytesFast(signature));
  return address ? getAddress(bytesToHexFast(address)) : undefined;
}
