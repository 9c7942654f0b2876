import { ExecutorError } from "../errors/ExecutorError.js";
import type { ClauseOutput } from "../../core/formats/output.js";
import { AbiExport, decodeClauseOutputRecord, MeterExport, TrapReason } from "./clauseAbi.js";
import { instantiateWasm, isWasmTrap, type WasmGlobal, type WasmMemory, type WasmModule } from "./wasmEngine.js";

export type MeteredRun = { output: ClauseOutput; stepsUsed: bigint };

type ClauseExports = {
  memory: WasmMemory;
  nsf_input_ptr: () => number;
  nsf_run: (count: number) => number;
  __nsf_steps: WasmGlobal;
  __nsf_trap: WasmGlobal;
};

/**
 * One execution: a fresh instance of an already metered and compiled module, nothing carried over.
 * Shared by the inline runner and the worker-thread runner so both behave identically.
 * `inputBytes` is the ABI input area (docs/FORMATS.md §10); `stepLimit` goes into `__nsf_steps`.
 */
export function runMeteredClause(module: WasmModule, inputBytes: Uint8Array, stepLimit: bigint): MeteredRun {
  const exports = instantiateWasm(module).exports as unknown as ClauseExports;
  exports[MeterExport.Steps].value = stepLimit;
  try {
    const inputPtr = exports[AbiExport.InputPtr]() >>> 0;
    const before = new Uint8Array(exports.memory.buffer);
    if (inputPtr + inputBytes.length > before.length) {
      throw new ExecutorError("WASM_ABI_MISMATCH", `nsf_input_ptr returned ${inputPtr}; ${inputBytes.length} input bytes do not fit in memory`);
    }
    before.set(inputBytes, inputPtr);
    const outputPtr = exports[AbiExport.Run](inputBytes.length / 8) >>> 0;
    // Read the buffer again: memory.grow inside the clause replaces it.
    const output = decodeClauseOutputRecord(new Uint8Array(exports.memory.buffer), outputPtr);
    return { output, stepsUsed: stepLimit - (exports[MeterExport.Steps].value as bigint) };
  } catch (error) {
    throw classifyFailure(error, exports[MeterExport.Trap].value as number, stepLimit);
  }
}

function classifyFailure(error: unknown, trap: number, stepLimit: bigint): ExecutorError {
  if (error instanceof ExecutorError) return error;
  switch (trap) {
    case TrapReason.Steps:
      return new ExecutorError("CLAUSE_STEP_LIMIT", `step limit ${stepLimit}`);
    case TrapReason.Memory:
      return new ExecutorError("CLAUSE_MEMORY_LIMIT", "memory.grow beyond the module's maximum");
    case TrapReason.Stack:
      return new ExecutorError("CLAUSE_CALL_DEPTH", "the calls in progress exceed the stack budget");
    default:
      break;
  }
  if (isWasmTrap(error)) {
    // The engine's message ("unreachable", "divide by zero", ...) is informative only, never a code.
    return new ExecutorError("CLAUSE_TRAPPED", error.message, { cause: error });
  }
  // A native stack overflow should be impossible under the stack budget; report it, never hide it.
  return new ExecutorError("CLAUSE_TRAPPED", error instanceof Error ? `${error.name}: ${error.message}` : String(error), { cause: error });
}
