import type { Hex } from "viem";
import type { ResolvedQos } from "./qosConfig.js";

/** A job waiting for a dispatch slot, in queue order within its rank (block order). */
export type QueuedJob = { jobId: Hex; rank: number; jurisdiction: Hex };
export type RunningJob = { rank: number; jurisdiction: Hex };

export type AdmissionDenial = { jobId: Hex; reason: string };
export type AdmissionPlan = { admit: QueuedJob[]; denied: AdmissionDenial[] };

/**
 * Which queued jobs get a dispatch slot now (pure). Queues are served strictly by rank (highest priority
 * first), so a job of a higher class always overtakes queued work of lower classes — preemption of queued work;
 * running work is never interrupted. Reserved capacity: jobs of rank ≥ r may hold at most
 * `concurrency − Σ reserved[r' < r]` slots together, so a flood of planning jobs can never take the slots kept
 * for disaster and finance. Jurisdictional quotas cap jobs in flight per tenant jurisdiction; a job over its
 * quota is skipped (denied for now, with the reason) and a later job of another jurisdiction may take the slot.
 */
export function planAdmissions(input: { qos: ResolvedQos; concurrency: number; running: readonly RunningJob[]; queued: readonly QueuedJob[] }): AdmissionPlan {
  const { qos, concurrency } = input;
  const ranks = qos.reserved.length + 1;
  /** Slots held by jobs of rank ≥ r, per r. */
  const atOrBelow = new Array<number>(ranks + 1).fill(0);
  const byJurisdiction = new Map<string, number>();
  const hold = (rank: number, jurisdiction: Hex) => {
    for (let r = 0; r <= Math.min(rank, ranks); r++) atOrBelow[r]!++;
    const j = jurisdiction.toLowerCase();
    byJurisdiction.set(j, (byJurisdiction.get(j) ?? 0) + 1);
  };
  for (const r of input.running) hold(r.rank, r.jurisdiction);
  const capOf = (rank: number) => concurrency - qos.reserved.slice(0, Math.min(rank, qos.reserved.length)).reduce((a, b) => a + b, 0);

  const ordered = [...input.queued].sort((a, b) => a.rank - b.rank);
  const admit: QueuedJob[] = [];
  const denied: AdmissionDenial[] = [];
  for (const job of ordered) {
    if (atOrBelow[0]! >= concurrency) break;
    const rank = Math.min(job.rank, ranks);
    // Every class at or above this job's rank shares its cap: the job fits if none of those caps is reached.
    let fits = true;
    for (let r = 0; r <= rank && fits; r++) fits = atOrBelow[r]! < capOf(r);
    if (!fits) continue; // capacity kept for higher classes; not a denial, just not yet
    const j = job.jurisdiction.toLowerCase();
    const quota = qos.jurisdictionQuotas.get(j);
    if (quota !== undefined && (byJurisdiction.get(j) ?? 0) >= quota) {
      denied.push({ jobId: job.jobId, reason: `jurisdictional quota: ${byJurisdiction.get(j) ?? 0} of ${quota} jobs in flight for this jurisdiction` });
      continue;
    }
    hold(job.rank, job.jurisdiction);
    admit.push(job);
  }
  return { admit, denied };
}
