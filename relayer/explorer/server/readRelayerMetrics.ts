import type { OverviewView } from "./ExplorerApi.js";

export type Sample = { name: string; labels: Record<string, string>; value: number };

/**
 * Prometheus text exposition (format 0.0.4) → samples. Only what the relayer's own `/metrics` emits (prom-client:
 * `name{label="value",…} number`, no timestamps, no escaped quotes in our label values); a dependency for these
 * twenty lines would be unmaintained code (parse-prometheus-text-format has not changed in years).
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

export type RelayerMetricsReader = { read(): Promise<OverviewView["relayer"]> };

const CLASS_ORDER = ["disaster", "finance", "planning", "unclassified", "unknown"];

/** `nsf_relayer_queue_depth{class,state}` → per class: waiting (seen + resolved) and dispatched, in priority order. */
export function queueByClass(samples: readonly Sample[]): { class: string; waiting: number; dispatched: number }[] {
  const byClass = new Map<string, { class: string; waiting: number; dispatched: number }>();
  for (const s of samples) {
    if (s.name !== "nsf_relayer_queue_depth" || s.labels.class === undefined) continue;
    const row = byClass.get(s.labels.class) ?? { class: s.labels.class, waiting: 0, dispatched: 0 };
    if (s.labels.state === "dispatched") row.dispatched += s.value;
    else row.waiting += s.value;
    byClass.set(row.class, row);
  }
  const rank = (c: string) => (CLASS_ORDER.includes(c) ? CLASS_ORDER.indexOf(c) : CLASS_ORDER.length);
  return [...byClass.values()].sort((a, b) => rank(a.class) - rank(b.class) || a.class.localeCompare(b.class));
}

/** Reads a relayer's `/metrics` (docs/relayer.md): queue by job state and by priority class, pending results, batches, agreement latency. */
export function createRelayerMetricsReader(parameters: { url: string; timeoutMs?: number }): RelayerMetricsReader {
  return {
    async read() {
      let text: string;
      try {
        const response = await fetch(parameters.url, { signal: AbortSignal.timeout(parameters.timeoutMs ?? 5_000) });
        if (!response.ok) return { configured: true, ok: false, error: `${parameters.url} answered HTTP ${response.status}` };
        text = await response.text();
      } catch (error) {
        return { configured: true, ok: false, error: `${parameters.url} unreachable: ${error instanceof Error ? error.message : String(error)}` };
      }
      const samples = parsePrometheusText(text);
      const byLabel = (name: string, label: string) => {
        const out: Record<string, number> = {};
        for (const s of samples) if (s.name === name && s.labels[label] !== undefined) out[s.labels[label]!] = (out[s.labels[label]!] ?? 0) + s.value;
        return out;
      };
      return {
        configured: true,
        ok: true,
        jobsByState: byLabel("nsf_relayer_jobs", "state"),
        queueByClass: queueByClass(samples),
        pendingResults: samples.find((s) => s.name === "nsf_aggregator_pending_results")?.value ?? 0,
        batchesByState: byLabel("nsf_aggregator_batches", "state"),
        agreementLatency: samples
          .filter((s) => s.name === "nsf_relayer_dispatch_to_agreement_seconds_bucket" && s.labels.le !== "+Inf")
          .map((s) => ({ le: Number(s.labels.le), count: s.value })),
        transitionsByState: byLabel("nsf_relayer_job_transitions_total", "state"),
      };
    },
  };
}
