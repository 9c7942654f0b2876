import { getAddress, type Hex } from "viem";
import { buildOpenDisputeCalldata, type SignedCac } from "../core/agreement/disputeEvidence.js";
import { cacFromJson } from "../core/cac/cacJson.js";
import type { JobStore } from "../store/jobStore.js";

/**
 * Dispute evidence kept in the store (verified CACs of one job that disagree on the output) as
 * `DisputeResolver.openDispute` calldata. Picks the first CAC of the largest group and the first of the next;
 * `undefined` when the job's verified CACs all agree. Submitting it is a later issue's job (a tx manager).
 */
export function disputeCalldataFor(store: JobStore, jobId: Hex): { calldata: Hex; a: SignedCac & { signer: Hex }; b: SignedCac & { signer: Hex } } | undefined {
  const job = store.getJob(jobId);
  if (!job) return undefined;
  const groups = new Map<string, { signer: Hex; signed: SignedCac }[]>();
  for (const row of store.validCacs(jobId)) {
    if (!row.outputHash || !row.reply || !row.signer) continue;
    const stored = JSON.parse(row.reply) as { cac: unknown; signature: Hex };
    const { cac } = cacFromJson(stored.cac);
    const list = groups.get(row.outputHash) ?? [];
    list.push({ signer: getAddress(row.signer), signed: { cac, signature: stored.signature } });
    groups.set(row.outputHash, list);
  }
  const ordered = [...groups.values()].sort((x, y) => y.length - x.length);
  if (ordered.length < 2) return undefined;
  const a = ordered[0]![0]!;
  const b = ordered[1]![0]!;
  return {
    calldata: buildOpenDisputeCalldata({ a: a.signed, b: b.signed, dao: job.dao, jurisdiction: job.jurisdiction }),
    a: { ...a.signed, signer: a.signer },
    b: { ...b.signed, signer: b.signer },
  };
}
