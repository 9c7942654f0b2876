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

/** Nibble value of an ASCII hex digit (either case), 255 for anything else. */
const NIBBLE = (() => {
  const table = new Uint8Array(128).fill(255);
  for (let i = 0; i < 10; i++) table[48 + i] = i;
  for (let i = 0; i < 6; i++) table[65 + i] = table[97 + i] = 10 + i;
  return table;
})();

/** Writes the 0x-hex `value` (exactly `bytes` long once decoded, either case) into `target` at `offset`. */
export function writeHex(target: Uint8Array, offset: number, value: string, bytes = 32): void {
  if (value.length !== 2 + bytes * 2 || value.charCodeAt(0) !== 48 || (value.charCodeAt(1) | 0x20) !== 120) {
    throw new RangeError(`expected ${bytes} bytes of 0x-hex, got ${value.length} characters`);
  }
  for (let i = 0; i < bytes; i++) {
    const hi = value.charCodeAt(2 + i * 2);
    const lo = value.charCodeAt(3 + i * 2);
    // Code units >= 128 would index past the table: they are not hex either.
    const h = hi < 128 ? NIBBLE[hi]! : 255;
    const l = lo < 128 ? NIBBLE[lo]! : 255;
    if ((h | l) > 15) throw new RangeError(`not hex: ${value}`);
    target[offset + i] = (h << 4) | l;
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
