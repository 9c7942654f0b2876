import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Registry } from "prom-client";
import { getAddress, type Hex } from "viem";
import type { JobRouterLog } from "../relayer/core/chain/ChainEvent.js";
import { PriorityClass } from "../relayer/core/formats/enums.js";
import { jurisdictionToBytes3, tenantIdOf } from "../relayer/core/formats/ids.js";
import { DEFAULT_QOS } from "../relayer/core/qos/qosConfig.js";
import { buildExplorerPage, pageSize } from "../relayer/explorer/buildExplorerPage.js";
import { registerRelayerGauges } from "../relayer/relayer/registerRelayerGauges.js";
import { batchMigrations, createBatchStore } from "../relayer/store/batchStore.js";
import { createJobStore, JOB_STORE_MIGRATIONS } from "../relayer/store/jobStore.js";
import { openDatabase } from "../relayer/store/openDatabase.js";

const QUEUED = 10_000;
const SCRAPES = 30;

/**
 * What the network overview's queue-depth-per-class figure costs the relayer: one `/metrics` render (every gauge,
 * the per-class GROUP BY among them) with 10,000 unfinished jobs in the store, split 5 % disaster, 20 % finance,
 * 75 % planning, half of them resolved. Median of 30 renders after one warm-up.
 */
async function queueDepthScrape(): Promise<{ p50: number; max: number }> {
  const database = openDatabase({ file: ":memory:", migrations: { jobs: JOB_STORE_MIGRATIONS, batches: batchMigrations } });
  const jobs = createJobStore({ database });
  const registry = new Registry();
  registerRelayerGauges({ registry, jobs, batches: createBatchStore({ database }) });
  const dao = getAddress("0x00000000000000000000000000000000000da0a0");
  const hex = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
  const classify: { jobId: Hex; priority: number; rank: number }[] = [];
  jobs.transaction(() => {
    for (let n = 1; n <= QUEUED; n++) {
      const log: Extract<JobRouterLog, { type: "JobRequested" }> = {
        type: "JobRequested",
        ref: { blockNumber: BigInt(n), blockHash: hex(n), logIndex: 0, transactionHash: hex(n + QUEUED) },
        jobId: hex(n + 2 * QUEUED),
        clauseId: hex(77),
        tenantId: tenantIdOf(dao, "KEN"),
        clauseVersion: 2 ** 32,
        triggerType: 1,
        inputCommitment: hex(88),
        deadline: 1_750_003_600n,
        dao,
        jurisdiction: jurisdictionToBytes3("KEN"),
        triggerNonce: hex(n + 3 * QUEUED),
      };
      jobs.insertJob(log, { number: BigInt(n), hash: hex(n), timestamp: 1_750_000_000n });
      const priority = n % 20 === 0 ? PriorityClass.Disaster : n % 5 === 0 ? PriorityClass.Finance : PriorityClass.Planning;
      classify.push({ jobId: log.jobId, priority, rank: DEFAULT_QOS.rankOf(priority) });
    }
  });
  jobs.classifyJobs(classify);
  jobs.transaction(() => {
    for (let n = 2; n <= QUEUED; n += 2) jobs.applyTransition(hex(n + 2 * QUEUED), { type: "resolve", inputHash: hex(9) });
  });
  await registry.metrics();
  const times: number[] = [];
  for (let i = 0; i < SCRAPES; i++) {
    const started = performance.now();
    const text = await registry.metrics();
    times.push(performance.now() - started);
    if (!text.includes('nsf_relayer_queue_depth{class="planning",state="seen"} 4000')) throw new Error("queue depth gauge does not count the planning backlog");
  }
  database.close();
  times.sort((a, b) => a - b);
  return { p50: Number(times[Math.floor(times.length / 2)]!.toFixed(2)), max: Number(times[times.length - 1]!.toFixed(2)) };
}

/**
 * The explorer page's weight (issue 10: "keep the bundle small"): bytes the browser downloads, raw and gzip, and the
 * Vite build time (machine- and load-dependent). Runnable alone: `sh scripts/with-node22.sh tsx bench/explorer.ts`.
 */
export async function runExplorerBench() {
  const outDir = mkdtempSync(path.join(tmpdir(), "nsf-explorer-bench-"));
  try {
    const built = await buildExplorerPage({ outDir, force: true });
    const size = pageSize(outDir);
    const scrape = await queueDepthScrape();
    return {
      metrics: { explorer_page_bytes: size.bytes, explorer_page_gzip_bytes: size.gzipBytes, explorer_page_build_ms: built.ms, relayer_metrics_scrape_ms_10k_queued: scrape.p50 },
      units: { explorer_page_bytes: "bytes", explorer_page_gzip_bytes: "bytes", explorer_page_build_ms: "ms", relayer_metrics_scrape_ms_10k_queued: "ms" },
      notes: {
        explorer_page_gzip_bytes: `React 19 + react-dom + uPlot + the page; ${size.files.map((f) => `${f.file} ${f.gzipBytes} B gzip`).join(", ")}`,
        relayer_metrics_scrape_ms_10k_queued: `one relayer /metrics render (all gauges incl. nsf_relayer_queue_depth{class,state}, process defaults) with ${QUEUED} unfinished jobs in an in-memory store (5 % disaster, 20 % finance, 75 % planning; half resolved); p50 of ${SCRAPES}, max ${scrape.max} ms`,
      },
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${JSON.stringify(await runExplorerBench(), null, 2)}\n`);
