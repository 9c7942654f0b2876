import type { Hex } from "viem";
import { parseClauseId } from "../core/formats/clauseRef.js";
import { ExecutionModel, PriorityClass } from "../core/formats/enums.js";
import { jurisdictionToBytes3 } from "../core/formats/ids.js";

export type ClauseSpecOptions = {
  /** ISO 3166-1 alpha-3 codes the clause may run in. */
  jurisdictions: readonly string[];
  quorumK: number;
  quorumN: number;
  policyFlags?: number;
  priority?: number;
  model?: number;
  validFrom?: bigint;
  validUntil?: bigint;
  parent?: Hex;
};

/** The `ClauseRegistry.registerClause` argument for clause id `id` with WASM code hash `codeHash`. */
export function buildClauseSpec(id: string, codeHash: Hex, options: ClauseSpecOptions) {
  const ref = parseClauseId(id);
  return {
    namespace_: ref.namespace,
    domain: ref.domain,
    name: ref.name,
    major: ref.major,
    minor: ref.minor,
    patch: ref.patch,
    fork: ref.fork,
    parent: options.parent ?? (`0x${"00".repeat(32)}` as Hex),
    codeHash,
    model: options.model ?? (options.quorumK === 1 && options.quorumN === 1 ? ExecutionModel.Single : ExecutionModel.Quorum),
    quorumK: options.quorumK,
    quorumN: options.quorumN,
    priority: options.priority ?? PriorityClass.Disaster,
    policyFlags: options.policyFlags ?? 0,
    validFrom: options.validFrom ?? 0n,
    validUntil: options.validUntil ?? 0n,
    jurisdictions: options.jurisdictions.map(jurisdictionToBytes3),
  };
}
