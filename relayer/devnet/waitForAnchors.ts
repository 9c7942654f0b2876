import type { Hex } from "viem";
import { defaultSleep } from "../chain/rpcCall.js";
import { NsfError } from "../core/errors/NsfError.js";
import { JobState, TERMINAL_STATES } from "../core/jobs/jobStateMachine.js";
import type { BatchStore } from "../store/batchStore.js";
import type { JobStore } from "../store/jobStore.js";
import type { Progress } from "./progress.js";

export type AnchoredJob = { jobId: Hex; batchSeq: bigint; resultSeq: bigint };

/**
 * Follows jobs through the relayer's own stores until every one sits in an anchored batch, reporting each change
 * as it happens (job states, then the batch's: sealed → signed → submitted → anchored). Fails fast, with the
 * job's own outcome code and reason, when a job ends in another terminal state; fails with NSF_DEV_TIMEOUT
 * (listing where each job is) after `timeoutMs` of wall time.
 */
export async function waitForAnchors(parameters: {
  jobs: JobStore;
  batches: BatchStore;
  watch: readonly { jobId: Hex; label: string }[];
  progress: Progress;
  signal: AbortSignal;
  timeoutMs: number;
  pollMs?: number;
}): Promise<AnchoredJob[]> {
  const { jobs, batches, progress } = parameters;
  const last = new Map<Hex, string>();
  const deadline = Date.now() + parameters.timeoutMs;
  const where = (jobId: Hex): { text: string; anchored?: AnchoredJob } => {
    const job = jobs.getJob(jobId);
    if (!job) return { text: "waiting for its block to be confirmed" };
    if (job.state !== JobState.Agreed) return { text: job.state === JobState.Dispatched ? `dispatched (${job.attempt} attempt${job.attempt === 1 ? "" : "s"} so far)` : job.state };
    const at = batches.resultLocation(jobId);
    if (at?.batchSeq === undefined) return { text: "agreed; waiting for a batch" };
    const batch = batches.batch(at.batchSeq);
    const text = `agreed; batch ${at.batchSeq} ${batch?.state ?? "?"}${batch?.anchorTx ? ` (tx ${batch.anchorTx})` : ""}`;
    return batch?.state === "anchored" ? { text, anchored: { jobId, batchSeq: at.batchSeq, resultSeq: at.resultSeq! } } : { text };
  };

  for (;;) {
    const done: AnchoredJob[] = [];
    for (const { jobId, label } of parameters.watch) {
      const state = where(jobId);
      if (last.get(jobId) !== state.text) {
        last.set(jobId, state.text);
        progress.detail(`${label}: ${state.text}`);
      }
      const job = jobs.getJob(jobId);
      if (job && TERMINAL_STATES.has(job.state) && job.state !== JobState.Agreed) {
        throw new NsfError("NSF_DEV_JOB_NOT_AGREED", { shortMessage: `${label} ended ${job.state}`, details: `${job.outcome?.code ?? ""} ${job.outcome?.reason ?? ""}`.trim() });
      }
      if (state.anchored) done.push(state.anchored);
    }
    if (done.length === parameters.watch.length) return done;
    if (Date.now() > deadline) {
      throw new NsfError("NSF_DEV_TIMEOUT", {
        shortMessage: `not every job was anchored within ${Math.round(parameters.timeoutMs / 1000)} s`,
        details: parameters.watch.map(({ jobId, label }) => `${label}: ${last.get(jobId) ?? "?"}`).join("\n"),
        retryable: true,
      });
    }
    await defaultSleep(parameters.pollMs ?? 200, parameters.signal);
  }
}
