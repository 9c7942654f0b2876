import { ExecutorError } from "../errors/ExecutorError.js";
import { actionToBytes32, type ClauseOutput } from "../../core/formats/output.js";

/**
 * The clause ABI `nsf-clause/1` (docs/FORMATS.md §10), host side. Pure: byte layouts only.
 *
 * A clause exports its linear memory and two functions; it imports nothing:
 *   memory                      the clause's only memory
 *   nsf_input_ptr() -> i32      where the host writes the inputs: `count` little-endian i64 values in manifest order
 *   nsf_run(count i32) -> i32   runs the clause, returns the address of its output record
 *
 * Output record at the returned address (little-endian):
 *   +0   u32       status (must fit uint16)
 *   +4   32 bytes  action, ASCII left-aligned, zero-padded (the `bytes32` of docs/FORMATS.md §5)
 *   +36  u32       amount count n (<= MAX_AMOUNTS)
 *   +40  n * 32    amounts, each uint256 as four u64 limbs, least significant limb first
 */
export const CLAUSE_ABI = "nsf-clause/1";

export const AbiExport = { Memory: "memory", InputPtr: "nsf_input_ptr", Run: "nsf_run" } as const;

/** Names the metering pass adds; a clause may not export anything under this prefix. */
export const RESERVED_EXPORT_PREFIX = "__nsf_";
export const MeterExport = { Steps: "__nsf_steps", Trap: "__nsf_trap" } as const;

/** Why a metered module trapped on purpose (value of the `__nsf_trap` global). */
export const TrapReason = { None: 0, Steps: 1, Memory: 2, Stack: 3 } as const;

export const MAX_INPUTS = 64;
export const MAX_AMOUNTS = 16;
export const OUTPUT_HEADER_BYTES = 40;
export const AMOUNT_BYTES = 32;
export const PAGE_BYTES = 65536;

const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** The input area bytes: one little-endian i64 per value. */
export function encodeClauseInputs(values: readonly bigint[]): Uint8Array {
  if (values.length > MAX_INPUTS) throw new ExecutorError("INPUT_SCHEMA_VIOLATION", `${values.length} inputs; the clause ABI carries at most ${MAX_INPUTS}`);
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => {
    if (value < I64_MIN || value > I64_MAX) throw new ExecutorError("INPUT_SCHEMA_VIOLATION", `input #${i} does not fit an i64`);
    view.setBigInt64(i * 8, value, true);
  });
  return bytes;
}

/** Reads and checks the output record the clause returned; any deviation is the clause's fault. */
export function decodeClauseOutputRecord(memory: Uint8Array, address: number): ClauseOutput {
  const fail = (why: string) => new ExecutorError("CLAUSE_OUTPUT_INVALID", why);
  if (!Number.isInteger(address) || address < 0 || address + OUTPUT_HEADER_BYTES > memory.length) {
    throw fail(`output record address ${address} is outside memory (${memory.length} bytes)`);
  }
  const view = new DataView(memory.buffer, memory.byteOffset, memory.byteLength);
  const status = view.getUint32(address, true);
  if (status > 0xffff) throw fail(`status ${status} does not fit uint16`);
  const actionBytes = memory.subarray(address + 4, address + 36);
  const length = actionBytes.indexOf(0);
  const end = length === -1 ? 32 : length;
  if (actionBytes.subarray(end).some((b) => b !== 0)) throw fail("action is not zero-padded after its text");
  const action = String.fromCharCode(...actionBytes.subarray(0, end));
  try {
    actionToBytes32(action);
  } catch {
    throw fail("action must be at most 31 printable ASCII characters");
  }
  const count = view.getUint32(address + 36, true);
  if (count > MAX_AMOUNTS) throw fail(`${count} amounts; the clause ABI carries at most ${MAX_AMOUNTS}`);
  if (address + OUTPUT_HEADER_BYTES + count * AMOUNT_BYTES > memory.length) throw fail("amounts run past the end of memory");
  const amounts: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const base = address + OUTPUT_HEADER_BYTES + i * AMOUNT_BYTES;
    let value = 0n;
    for (let limb = 3; limb >= 0; limb--) value = (value << 64n) | view.getBigUint64(base + limb * 8, true);
    amounts.push(value);
  }
  return { status, action, amounts };
}
