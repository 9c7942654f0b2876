import type { Common } from "../common/Common.js";
import type { RegistryReader } from "../chain/RegistryReader.js";
import { NsfError } from "../core/errors/NsfError.js";
import { isRelayerError, RelayerError } from "../core/errors/RelayerError.js";
import { bytes3ToJurisdiction } from "../core/formats/ids.js";
import { JobState } from "../core/jobs/jobStateMachine.js";
import { checkGovernance } from "../core/scheduling/governanceFilter.js";
import { inputHashOf, withZkSalt } from "../core/scheduling/inputBundle.js";
import { ExecutionModel } from "../core/formats/enums.js";
import { randomBytes } from "node:crypto";
import { evaluatePolicy, type RiskForecast } from "../core/policy/evaluatePolicy.js";
import { EMPTY_POLICY, type ResolvedPolicy } from "../core/policy/policyConfig.js";
import { chunksByRank } from "../core/qos/chunksByRank.js";
import { DEFAULT_QOS, type ResolvedQos } from "../core/qos/qosConfig.js";
import type { JobRecord, JobStore } from "../store/jobStore.js";
import type { InputResolver } from "./createInputResolver.js";
import type { RelayerMetrics } from "./relayerMetrics.js";

export type SchedulerParameters = {
  common: Common;
  store: JobStore;
  reader: RegistryReader;
  resolver: InputResolver;
  metrics: RelayerMetrics;
  /** How long (chain time since the job's block) a job may wait for its input document before it fails. */
  inputWaitSeconds: number;
  /** Jobs taken per step. */
  batchSize?: number;
  /** Queue order (ADR 0014): jobs are classified by their clause's priority and taken highest class first. */
  qos?: ResolvedQos;
  /** The governance policy's queue-time rules (forecast pause). */
  policy?: ResolvedPolicy;
  /** Current risk forecasts (e.g. from simulation results); none by default. */
  forecasts?: () => readonly RiskForecast[];
  /**
   * Called as soon as one class's jobs of a step (or one chunk of them) are scheduled, before lower classes are:
   * wire it to the dispatcher's step so a disaster job is dispatched while the planning jobs of the same step are
   * still being resolved (ADR 0014 addendum: without it a disaster job waited for the whole batch).
   */
  onScheduled?: () => void;
  /** Jobs scheduled together before `onScheduled` is called and the event loop is yielded to (default 16). */
  chunkSize?: number;
  /**
   * Backpressure: a class's new jobs are resolved only while fewer than this many of its jobs are resolved and
   * waiting for a dispatch slot (default 256). Resolving 10,000 planning jobs long before any slot is free for
   * them gains nothing and takes the relayer's time from the disaster jobs arriving meanwhile (ADR 0014 addendum).
   */
  resolvedAhead?: number;
};

export type SchedulerStep = { examined: number; resolved: number; rejected: number; failed: number; waiting: number };

export type Scheduler = {
  /** Takes `seen` jobs: governance filter, then input resolution. Never throws for one job's problem. */
  step(): Promise<SchedulerStep>;
};

/**
 * seen → rejected | resolved | failed | expired (DESIGN.md §3.2–3.3).
 *
 * A governance failure is never silent: the job is rejected (or expired, for a passed deadline) with the
 * check's code, a structured `governance alert` log line (level warn, `alert: "governance"`, code, tenant),
 * a metric, and an entry in the tenant's audit log with every check evaluated. Missing inputs leave the job
 * waiting; after `inputWaitSeconds` of chain time it fails with the actionable reason. Chain read failures
 * leave the job as it was for the next step.
 */
