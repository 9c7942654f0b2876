import { ExecutorError } from "../errors/ExecutorError.js";
import { meterModule } from "./meterModule.js";
import type { SandboxLimits } from "./sandboxLimits.js";
import { validateModule } from "./validateModule.js";
import { compileWasm, type WasmModule } from "./wasmEngine.js";

/** Validate, meter and compile: everything done once per code hash before the first run. */
export function prepareClauseModule(wasm: Uint8Array, limits: SandboxLimits): { module: WasmModule; meteredBytes: number } {
  const validated = validateModule(wasm, limits);
  const metered = meterModule(validated, { maxMemoryPages: limits.maxMemoryPages, maxStackSlots: limits.maxStackSlots });
  try {
    return { module: compileWasm(metered), meteredBytes: metered.length };
  } catch (cause) {
    // The input passed validation, so this is a metering bug: say so rather than blame the clause.
    throw new ExecutorError("WASM_MALFORMED", "the metered module failed to compile (sandbox bug; please report)", { cause });
  }
}
