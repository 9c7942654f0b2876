/**
 * Executor benchmarks (issue 3):
 *
 *  - `wasm_exec_p50_us` / `wasm_exec_p99_us`: one fresh `WebAssembly.Instance` of the metered flood-payout
 *    clause + writing its inputs + `nsf_run` + decoding its output record, on the calling thread. The module
 *    is validated, metered and compiled once beforehand (as the node does per code hash). Target p50 <= 250 us.
 *  - `node_cacs_per_s`: the node's whole job path without HTTP, one node, one core (inline runner, no worker):
 *    token signature recovery, chain checks (in-memory chain), ECIES decryption, input validation, metered run,
 *    CAC JSON and its EIP-712 signature. Requests are built (signed and sealed) before the clock starts.
 *
 * Run: `sh scripts/with-node22.sh tsx bench/executor.ts` (prints JSON). `bench/run.ts` merges the metrics.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { toBytes, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createCommon } from "../relayer/common/Common.js";
import { canonicalJsonHash } from "../relayer/core/formats/canonicalJson.js";
import { clauseIdOf, packClauseVersion, parseClauseId } from "../relayer/core/formats/clauseRef.js";
import { ClauseStatus, TriggerType } from "../relayer/core/formats/enums.js";
import { jobIdOf, sha256Of, tenantIdOf } from "../relayer/core/formats/ids.js";
import { clauseInputValues } from "../relayer/clauses/clauseInputs.js";
import { buildJobRequest } from "../relayer/executor/client/buildJobRequest.js";
import { createInMemoryChainView } from "../relayer/executor/chain/createInMemoryChainView.js";
import { createClauseStore } from "../relayer/executor/clauseStore/createClauseStore.js";
import { loadBuiltClause } from "../relayer/executor/clauseStore/loadBuiltClause.js";
import { createUnsafeDevAttestationRoot } from "../relayer/executor/enclave/createUnsafeDevAttestationRoot.js";
import { createUnsafeSimulatedEnclaveRuntime } from "../relayer/executor/enclave/createUnsafeSimulatedEnclaveRuntime.js";
import { createJobExecutor } from "../relayer/executor/node/createJobExecutor.js";
import { encodeClauseInputs } from "../relayer/executor/sandbox/clauseAbi.js";
import { createSandbox } from "../relayer/executor/sandbox/createSandbox.js";
import { runMeteredClause } from "../relayer/executor/sandbox/runMeteredClause.js";

export interface ExecutorBenchResult {
  metrics: Record<string, number>;
  units: Record<string, string>;
  notes: Record<string, string>;
}

const FLOOD_DIR = fileURLToPath(new URL("../clauses/examples/flood-payout", import.meta.url));
const VALUES = { rainfall_72h_mm_x10: "1800", insured_households: "1200" };

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function benchWasmExec(iterations: number): Promise<{ p50: number; p99: number; stepsUsed: bigint }> {
  const { manifest, wasm } = await loadBuiltClause(FLOOD_DIR);
  const sandbox = createSandbox();
  const prepared = sandbox.prepare(manifest.codeHash as Hex, wasm);
  const input = encodeClauseInputs(clauseInputValues(manifest, VALUES));
  const stepLimit = BigInt(manifest.limits.steps);
  let stepsUsed = 0n;
  for (let i = 0; i < 2000; i++) stepsUsed = runMeteredClause(prepared.module, input, stepLimit).stepsUsed;
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    runMeteredClause(prepared.module, input, stepLimit);
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), stepsUsed };
}

async function benchNode(jobs: number): Promise<{ cacsPerSecond: number; p50Ms: number }> {
  const common = createCommon({ logLevel: "silent" });
  const chainId = 31337n;
  const deployments = {
    chainId,
    jobRouter: "0x000000000000000000000000000000000000a001" as const,
    rollupAnchor: "0x000000000000000000000000000000000000a002" as const,
    nodeRegistry: "0x000000000000000000000000000000000000a003" as const,
  };
  const nodeRegistry = deployments.nodeRegistry;
  const chain = createInMemoryChainView({ chainTime: 1_750_000_000n });
  const scheduler = privateKeyToAccount(generatePrivateKey());
  chain.setScheduler(scheduler.address, true);
  const entry = await loadBuiltClause(FLOOD_DIR);
  const clauseId = clauseIdOf(entry.manifest.clauseId);
  const clauseVersion = packClauseVersion(parseClauseId(entry.manifest.clauseId));
  chain.setClause(clauseId, { codeHash: entry.manifest.codeHash as Hex, configDigest: `0x${"11".repeat(32)}`, version: clauseVersion, status: ClauseStatus.Active });
  const enclave = createUnsafeSimulatedEnclaveRuntime({
    common,
    measurement: sha256Of(toBytes("bench")),
    chainId,
    nodeRegistry,
    devRoot: createUnsafeDevAttestationRoot(),
    now: chain.chainTime,
  });
  const { attestationId } = await enclave.evidence(`0x${"00".repeat(32)}`);
  chain.setRegistration(enclave.address, { status: 1, teeType: enclave.teeType, measurement: enclave.measurement.toLowerCase() as Hex, attestationId, attestedAt: 1_749_999_000n, attestedUntil: 1_750_086_400n });
  const executor = createJobExecutor({
    common,
    chain,
    enclave,
    clauses: createClauseStore([entry]),
    sandbox: createSandbox(),
    deployments,
    attestationId,
  });

  const tenantId = tenantIdOf("0x00000000000000000000000000000000000d4001", "KEN");
  const payloadKey = await enclave.tenantPayloadKey(tenantId);
  const requests = [];
  for (let i = 0; i < jobs; i++) {
    const nonce = `0x${i.toString(16).padStart(64, "0")}` as Hex;
    const jobId = jobIdOf(chainId, deployments.jobRouter, clauseId, nonce);
    const bundle = { schema: "nsf.inputs/1", job_id: jobId, trigger: { type: "dao", commitment: nonce }, values: VALUES };
    const token = {
      jobId,
      clauseId,
      clauseVersion,
      codeHash: entry.manifest.codeHash as Hex,
      tenantId,
      executor: enclave.address,
      attempt: 1,
      inputHash: canonicalJsonHash(bundle),
      triggerType: TriggerType.Dao,
      expiresAt: 1_750_000_600n,
    };
    requests.push(await buildJobRequest({ scheduler, router: { chainId, address: deployments.jobRouter }, token, bundle, payloadKey, nodeRegistry }));
  }
  for (const request of requests.slice(0, 10)) await executor.execute(request);
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  for (const request of requests) {
    const t = process.hrtime.bigint();
    await executor.execute(request);
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return { cacsPerSecond: jobs / seconds, p50Ms: percentile(latencies, 50) };
}

export async function runExecutorBench(): Promise<ExecutorBenchResult> {
  const wasm = await benchWasmExec(20_000);
  const node = await benchNode(300);
  const round = (x: number, digits: number) => Number(x.toFixed(digits));
  return {
    metrics: {
      wasm_exec_p50_us: round(wasm.p50, 1),
      wasm_exec_p99_us: round(wasm.p99, 1),
      node_cacs_per_s: round(node.cacsPerSecond, 1),
      node_cac_p50_ms: round(node.p50Ms, 2),
    },
    units: { wasm_exec_p50_us: "us", wasm_exec_p99_us: "us", node_cacs_per_s: "CAC/s", node_cac_p50_ms: "ms" },
    notes: {
      wasm_exec_p50_us: `flood-payout clause, metered (${wasm.stepsUsed} steps per run), fresh instance per run, 20000 runs after 2000 warm-up`,
      node_cacs_per_s: "execute + sign without HTTP, one node, inline runner on one core, 300 jobs; ECIES decryption (eciesjs secp256k1) dominates",
    },
  };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isMain) {
  const result = await runExecutorBench();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
