import { collectDefaultMetrics, Gauge, type Registry } from "prom-client";
import { BATCH_STATES, type BatchStore } from "../store/batchStore.js";
import type { JobStore } from "../store/jobStore.js";
import { JobState } from "../core/jobs/jobStateMachine.js";
import { PRIORITY_CLASS_NAMES, priorityClassLabel } from "../core/qos/qosConfig.js";

/** The states a job waits or runs in before it finishes: the queue `nsf_relayer_queue_depth` counts. */
const OPEN_STATES = [JobState.Seen, JobState.Resolved, JobState.Dispatched] as const;

/**
 * Gauges read from the stores at scrape time (prom-client `collect`), beside the pipeline's counters
 * (relayerMetrics.ts): jobs by state, unfinished jobs by priority class and state, pending results, batches by state, the last anchored batch, the watcher's
 * cursor; plus the process's default metrics. A relayer re-created on the same registry replaces the gauges,
 * so a scrape never reads a closed database.
 */
export function registerRelayerGauges(parameters: { registry: Registry; jobs: JobStore; batches: BatchStore }): void {
  const { registry, jobs, batches } = parameters;
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], collect: (g: Gauge<L>) => void) => {
    if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        collect(this);
      },
    });
  };

  gauge("nsf_relayer_jobs", "Jobs in the store, by state", ["state"], (g) => {
    const counts = jobs.countByState();
    for (const state of Object.values(JobState)) g.set({ state }, counts[state] ?? 0);
  });
  // Every class × open state is set (0 included) so a dashboard sees a class's queue drain to zero, not vanish.
  gauge("nsf_relayer_queue_depth", "Unfinished jobs by priority class (disaster, finance, planning; unclassified before the scheduler read the clause, unknown for an unregistered one) and state (seen, resolved: waiting; dispatched: running)", ["class", "state"], (g) => {
    const depth = new Map<string, number>();
    for (const name of PRIORITY_CLASS_NAMES) for (const state of OPEN_STATES) depth.set(`${name}|${state}`, 0);
    for (const row of jobs.countOpenByClass()) {
      const key = `${priorityClassLabel(row.priority)}|${row.state}`;
      depth.set(key, (depth.get(key) ?? 0) + row.count);
    }
    g.reset();
    for (const [key, n] of depth) {
      const [cls, state] = key.split("|") as [string, string];
      g.set({ class: cls, state }, n);
    }
  });
  gauge("nsf_relayer_watcher_cursor_block", "The last (confirmed) block the chain watcher read", [], (g) => {
    const cursor = jobs.getCursor();
    if (cursor) g.set(Number(cursor.number));
  });
  gauge("nsf_aggregator_pending_results", "Agreed results waiting for a batch", [], (g) => g.set(batches.status().pendingResults));
  gauge("nsf_aggregator_batches", "Batches in the store, by state", ["state"], (g) => {
    const status = batches.status();
    for (const state of BATCH_STATES) g.set({ state }, status.batches[state]);
  });
  gauge("nsf_aggregator_last_anchored_batch_seq", "The highest batch sequence this relayer saw anchored", [], (g) => {
    const last = batches.status().lastAnchoredBatchSeq;
    if (last !== undefined) g.set(Number(last));
  });
  if (!registry.getSingleMetric("process_cpu_user_seconds_total")) collectDefaultMetrics({ register: registry });
}
