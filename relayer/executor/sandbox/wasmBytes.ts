import { ExecutorError } from "../errors/ExecutorError.js";

/**
 * Byte-level reading and writing of the WebAssembly binary format (LEB128, vectors, names).
 * Pure: no I/O. Used by the module validator and the metering rewriter.
 */
export class WasmReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) throw malformed(`unexpected end of bytes at offset ${this.pos}`);
    return this.bytes[this.pos++]!;
  }

  /** Unsigned LEB128 of at most 32 bits. */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const byte = this.u8();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (result > 0xffffffff) throw malformed(`u32 out of range at offset ${this.pos}`);
        return result;
      }
      shift += 7;
    }
    throw malformed(`u32 LEB128 too long at offset ${this.pos}`);
  }

  /** Signed LEB128 of at most `bits` bits; only skipped or returned as bigint (i64 constants need all 64 bits). */
  sleb(bits: 32 | 33 | 64): bigint {
    let result = 0n;
    let shift = 0n;
    const maxBytes = Math.ceil(bits / 7);
    for (let i = 0; i < maxBytes; i++) {
      const byte = this.u8();
      result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
      if ((byte & 0x80) === 0) {
        if (byte & 0x40) result -= 1n << shift;
        return result;
      }
    }
    throw malformed(`s${bits} LEB128 too long at offset ${this.pos}`);
  }

  take(length: number): Uint8Array {
    if (length < 0 || this.pos + length > this.end) throw malformed(`length ${length} runs past the end at offset ${this.pos}`);
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  name(): string {
    const length = this.u32();
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(this.take(length));
    } catch (cause) {
      if (cause instanceof ExecutorError) throw cause;
      throw malformed(`name is not UTF-8 at offset ${this.pos}`);
    }
  }
}

/** Appends bytes; `finish()` returns one contiguous array. */
export class ByteWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  bytes(data: Uint8Array | readonly number[]): this {
    const chunk = data instanceof Uint8Array ? data : Uint8Array.from(data);
    this.chunks.push(chunk);
    this.length += chunk.length;
    return this;
  }

  u32(value: number): this {
    return this.bytes(encodeU32(value));
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

export function encodeU32(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`u32 out of range: ${value}`);
  const out: number[] = [];
  let rest = value;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest !== 0) byte |= 0x80;
    out.push(byte);
  } while (rest !== 0);
  return out;
}

export function encodeSleb(value: bigint): number[] {
  const out: number[] = [];
  let rest = value;
  for (;;) {
    const byte = Number(rest & 0x7fn);
    rest >>= 7n;
    const done = (rest === 0n && (byte & 0x40) === 0) || (rest === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A length-prefixed vector of already-encoded items. */
export function encodeVector(items: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  const writer = new ByteWriter().u32(items.length);
  for (const item of items) writer.bytes(item);
  return writer.finish();
}

export function encodeName(name: string): Uint8Array {
  const utf8 = new TextEncoder().encode(name);
  return new ByteWriter().u32(utf8.length).bytes(utf8).finish();
}

export function encodeSection(id: number, payload: Uint8Array): Uint8Array {
  return new ByteWriter().bytes([id]).u32(payload.length).bytes(payload).finish();
}

function malformed(details: string): ExecutorError {
  return new ExecutorError("WASM_MALFORMED", details);
}