export function createScheduler(parameters: SchedulerParameters): Scheduler {
  const { store, reader, resolver, metrics } = parameters;
  const logger = parameters.common.logger.child({ component: "scheduler" });
  const batchSize = parameters.batchSize ?? 256;
  const chunkSize = Math.max(1, parameters.chunkSize ?? 16);
  const resolvedAhead = Math.max(1, parameters.resolvedAhead ?? 256);
  const qos = parameters.qos ?? DEFAULT_QOS;
  const policy = parameters.policy ?? EMPTY_POLICY;
  const forecasts = parameters.forecasts ?? (() => []);
  /** Jobs whose current policy deferral is already in their tenant's audit trace (one entry per spell). */
  const deferred = new Set<string>();

  /**
   * Gives every new job its priority class and queue rank (one registry read per distinct clause, cached by the
   * reader), so queues are read highest class first: a disaster job seen after 10,000 planning jobs is the next
   * one scheduled. Unknown clauses rank last (the governance filter rejects them).
   */
  async function classify(): Promise<void> {
    const pending = [...store.unclassifiedJobs(JobState.Seen), ...store.unclassifiedJobs(JobState.Resolved)];
    if (pending.length === 0) return;
    const clauseIds = [...new Set(pending.map((p) => p.clauseId.toLowerCase()))];
    const priorities = new Map<string, number | undefined>();
    await Promise.all(clauseIds.map(async (id) => priorities.set(id, (await reader.getClause(id as `0x${string}`))?.priority)));
    store.classifyJobs(
      pending.map((p) => {
        const priority = priorities.get(p.clauseId.toLowerCase());
        return { jobId: p.jobId, priority: priority ?? -1, rank: priority === undefined ? qos.reserved.length : qos.rankOf(priority) };
      }),
    );
  }

  async function schedule(job: JobRecord, chainTime: bigint): Promise<keyof Omit<SchedulerStep, "examined">> {
    const log = logger.child({ tenant: job.tenantId, job: job.jobId });
    const [clause, isTenant, workloadSuspended] = await Promise.all([reader.getClause(job.clauseId), reader.isTenant(job.dao, job.jurisdiction), reader.isWorkloadSuspended(job.tenantId, job.clauseId)]);
    const verdict = checkGovernance({ job, clause, isTenant, chainTime, workloadSuspended });
    if (!verdict.ok) {
      const code = new RelayerError(verdict.kind).code;
      const event = verdict.kind === "GOV_DEADLINE_PASSED" ? ({ type: "expire", reason: verdict.reason } as const) : ({ type: "reject", code, reason: verdict.reason } as const);
      store.applyTransition(job.jobId, event, {
        patch: { outcome: { code, reason: verdict.reason } },
        audit: { chainTime, code, detail: { alert: "governance", reason: verdict.reason, checks: verdict.checks } },
      });
      metrics.governanceAlerts.inc({ code, tenant: job.tenantId });
      metrics.jobTransitions.inc({ state: event.type === "expire" ? JobState.Expired : JobState.Rejected, tenant: job.tenantId });
      log.warn({ alert: "governance", code, reason: verdict.reason, clause: job.clauseId, jurisdiction: iso(job.jurisdiction) }, "governance alert: job rejected");
      return "rejected";
    }

    // Queue time (ADR 0014): a deferring rule (a high-risk forecast) keeps the job queued, in its tenant's trace.
    const queueVerdict = evaluatePolicy({ stage: "queue", policy, job: { tenantId: job.tenantId, jurisdiction: job.jurisdiction, clauseId: job.clauseId, priority: clause!.priority, policyFlags: clause!.policyFlags }, forecasts: forecasts() });
    if (queueVerdict.decision !== "allow") {
      const rule = queueVerdict.decisive!;
      if (!deferred.has(job.jobId)) {
        deferred.add(job.jobId);
        const code = new RelayerError("POLICY_DEFERRED").code;
        store.appendAudit(job.tenantId, { event: "policy.deferred", jobId: job.jobId, chainTime, code, detail: { rule: rule.rule, reason: rule.reason } });
        metrics.policyDenials.inc({ rule: rule.rule, stage: "queue", tenant: job.tenantId });
        log.info({ code, rule: rule.rule, reason: rule.reason }, "job held in its queue by policy");
      }
      return "waiting";
    }
    if (deferred.delete(job.jobId)) store.appendAudit(job.tenantId, { event: "policy.released", jobId: job.jobId, chainTime, detail: { stage: "queue" } });

    try {
      const resolved = await resolver.resolve(job);
      const bundle = clause!.model === ExecutionModel.Zk ? withZkSalt(resolved, randomBytes(31)) : resolved;
      const inputHash = inputHashOf(bundle);
      store.applyTransition(job.jobId, { type: "resolve", inputHash }, { patch: { inputHash, inputBundle: bundle }, audit: { chainTime, detail: { input_hash: inputHash } } });
      metrics.jobTransitions.inc({ state: JobState.Resolved, tenant: job.tenantId });
      log.debug({ inputHash, triggerType: job.triggerType }, "job resolved");
      return "resolved";
    } catch (error) {
      if (!(error instanceof NsfError)) throw error;
      const waiting = isRelayerError(error, "INPUT_MISSING") || isRelayerError(error, "INPUT_TRIGGER_MISSING");
      if (waiting) {
        const waited = chainTime - job.block.timestamp;
        if (waited <= BigInt(parameters.inputWaitSeconds)) {
          log.debug({ code: error.code, waitedSeconds: waited.toString() }, "job waiting for its inputs");
          return "waiting";
        }
      } else if (error.retryable) {
        // A chain read failed: nothing about the job is known to be wrong; try again next step.
        log.warn({ code: error.code, details: error.details }, "input resolution failed for now; will retry");
        return "waiting";
      }
      const reason = waiting ? `${error.details ?? error.shortMessage}; waited ${chainTime - job.block.timestamp} s of chain time (inputs.waitSeconds = ${parameters.inputWaitSeconds})` : (error.details ?? error.shortMessage);
      store.applyTransition(job.jobId, { type: "fail", code: error.code, reason }, { patch: { outcome: { code: error.code, reason } }, audit: { chainTime, code: error.code, detail: { reason } } });
      metrics.jobTransitions.inc({ state: JobState.Failed, tenant: job.tenantId });
      log.warn({ code: error.code, reason }, "job failed: inputs");
      return "failed";
    }
  }

  return {
    async step() {
      try {
        await classify();
      } catch (error) {
        logger.warn({ code: error instanceof NsfError ? error.code : undefined }, "classification deferred: clause facts unavailable");
      }
      const jobs = store.jobsInStateByRank(JobState.Seen, batchSize);
      const result: SchedulerStep = { examined: jobs.length, resolved: 0, rejected: 0, failed: 0, waiting: 0 };
      if (jobs.length === 0) return result;
      let chainTime: bigint;
      try {
        chainTime = await reader.chainTime();
      } catch (error) {
        logger.warn({ code: error instanceof NsfError ? error.code : undefined }, "chain time unavailable; scheduling deferred");
        result.waiting = jobs.length;
        return result;
      }
      // Highest class first, one class (and at most one chunk) at a time, each handed to dispatch before the next
      // is resolved: a batch is never scheduled as one block in which a disaster job waits for planning jobs.
      // Checked per chunk (an indexed count of at most `resolvedAhead` rows), so a class overshoots by less than a chunk.
      const isFull = (rank: number) => store.queuedOfRank(JobState.Resolved, rank, resolvedAhead).length >= resolvedAhead;
      for (const group of chunksByRank(jobs, chunkSize)) {
        const rank = group[0]!.qosRank;
        if (rank !== undefined && isFull(rank)) {
          // Left seen, in queue order; taken again once the dispatcher has drained this class's queue.
          result.waiting += group.length;
          continue;
        }
        await Promise.all(
          group.map(async (job) => {
            try {
              result[await schedule(job, chainTime)]++;
            } catch (error) {
              result.waiting++;
              logger.child({ tenant: job.tenantId, job: job.jobId }).warn({ code: error instanceof NsfError ? error.code : undefined, err: error instanceof NsfError ? undefined : error }, "scheduling failed for now; will retry");
            }
          }),
        );
        parameters.onScheduled?.();
        // Back to the event loop between chunks: resolutions whose reads answer at once run as one long chain of
        // microtasks, which would hold node replies and dispatch of the class just handed over behind a whole chunk.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return result;
    },
  };
}

function iso(jurisdiction: `0x${string}`): string {
  try {
    return bytes3ToJurisdiction(jurisdiction);
  } catch {
    return jurisdiction;
  }
}
