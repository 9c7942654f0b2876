import type { BuiltClauseManifest } from "../../clauses/clauseManifest.js";
import type { ZkCircuitSpec } from "../../zk/zkCircuits.js";

/**
 * The clause-store entry of a zk clause version: its WASM twin (the same decision, same bytes, same code hash)
 * under the zk version's clause id. The node runs this module, then proves the run with the circuit
 * (createJobExecutor); the registry holds the twin's code hash for the zk version.
 */
export function zkTwinEntry(spec: ZkCircuitSpec, twin: { manifest: BuiltClauseManifest; wasm: Uint8Array }): { manifest: BuiltClauseManifest; wasm: Uint8Array } {
  return { manifest: { ...twin.manifest, clauseId: spec.clauseId }, wasm: twin.wasm };
}
