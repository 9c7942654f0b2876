/**
 * `npm run bench`: every benchmark section in one run, merged into bench/results/latest.json as
 * `{ metrics, units, targets, ratios, notes, machine }` so runs can be compared over time.
 * Peers named by an issue are measured in the same run and reported as ratios.
 * Gas figures are deterministic; timing figures (µs, per second) vary with the machine and its load.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runAggregatorBench } from "./aggregator.js";
import { runArchiveBench } from "./archive.js";
import { runContractGasBench } from "./contractGas.js";
import { runEventToAnchorBench } from "./eventToAnchor.js";
import { runExecutorBench } from "./executor.js";
import { runExplorerBench } from "./explorer.js";
import { runMultitenancyBench } from "./multitenancy.js";
import { runPeerBench } from "./peers.js";
import { runPipelineBench } from "./pipeline.js";
import { runVerifyBench } from "./verify.js";
import { runTeeVerificationBench } from "./teeVerification.js";
import { runZkBench } from "./zk.js";

type Section = { metrics: Record<string, number>; units: Record<string, string>; notes?: Record<string, string> };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outFile = path.join(root, "bench", "results", "latest.json");

/** Targets from the issues; `max` means lower is better, `min` higher is better. */
const TARGETS: Record<string, { max?: number; min?: number; stretch?: number }> = {
  anchor_gas_3of5: { max: 70_000, stretch: 66_000 },
  anchor_gas_per_cac_1024: { max: 69 },
  verify_inclusion_gas_depth10: { max: 7_000 },
  verify_execution_gas_depth10_3of5: { max: 30_000 },
  wasm_exec_p50_us: { max: 250 },
  aggregator_cacs_per_s: { min: 5_000 },
  batch_seal_1024_ms: { max: 15 },
  batch_seal_100k_ms: { max: 600 },
  pipeline_jobs_per_s: { min: 1_000 },
  // window + 2 blocks for the run's 2 s window and 1 s blocks
  event_to_anchor_p95_ms: { max: 4_000 },
  // issue 6: disaster jobs under a 10,000-job planning flood within 1.5x of their idle p95
  disaster_p95_flood_vs_idle_ratio: { max: 1.5 },
  multitenancy_jobs_lost: { max: 0 },
  // issue 9
  zk_prove_ms_p50: { max: 250 },
  zk_verify_gas: { max: 250_000 },
};

async function section(name: string, run: () => Promise<Section>): Promise<Section> {
  const started = Date.now();
  process.stderr.write(`[bench] ${name} …\n`);
  const result = await run();
  process.stderr.write(`[bench] ${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

// `npm run bench -- zk gas` runs only the named sections (keys below); figures of the others are kept from the
// previous latest.json, as for sections a run does not produce.
const only = new Set(process.argv.slice(2));
const plan: [key: string, name: string, run: () => Promise<Section>][] = [
  ["gas", "contract gas (anchor, inclusion, execution)", runContractGasBench],
  ["peers", "peers (Chainlink KeystoneForwarder, EAS)", runPeerBench],
  ["executor", "executor (WASM sandbox, CAC signing)", runExecutorBench as () => Promise<Section>],
  ["aggregator", "aggregator (CAC verification, batch seal)", runAggregatorBench as () => Promise<Section>],
  ["pipeline", "pipeline (3-of-5 jobs, in-process simulated executors)", runPipelineBench as () => Promise<Section>],
  ["anchor", "event to anchor (local hardhat node, 1 s blocks, 2 s batch window)", runEventToAnchorBench as () => Promise<Section>],
  ["archive", "Arweave archive (arlocal: prepare before the anchor, upload until confirmed)", runArchiveBench as () => Promise<Section>],
  ["verify", "nsf verify of one execution (local hardhat node + arlocal)", runVerifyBench as () => Promise<Section>],
  ["explorer", "explorer page (Vite build, bytes the browser downloads)", runExplorerBench],
  ["multitenancy", "multitenancy QoS (disaster p95 idle vs under a 10,000-job mixed-tenant flood)", () => runMultitenancyBench()],
  ["tee", "TEE evidence verification (SGX, TDX, Nitro, SEV-SNP; real fixtures)", runTeeVerificationBench],
  ["zk", "zero-knowledge clauses (Groth16 flood circuit: prove, verify, gas)", runZkBench],
];
const sections: Section[] = [];
for (const [key, name, run] of plan) if (only.size === 0 || only.has(key)) sections.push(await section(name, run));
// snarkjs keeps worker threads for BN254 until its curve is terminated.
await (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }).curve_bn128?.terminate();

// Later issues add sections; keep figures this run did not produce.
const previous = existsSync(outFile)
  ? (JSON.parse(readFileSync(outFile, "utf8")) as { metrics?: Record<string, number>; units?: Record<string, string>; notes?: Record<string, string> })
  : {};
const metrics: Record<string, number> = { ...(previous.metrics ?? {}) };
const units: Record<string, string> = { ...(previous.units ?? {}) };
const notes: Record<string, string> = { ...(previous.notes ?? {}) };
for (const s of sections) {
  Object.assign(metrics, s.metrics);
  Object.assign(units, s.units);
  Object.assign(notes, s.notes ?? {});
}

const ratios: Record<string, number> = {};
const ratio = (a: string, b: string) => (metrics[a] && metrics[b] ? Math.round((metrics[a]! / metrics[b]!) * 1000) / 1000 : undefined);
const pairs: [string, string, string][] = [
  ["anchor_vs_keystone_report", "anchor_gas_3of5", "peer_keystone_report_gas"],
  ["anchor_vs_eas_attest", "anchor_gas_3of5", "peer_eas_attest_gas"],
  ["verify_execution_vs_keystone_report", "verify_execution_gas_depth10_3of5", "peer_keystone_report_gas"],
];
for (const [name, a, b] of pairs) {
  const value = ratio(a, b);
  if (value !== undefined) ratios[name] = value;
}

const targets: Record<string, { target: string; met: boolean }> = {};
for (const [name, t] of Object.entries(TARGETS)) {
  const value = metrics[name];
  if (value === undefined) continue;
  const met = (t.max === undefined || value <= t.max) && (t.min === undefined || value >= t.min);
  targets[name] = { target: t.max !== undefined ? `<= ${t.max}${t.stretch ? ` (stretch <= ${t.stretch})` : ""}` : `>= ${t.min}`, met };
}

const cpus = os.cpus();
const result = {
  generatedAt: new Date().toISOString(),
  metrics,
  units,
  targets,
  ratios,
  notes,
  machine: {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  },
};
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify({ metrics, targets, ratios }, null, 2));
console.log(`\nwritten to ${path.relative(root, outFile)}`);
