import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, type Hex } from "viem";
import { canonicalJsonHash } from "../formats/canonicalJson.js";

/**
 * The hashes a zk clause version records in ClauseRegistry (docs/FORMATS.md §18):
 * `circuitHash = sha256(r1cs file bytes)` — the constraint system is the circuit, as the WASM bytes are the
 * clause (`codeHash`); `vkeyHash = H(utf8(JCS(verification key JSON)))` of the snarkjs verification key.
 */
export function circuitHash(r1csBytes: Uint8Array): Hex {
  return bytesToHex(sha256(r1csBytes));
}

export function verificationKeyHash(vkey: unknown): Hex {
  return canonicalJsonHash(vkey);
}
