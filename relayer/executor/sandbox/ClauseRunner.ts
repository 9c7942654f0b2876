import type { Hex } from "viem";
import type { MeteredRun } from "./runMeteredClause.js";
import type { WasmModule } from "./wasmEngine.js";

/** One metered run to perform: `key` is the code hash, so a runner may cache `module` under it. */
export type RunJob = { key: Hex; module: WasmModule; input: Uint8Array; stepLimit: bigint };

/**
 * Where runs happen. Two implementations: inline (the caller's thread; fastest) and worker threads
 * (adds a wall-clock guard as a second line behind step metering). Both use `runMeteredClause`.
 */
export type ClauseRunner = {
  run(job: RunJob): Promise<MeteredRun>;
  close(): Promise<void>;
};
