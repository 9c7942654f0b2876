import { ExecutorError } from "../../errors/ExecutorError.js";

/**
 * A bounds-checked little-endian cursor over vendor binary layouts (SGX/TDX quotes, SEV-SNP reports), the one
 * place where we parse bytes by hand because no maintained library reads these layouts. Every read past the end
 * is NSF_ATTESTATION_MALFORMED naming the field, never a RangeError or a silently short slice.
 */
export class ByteReader {
  private offset: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
    start = 0,
  ) {
    this.offset = start;
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  take(length: number, field: string): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 0 || length > this.remaining) {
      throw new ExecutorError("ATTESTATION_MALFORMED", `${this.what}: ${field} needs ${length} bytes at offset ${this.offset}, ${this.remaining} left`);
    }
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  u16(field: string): number {
    const b = this.take(2, field);
    return b[0]! | (b[1]! << 8);
  }

  u32(field: string): number {
    const b = this.take(4, field);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16)) + b[3]! * 0x1000000;
  }

  u64(field: string): bigint {
    const b = this.take(8, field);
    let value = 0n;
    for (let i = 7; i >= 0; i--) value = (value << 8n) | BigInt(b[i]!);
    return value;
  }
}

export const toHex = (bytes: Uint8Array): `0x${string}` => `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex")}`;

export const isAllZero = (bytes: Uint8Array): boolean => bytes.every((b) => b === 0);

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
