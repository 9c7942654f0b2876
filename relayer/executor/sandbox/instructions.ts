import { ExecutorError } from "../errors/ExecutorError.js";
import type { WasmReader } from "./wasmBytes.js";

/**
 * The instruction subset a clause may use, and a decoder for it.
 *
 * An allowlist, not a denylist: integer MVP instructions, sign extension and the four bulk-memory
 * instructions. Everything else is refused, so a future engine feature never slips in unreviewed:
 * every f32/f64 instruction and every float type (non-deterministic NaN bits), SIMD (float lanes),
 * threads and atomics (shared state), reference types, exceptions, tail calls, multi-memory, GC.
 */
export type InstructionKind =
  | "plain"
  | "block"
  | "loop"
  | "if"
  | "else"
  | "end"
  | "br"
  | "br_if"
  | "br_table"
  | "return"
  | "unreachable"
  | "call"
  | "call_indirect"
  | "memory.grow";

export type Instruction = { start: number; end: number; kind: InstructionKind };

export const ValType = { I32: 0x7f, I64: 0x7e, F32: 0x7d, F64: 0x7c, V128: 0x7b, FuncRef: 0x70, ExternRef: 0x6f } as const;

/** Value types a clause may use in signatures, locals, globals and block types: integers only. */
export function checkValType(byte: number, where: string): void {
  if (byte === ValType.I32 || byte === ValType.I64) return;
  if (byte === ValType.F32 || byte === ValType.F64) throw new ExecutorError("WASM_FLOAT_FORBIDDEN", `${byteName(byte)} in ${where}`);
  throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `value type 0x${hex(byte)} in ${where}`);
}

/** Reads one instruction at `reader.pos` (inside function `where`), enforcing the allowlist. */
export function readInstruction(reader: WasmReader, where: string): Instruction {
  const start = reader.pos;
  const op = reader.u8();
  const kind = readImmediates(reader, op, `${where} at offset ${start}`);
  return { start, end: reader.pos, kind };
}

function readImmediates(reader: WasmReader, op: number, where: string): InstructionKind {
  switch (op) {
    case 0x00:
      return "unreachable";
    case 0x01:
      return "plain";
    case 0x02:
      readBlockType(reader, where);
      return "block";
    case 0x03:
      readBlockType(reader, where);
      return "loop";
    case 0x04:
      readBlockType(reader, where);
      return "if";
    case 0x05:
      return "else";
    case 0x0b:
      return "end";
    case 0x0c:
      reader.u32();
      return "br";
    case 0x0d:
      reader.u32();
      return "br_if";
    case 0x0e: {
      const count = reader.u32();
      for (let i = 0; i <= count; i++) reader.u32();
      return "br_table";
    }
    case 0x0f:
      return "return";
    case 0x10:
      reader.u32();
      return "call";
    case 0x11:
      reader.u32();
      if (reader.u32() !== 0) throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `call_indirect on a table other than 0 (${where})`);
      return "call_indirect";
    case 0x1a: // drop
    case 0x1b: // select
      return "plain";
    case 0x1c: {
      const count = reader.u32();
      for (let i = 0; i < count; i++) checkValType(reader.u8(), `select (${where})`);
      return "plain";
    }
    case 0x20: // local.get
    case 0x21: // local.set
    case 0x22: // local.tee
    case 0x23: // global.get
    case 0x24: // global.set
      reader.u32();
      return "plain";
    case 0x3f: // memory.size
      readMemoryIndex(reader, where);
      return "plain";
    case 0x40: // memory.grow
      readMemoryIndex(reader, where);
      return "memory.grow";
    case 0x41:
      reader.sleb(32);
      return "plain";
    case 0x42:
      reader.sleb(64);
      return "plain";
    case 0xfc:
      return readPrefixedFc(reader, where);
    default:
      break;
  }
  if (op >= 0x28 && op <= 0x3e) {
    if (op === 0x2a || op === 0x2b || op === 0x38 || op === 0x39) throw floatOp(op, where);
    const align = reader.u32();
    // Bit 6 of the alignment announces a memory index (multi-memory): clauses have exactly one memory.
    if (align >= 0x40) throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `multi-memory load/store (${where})`);
    reader.u32();
    return "plain";
  }
  if (isFloatOpcode(op)) throw floatOp(op, where);
  if ((op >= 0x45 && op <= 0x5a) || (op >= 0x67 && op <= 0x8a) || op === 0xa7 || op === 0xac || op === 0xad || (op >= 0xc0 && op <= 0xc4)) {
    return "plain";
  }
  const family = op === 0xfd ? "SIMD" : op === 0xfe ? "threads/atomics" : op >= 0xd0 && op <= 0xd6 ? "reference types" : "unsupported";
  throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `${family} opcode 0x${hex(op)} (${where})`);
}

/** f32/f64 constants, comparisons, arithmetic, conversions and reinterpretations. */
function isFloatOpcode(op: number): boolean {
  return op === 0x43 || op === 0x44 || (op >= 0x5b && op <= 0x66) || (op >= 0x8b && op <= 0xa6) || (op >= 0xa8 && op <= 0xab) || (op >= 0xae && op <= 0xbf);
}

function readPrefixedFc(reader: WasmReader, where: string): InstructionKind {
  const sub = reader.u32();
  if (sub <= 7) throw new ExecutorError("WASM_FLOAT_FORBIDDEN", `saturating float-to-int conversion 0xfc ${sub} (${where})`);
  switch (sub) {
    case 8: // memory.init dataidx memidx
      reader.u32();
      readMemoryIndex(reader, where);
      return "plain";
    case 9: // data.drop dataidx
      reader.u32();
      return "plain";
    case 10: // memory.copy dst src
      readMemoryIndex(reader, where);
      readMemoryIndex(reader, where);
      return "plain";
    case 11: // memory.fill
      readMemoryIndex(reader, where);
      return "plain";
    default:
      throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `table or unknown instruction 0xfc ${sub} (${where})`);
  }
}

function readMemoryIndex(reader: WasmReader, where: string): void {
  if (reader.u32() !== 0) throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `memory index other than 0 (${where})`);
}

function readBlockType(reader: WasmReader, where: string): void {
  const first = reader.bytes[reader.pos];
  if (first === 0x40) {
    reader.pos++;
    return;
  }
  if (first !== undefined && first >= 0x60 && first <= 0x7f) {
    reader.pos++;
    checkValType(first, `block type (${where})`);
    return;
  }
  // A type index (multi-value block): its signature was checked with the type section.
  if (reader.sleb(33) < 0n) throw new ExecutorError("WASM_MALFORMED", `negative block type index (${where})`);
}

function floatOp(op: number, where: string): ExecutorError {
  return new ExecutorError("WASM_FLOAT_FORBIDDEN", `float opcode 0x${hex(op)} (${where})`);
}

function byteName(byte: number): string {
  return byte === ValType.F32 ? "f32" : byte === ValType.F64 ? "f64" : `0x${hex(byte)}`;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
