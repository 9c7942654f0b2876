import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Hex } from "viem";

/**
 * A keccak-256 function over raw bytes. The pure core takes it as a parameter so the hot path can run a
 * faster implementation (WASM, see relayer/aggregator/crypto/loadFastKeccak.ts) while tests and small
 * callers use the audited pure-JS default. Implementations must return a fresh 32-byte array.
 */
export type Keccak = (data: Uint8Array) => Uint8Array;

export const nobleKeccak: Keccak = (data) => keccak_256(data);

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Lowercase 0x-hex of `bytes` (faster than a generic encoder on 32-byte values, which dominate here). */
export function bytesToHexFast(bytes: Uint8Array): Hex {
  let out = "0x";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out as Hex;
}

/** Writes the 0x-hex `value` (exactly `bytes` long once decoded) into `target` at `offset`. */
export function writeHex(target: Uint8Array, offset: number, value: string, bytes = 32): void {
  if (value.length !== 2 + bytes * 2) throw new RangeError(`expected ${bytes} bytes of hex, got ${value.length} characters`);
  for (let i = 0; i < bytes; i++) {
    const byte = Number.parseInt(value.slice(2 + i * 2, 4 + i * 2), 16);
    if (Number.isNaN(byte)) throw new RangeError(`not hex: ${value}`);
    target[offset + i] = byte;
  }
}

/** Writes `value` as a big-endian uint256 word at `offset` (the ABI encoding of any uintN <= 256). */
export function writeUint(target: Uint8Array, offset: number, value: bigint | number): void {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError("negative integer");
  for (let i = 31; i >= 0; i--) {
    target[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new RangeError("integer wider than 256 bits");
}

export function hexToBytesFast(value: string): Uint8Array {
  const out = new Uint8Array((value.length - 2) / 2);
  writeHex(out, 0, value, out.length);
  return out;
}
