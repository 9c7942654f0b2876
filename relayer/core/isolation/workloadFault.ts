import { NsfError } from "../errors/NsfError.js";
import { isRelayerError } from "../errors/RelayerError.js";

/**
 * Executor refusals that say the clause workload itself failed in its sandbox — deterministic for the same code
 * and inputs, so another node would fail the same way (DESIGN.md §7, fault isolation; ADR 0014). Timeouts
 * (`NSF_CLAUSE_TIMEOUT`, the wall-clock guard) are the node's trouble, not the workload's, and are not here.
 */
export const WORKLOAD_FAULT_CODES: ReadonlySet<string> = new Set([
  "NSF_CLAUSE_STEP_LIMIT",
  "NSF_CLAUSE_MEMORY_LIMIT",
  "NSF_CLAUSE_CALL_DEPTH",
  "NSF_CLAUSE_TRAPPED",
  "NSF_CLAUSE_OUTPUT_INVALID",
]);

/**
 * The node's own error code when `error` is a refusal for a workload fault, else undefined. Transports put the
 * node's code first in a NODE_REFUSED error's details (`<code>: <details>`, createHttpNodeTransport and
 * createInProcessNodeTransport); this is the one place that reads it back.
 */
export function workloadFaultOf(error: NsfError): string | undefined {
  if (!isRelayerError(error, "NODE_REFUSED")) return undefined;
  const code = /^(NSF_[A-Z0-9_]+)/.exec(error.details ?? "")?.[1];
  return code !== undefined && WORKLOAD_FAULT_CODES.has(code) ? code : undefined;
}
