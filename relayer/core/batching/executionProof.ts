import type { Hex } from "viem";
import { cacFromJson } from "../cac/cacJson.js";
import { InvalidFormatError } from "../errors/NsfError.js";
import { splitSignature, type RsvSignature } from "../quorum/signature.js";
import { leafOfBundleResult, type BatchBundle } from "./batchBundle.js";

/**
 * What a consumer passes to `RollupAnchor.verifyExecution` / `ParametricPayout.claim` for one execution
 * (docs/FORMATS.md §9), read from the archived batch bundle alone (§12): the batch reference, the leaf values,
 * the proof, the executors' CAC fields and signatures (ascending by signer, as in the bundle), the clause
 * context and the ABI-encoded output.
 */
export type ExecutionProof = {
  batch: { batchSeq: bigint; root: Hex; lastSeq: bigint };
  leaf: { jobId: Hex; resultSeq: bigint; clauseId: Hex; tenantId: Hex; inputHash: Hex; outputHash: Hex; cacSetHash: Hex };
  proof: Hex[];
  ctx: { clauseVersion: number; codeHash: Hex; configDigest: Hex };
  executors: ({ attempt: number; runtimeHash: Hex; timestamp: bigint } & RsvSignature)[];
  output: Hex;
  signers: Hex[];
};

export function executionProofOf(bundle: BatchBundle, jobId: Hex): ExecutionProof {
  const entry = bundle.results.find((r) => r.job_id === jobId.toLowerCase());
  if (!entry) throw new InvalidFormatError("job id", jobId, `a job of batch ${bundle.batch.batch_seq}`);
  const cacs = entry.cacs.map((c) => ({ ...cacFromJson(c.cac), signature: c.signature as Hex, signer: c.signer as Hex }));
  const first = cacs[0]!.cac;
  return {
    batch: { batchSeq: BigInt(bundle.batch.batch_seq), root: bundle.batch.root as Hex, lastSeq: BigInt(bundle.batch.last_seq) },
    leaf: leafOfBundleResult(entry),
    proof: entry.proof as Hex[],
    ctx: { clauseVersion: first.clauseVersion, codeHash: first.codeHash, configDigest: first.configDigest },
    executors: cacs.map(({ cac, signature }) => ({ attempt: cac.attempt, runtimeHash: cac.runtimeHash, timestamp: cac.timestamp, ...splitSignature(signature) })),
    output: entry.output as Hex,
    signers: cacs.map((c) => c.signer),
  };
}
