import { collectDefaultMetrics, Gauge, type Registry } from "prom-client";
import { BATCH_STATES, type BatchStore } from "../store/batchStore.js";
import type { JobStore } from "../store/jobStore.js";
import { JobState } from "../core/jobs/jobStateMachine.js";

/**
 * Gauges read from the stores at scrape time (prom-client `collect`), beside the pipeline's counters
 * (relayerMetrics.ts): jobs by state, pending results, batches by state, the last anchored batch, the watcher's
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
