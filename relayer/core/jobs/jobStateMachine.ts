import { assertNever } from "../assertNever.js";
import { RelayerError } from "../errors/RelayerError.js";

/**
 * The lifecycle of one job inside the relayer (DESIGN.md §3), as a pure transition function:
 *
 *   seen ──► rejected                                  governance filter failed (alert + audit entry)
 *    │
 *    └────► resolved ──► dispatched(n) ──► agreed      k CACs agree on one output hash
 *                            │  ▲    └───► disputed    executors disagree and no output reaches k
 *                            └──┘ attempt n+1          a new dispatch (fallback, retry) — n strictly increases
 *   seen | resolved | dispatched ──► failed            actionable reason (quorum impossible, input missing, …)
 *   seen | resolved | dispatched ──► expired           the job's deadline passed (chain time) or JobExpired
 *   any ──► reorged ──(reinstate)──► seen              the trigger's block left the canonical chain (and came back)
 *
 * A reorg of a job that was never acted on (still `seen`) removes it instead: see `onReorg`.
 * The store applies a transition and persists it before the side effect it enables (ADR 0007).
 */
export const JobState = {
  Seen: "seen",
  Rejected: "rejected",
  Resolved: "resolved",
  Dispatched: "dispatched",
  Agreed: "agreed",
  Disputed: "disputed",
  Failed: "failed",
  Expired: "expired",
  Reorged: "reorged",
} as const;
export type JobState = (typeof JobState)[keyof typeof JobState];

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set([JobState.Rejected, JobState.Agreed, JobState.Disputed, JobState.Failed, JobState.Expired, JobState.Reorged]);

export type JobEvent =
  | { type: "reject"; code: string; reason: string }
  | { type: "resolve"; inputHash: `0x${string}` }
  | { type: "dispatch"; attempt: number }
  | { type: "agree"; outputHash: `0x${string}` }
  | { type: "dispute"; reason: string }
  | { type: "fail"; code: string; reason: string }
  | { type: "expire"; reason: string }
  | { type: "reorg" }
  | { type: "reinstate" };

export type JobSnapshot = { state: JobState; attempt: number };

/** The next snapshot, or a `NSF_JOB_INVALID_TRANSITION` error naming both ends. Pure. */
export function transition(job: JobSnapshot, event: JobEvent): JobSnapshot {
  const next = nextState(job, event);
  if (next === undefined) {
    throw new RelayerError("JOB_INVALID_TRANSITION", `${job.state} --${event.type}--> ?`);
  }
  return next;
}

/** True when `event` is allowed from `job` (same rule as `transition`, without throwing). */
export function canTransition(job: JobSnapshot, event: JobEvent): boolean {
  return nextState(job, event) !== undefined;
}

function nextState(job: JobSnapshot, event: JobEvent): JobSnapshot | undefined {
  const { state, attempt } = job;
  switch (event.type) {
    case "reject":
      return state === JobState.Seen ? { state: JobState.Rejected, attempt } : undefined;
    case "resolve":
      return state === JobState.Seen ? { state: JobState.Resolved, attempt } : undefined;
    case "dispatch":
      // Attempt numbers are the job token's nonce: they only ever increase, so a reply names one dispatch.
      if (!Number.isInteger(event.attempt) || event.attempt <= attempt || event.attempt > 0xffffffff) return undefined;
      return state === JobState.Resolved || state === JobState.Dispatched ? { state: JobState.Dispatched, attempt: event.attempt } : undefined;
    case "agree":
      return state === JobState.Dispatched ? { state: JobState.Agreed, attempt } : undefined;
    case "dispute":
      return state === JobState.Dispatched ? { state: JobState.Disputed, attempt } : undefined;
    case "fail":
    case "expire":
      return state === JobState.Seen || state === JobState.Resolved || state === JobState.Dispatched
        ? { state: event.type === "fail" ? JobState.Failed : JobState.Expired, attempt }
        : undefined;
    case "reorg":
      return state === JobState.Reorged ? undefined : { state: JobState.Reorged, attempt };
    case "reinstate":
      return state === JobState.Reorged ? { state: JobState.Seen, attempt } : undefined;
    default:
      return assertNever(event);
  }
}

/**
 * What a reorg does to a job whose trigger block left the chain: a job nothing was done for yet is simply
 * removed (it never happened); anything acted on — an alert raised, inputs resolved, a token sent, a result
 * delivered — is kept and marked `reorged`, so the record of what was done survives.
 */
export function onReorg(state: JobState): "remove" | "mark-reorged" | "none" {
  switch (state) {
    case JobState.Seen:
      return "remove";
    case JobState.Reorged:
      return "none";
    case JobState.Rejected:
    case JobState.Resolved:
    case JobState.Dispatched:
    case JobState.Agreed:
    case JobState.Disputed:
    case JobState.Failed:
    case JobState.Expired:
      return "mark-reorged";
    default:
      return assertNever(state);
  }
}

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.has(state);
}
