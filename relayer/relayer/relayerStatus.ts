import type { Address, Hex } from "viem";
import { bytes3ToJurisdiction } from "../core/formats/ids.js";
import { JobState } from "../core/jobs/jobStateMachine.js";
import type { BatchState, BatchStore } from "../store/batchStore.js";
import type { JobStore } from "../store/jobStore.js";

/**
 * What `GET /status` answers and `nsf status` prints (`nsf.relayer-status/1`): the relayer's own view from its
 * store, no chain reads (a status request never waits on the RPC). Integers that may exceed 2^53 are decimal
 * strings. Tenant ids appear, tenants' inputs and outputs never do.
 */
export type RelayerStatus = {
  schema: "nsf.relayer-status/1";
  chainId: string;
  /** The RPC endpoint's origin only: a provider key in its path or query never leaves the process. */
  rpc: string;
  rollupAnchor: Address;
  jobRouter: Address;
  startedAt: string;
  /** The last block the watcher read (confirmed), or null before the first poll. */
  cursor: { block: string; hash: Hex } | null;
  /** Counts by state, and the jobs still in flight (oldest first, capped): the ones an operator acts on. */
  jobs: { byState: Record<string, number>; inFlight: JobLine[] };
  batches: { pendingResults: number; byState: Record<BatchState, number>; lastAnchoredBatchSeq: string | null; recent: BatchLine[] };
  aggregator: { coSigners: Address[]; submitter: Address } | null;
  nodes: number;
};

export type JobLine = {
  jobId: Hex;
  state: string;
  clauseId: Hex;
  tenantId: Hex;
  jurisdiction: string;
  triggerType: number;
  block: string;
  attempt: number;
};

export type BatchLine = {
  batchSeq: string;
  state: BatchState;
  firstSeq: string | null;
  lastSeq: string | null;
  root: Hex | null;
  anchorTx: Hex | null;
  anchorBlock: string | null;
};

const str = (v: bigint | undefined): string | null => (v === undefined ? null : v.toString());

/** Builds the status from the two stores (synchronous reads of the local database). */
export function buildRelayerStatus(parameters: {
  jobs: JobStore;
  batches: BatchStore;
  identity: Omit<RelayerStatus, "schema" | "cursor" | "jobs" | "batches">;
  inFlightJobs?: number;
  recentBatches?: number;
}): RelayerStatus {
  const { jobs, batches } = parameters;
  const inFlightJobs = parameters.inFlightJobs ?? 50;
  const recentBatches = parameters.recentBatches ?? 20;
  const cursor = jobs.getCursor();

  const lines: JobLine[] = [];
  for (const state of [JobState.Seen, JobState.Resolved, JobState.Dispatched]) {
    for (const job of jobs.jobsInState(state, inFlightJobs - lines.length)) {
      lines.push({
        jobId: job.jobId,
        state: job.state,
        clauseId: job.clauseId,
        tenantId: job.tenantId,
        jurisdiction: bytes3ToJurisdiction(job.jurisdiction),
        triggerType: job.triggerType,
        block: job.block.number.toString(),
        attempt: job.attempt,
      });
    }
    if (lines.length >= inFlightJobs) break;
  }

  const batchLines: BatchLine[] = batches.recentBatches(recentBatches).map((b) => ({
      batchSeq: b.batchSeq.toString(),
      state: b.state,
      firstSeq: str(b.firstSeq),
      lastSeq: str(b.lastSeq),
      root: b.root ?? null,
      anchorTx: b.anchorTx ?? null,
      anchorBlock: str(b.anchorBlock),
    }));
  const summary = batches.status();

  return {
    schema: "nsf.relayer-status/1",
    ...parameters.identity,
    cursor: cursor ? { block: cursor.number.toString(), hash: cursor.hash } : null,
    jobs: { byState: jobs.countByState(), inFlight: lines },
    batches: { pendingResults: summary.pendingResults, byState: summary.batches, lastAnchoredBatchSeq: str(summary.lastAnchoredBatchSeq), recent: batchLines },
  };
}
