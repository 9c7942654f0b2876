import type { Hex } from "viem";
import { encodeClauseOutput, type ClauseOutput } from "../formats/output.js";
import { ZkError } from "./ZkError.js";
import { fieldBinding, type ZkPublicSignals } from "./zkPublicSignals.js";

/**
 * The clause output (docs/FORMATS.md §5) a zk clause's public signals stand for: `status`, the action the
 * clause names for that status, and one amount. A zk circuit cannot emit strings, so the action is fixed per
 * status by the circuit's spec (the same mapping the WASM twin hard-codes).
 */
export function zkClauseOutput(signals: ZkPublicSignals, actions: Readonly<Record<number, string>>): ClauseOutput {
  const status = Number(signals.status);
  const action = signals.status <= 0xffffn ? actions[status] : undefined;
  if (action === undefined) throw new ZkError("BINDING_MISMATCH", `status ${signals.status} is not one the circuit declares`);
  return { status, action, amounts: [signals.amount] };
}

export type ZkBindingExpectation = {
  /** keccak256 of the clause id string (the registered `clauseId`). */
  clauseIdHash: Hex;
  jobId: Hex;
  /** The CAC's `outputs.encoded`. */
  output: Hex;
  actions: Readonly<Record<number, string>>;
};

/**
 * The proof is about this job of this clause version and says what the CAC says: clause and job bindings
 * equal the ids reduced into the field, and the outputs re-encode to the CAC's output bytes.
 */
export function checkZkBindings(signals: ZkPublicSignals, expected: ZkBindingExpectation): void {
  const clause = fieldBinding(expected.clauseIdHash);
  if (signals.clause_binding !== clause) {
    throw new ZkError("BINDING_MISMATCH", `clause_binding ${signals.clause_binding} is not the clause's ${clause}`);
  }
  const job = fieldBinding(expected.jobId);
  if (signals.job_binding !== job) throw new ZkError("BINDING_MISMATCH", `job_binding ${signals.job_binding} is not the job's ${job}`);
  const encoded = encodeClauseOutput(zkClauseOutput(signals, expected.actions));
  if (encoded.toLowerCase() !== expected.output.toLowerCase()) {
    throw new ZkError("BINDING_MISMATCH", "status and amount do not re-encode to the CAC's output");
  }
}
