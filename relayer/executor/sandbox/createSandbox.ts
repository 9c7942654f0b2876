import type { Hex } from "viem";
import { sha256Of } from "../../core/formats/ids.js";
import { ExecutorError } from "../errors/ExecutorError.js";
import { encodeClauseInputs } from "./clauseAbi.js";
import type { ClauseRunner } from "./ClauseRunner.js";
import { createInlineRunner } from "./createInlineRunner.js";
import { prepareClauseModule } from "./prepareClauseModule.js";
import type { MeteredRun } from "./runMeteredClause.js";
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from "./sandboxLimits.js";
import type { WasmModule } from "./wasmEngine.js";

/** A module that passed validation and metering, compiled once and cached by its code hash. */
export type PreparedClause = { codeHash: Hex; module: WasmModule };

export type Sandbox = {
  readonly limits: Readonly<SandboxLimits>;
  /** Validate + meter + compile, once per code hash. Throws the typed `NSF_WASM_*` errors. */
  prepare(codeHash: Hex, wasm: Uint8Array): PreparedClause;
  /** A fresh instance per call; `inputs` in manifest order; `stepLimit <= limits.maxSteps`. */
  run(prepared: PreparedClause, inputs: readonly bigint[], stepLimit: bigint): Promise<MeteredRun>;
  close(): Promise<void>;
};

export type SandboxParameters = {
  limits?: Partial<SandboxLimits>;
  /** Defaults to the inline runner; the node uses the worker runner for its wall-clock guard. */
  runner?: ClauseRunner;
  /** How many compiled modules to keep. */
  cacheSize?: number;
};

export function createSandbox(parameters: SandboxParameters = {}): Sandbox {
  const limits: Readonly<SandboxLimits> = Object.freeze({ ...DEFAULT_SANDBOX_LIMITS, ...parameters.limits });
  const runner = parameters.runner ?? createInlineRunner();
  const cacheSize = parameters.cacheSize ?? 256;
  // Map iteration order is insertion order: re-inserting on hit makes the first key the least recently used.
  const cache = new Map<Hex, PreparedClause>();

  return {
    limits,
    prepare(codeHash, wasm) {
      const key = codeHash.toLowerCase() as Hex;
      const hit = cache.get(key);
      if (hit) {
        cache.delete(key);
        cache.set(key, hit);
        return hit;
      }
      // Checked here, not trusted from the caller: a cache entry must never serve the wrong code.
      const actual = sha256Of(wasm);
      if (actual !== key) throw new ExecutorError("CLAUSE_STORE_MISMATCH", `module hashes to ${actual}, expected ${key}`);
      const prepared: PreparedClause = { codeHash: key, module: prepareClauseModule(wasm, limits).module };
      cache.set(key, prepared);
      if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
      return prepared;
    },
    async run(prepared, inputs, stepLimit) {
      if (stepLimit <= 0n || stepLimit > limits.maxSteps) {
        throw new ExecutorError("CLAUSE_MANIFEST_INVALID", `step limit ${stepLimit} is outside 1..${limits.maxSteps}`);
      }
      return runner.run({ key: prepared.codeHash, module: prepared.module, input: encodeClauseInputs(inputs), stepLimit });
    },
    close: () => runner.close(),
  };
}
