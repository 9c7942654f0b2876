/**
 * Pipeline benchmark (issue 4, part A): `pipeline_jobs_per_s`, 3-of-5 sensor jobs through the relayer's
 * scheduler and dispatcher into in-process simulated executors, until every job is agreed and delivered.
 *
 * Included, per job: governance filter and input resolution (sensor round, commitment check), node selection,
 * 3 attempts persisted (node:sqlite file, WAL, synchronous=FULL) before sending, 3 job tokens signed (EIP-712) and
 * 3 input bundles sealed with ECIES (`buildJobRequest`, which also re-checks the payload key certificate), the
 * executor side for each of the 3 (token signature recovery, chain checks on an in-memory chain, ECIES opening,
 * input validation, metered WASM run, CAC JSON, enclave signature), the relayer verifying each CAC (re-hashing
 * the JSON, signature recovery, field checks), the k-of-n tally, the AgreedResult and the in-memory sink, and
 * every state transition with its audit entry. Not included: the chain watcher (jobs are inserted as it would)
 * and HTTP (executors are called in process). Everything runs on one thread.
 *
 * Run: `sh scripts/with-node22.sh tsx bench/pipeline.ts` (prints JSON). Merge into bench/run.ts with
 *   import { runPipelineBench } from "./pipeline.js";
 *   await section("pipeline (3-of-5 jobs, in-process simulated executors)", runPipelineBench),
 */
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { getAddress, toBytes, type Hex, type LocalAccount } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { createCommon } from "../relayer/common/Common.js";
import type { Keccak } from "../relayer/core/batching/hashing.js";
import { loadFastKeccak } from "../relayer/crypto/loadFastKeccak.js";
import { verifyCacReply } from "../relayer/core/agreement/verifyCac.js";
import type { JobRouterLog } from "../relayer/core/chain/ChainEvent.js";
import { canonicalJson, canonicalJsonHash } from "../relayer/core/formats/canonicalJson.js";
import { TriggerType } from "../relayer/core/formats/enums.js";
import { jobIdOf, jurisdictionToBytes3, runtimeHashOf, sensorInputCommitment, sensorTriggerNonce, tenantIdOf } from "../relayer/core/formats/ids.js";
import { buildJobRequest } from "../relayer/executor/client/buildJobRequest.js";
import { tryNativeRecoverSigner } from "../relayer/aggregator/crypto/nativeSecp256k1.js";
import { recoverAddressWith } from "../relayer/core/batching/recoverSigner.js";
import { loadBuiltClause } from "../relayer/executor/clauseStore/loadBuiltClause.js";
import { createPayloadOpener, deriveTenantPayloadSecret, payloadPublicKeyOf, sealPayload } from "../relayer/executor/enclave/tenantPayloadKeys.js";
import { createSchedulerAccount } from "../relayer/pipeline/crypto/nativeSchedulerAccount.js";
import { createNativeSealPayload } from "../relayer/pipeline/crypto/sealPayloadNative.js";
import { createDispatcher } from "../relayer/pipeline/createDispatcher.js";
import { createInMemoryInputProvider } from "../relayer/pipeline/createInMemoryInputProvider.js";
import { createInMemoryResultSink } from "../relayer/pipeline/createInMemoryResultSink.js";
import { createInProcessNodeTransport } from "../relayer/pipeline/createInProcessNodeTransport.js";
import { createInputResolver } from "../relayer/pipeline/createInputResolver.js";
import { createScheduler } from "../relayer/pipeline/createScheduler.js";
import { createSimulatedExecutorNetwork } from "../relayer/pipeline/createSimulatedExecutorNetwork.js";
import type { NodeTransport } from "../relayer/pipeline/NodeTransport.js";
import { createRelayerMetrics } from "../relayer/pipeline/relayerMetrics.js";
import { openDatabase } from "../relayer/store/openDatabase.js";
import { createJobStore, JOB_STORE_MIGRATIONS } from "../relayer/store/jobStore.js";

export interface PipelineBenchResult {
  metrics: Record<string, number>;
  units: Record<string, string>;
  notes: Record<string, string>;
}

const FLOOD_DIR = fileURLToPath(new URL("../clauses/examples/flood-payout", import.meta.url));
const DAO = getAddress("0x00000000000000000000000000000000000da0a0");
const FEED = getAddress("0x00000000000000000000000000000000000feed0");

async function time(iterations: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(20, iterations); i++) await fn();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  return Number(process.hrtime.bigint() - started) / 1e6 / iterations;
}

type Network = Awaited<ReturnType<typeof createSimulatedExecutorNetwork>>;

export async function createBenchNetwork() {
  const common = createCommon({ logLevel: "silent" });
  const keccak = await loadFastKeccak();
  const scheduler = createSchedulerAccount(generatePrivateKey(), { keccak });
  const clause = await loadBuiltClause(FLOOD_DIR);
  const network = await createSimulatedExecutorNetwork({ common, clause, scheduler: scheduler.address, jurisdictions: ["KEN", "KEN", "KEN", "KEN", "KEN"], quorum: { k: 3, n: 5 }, dao: DAO, tenantJurisdictions: ["KEN"] });
  return { common, scheduler, network, keccak };
}

/**
 * One run over fresh relayer state. `record` keeps every executor reply by (job, node, attempt); `replay` answers
 * from such a record instead of executing (a miss executes for real and is counted), which isolates the relayer.
 */
export async function runPipeline(
  bench: { common: ReturnType<typeof createCommon>; scheduler: LocalAccount; network: Network; keccak: Keccak },
  jobs: number,
  database: "file" | "memory",
  options: { concurrency?: number; record?: Map<string, unknown>; replay?: Map<string, unknown>; commit?: "immediate" | "grouped" } = {},
) {
  const { scheduler, network } = bench;
  const common = createCommon({ logLevel: "silent" });
  const dir = mkdtempSync(path.join(tmpdir(), "nsf-bench-pipeline-"));
  const store = createJobStore({ database: openDatabase({ file: database === "file" ? path.join(dir, "relayer.db") : ":memory:", migrations: { jobs: JOB_STORE_MIGRATIONS } }), commit: options.commit ?? "grouped", keccak: bench.keccak });
  const metrics = createRelayerMetrics(common.metrics);
  const inputs = createInMemoryInputProvider();
  inputs.putSensorBinding(network.clause.clauseId, undefined, { answerInput: "rainfall_72h_mm_x10", values: { insured_households: "1200" } });
  network.reader.setSensorTrigger(0n, 3600n);
  const sink = createInMemoryResultSink();
  const inProcess = createInProcessNodeTransport(new Map(network.executors.map((e) => [e.enclave.address, { executor: e.executor, enclave: e.enclave }])));
  let replayMisses = 0;
  const keyOf = (node: string, request: { token: { jobId: string; attempt: number } }) => `${request.token.jobId}:${node}:${request.token.attempt}`;
  const transport: NodeTransport = {
    payloadKey: (n, t, signal) => inProcess.payloadKey(n, t, signal),
    async execute(n, request, signal) {
      const key = keyOf(n.enclaveKey, request);
      const cached = options.replay?.get(key);
      if (cached !== undefined) return cached;
      if (options.replay) replayMisses++;
      const reply = await inProcess.execute(n, request, signal);
      options.record?.set(key, reply);
      return reply;
    },
  };
  const schedule = createScheduler({ common, store, reader: network.reader, resolver: createInputResolver({ common, reader: network.reader, inputs }), metrics, inputWaitSeconds: 600, batchSize: jobs });
  const dispatcher = createDispatcher({
    common,
    store,
    reader: network.reader,
    transport,
    sink,
    metrics,
    scheduler,
    deployments: { chainId: network.chainId, jobRouter: network.deployments.jobRouter, nodeRegistry: network.deployments.nodeRegistry, rollupAnchor: network.deployments.rollupAnchor },
    nodes: network.executors.map((e) => e.endpoint),
    config: { timeoutMs: 600_000, tokenTtlSeconds: 600, concurrency: options.concurrency ?? 64, maxAttemptsPerJob: 12, retry: { retries: 1, baseDelayMs: 10, maxDelayMs: 100 }, maxClockSkewSeconds: 60, chainTimeCacheMs: 250 },
    runtime: { keccak: bench.keccak },
  });

  const tenantId = tenantIdOf(DAO, "KEN");
  const updatedAt = 1_750_000_000n - 30n;
  store.transaction(() => {
    for (let i = 0; i < jobs; i++) {
      const roundId = BigInt(i + 1);
      const answer = 1500n + BigInt(i % 1000);
      const jobId = jobIdOf(network.chainId, network.deployments.jobRouter, network.clause.clauseId, sensorTriggerNonce(FEED, roundId));
      const ref = { blockNumber: BigInt(100 + i), blockHash: `0x${(100 + i).toString(16).padStart(64, "0")}` as Hex, logIndex: 0, transactionHash: `0x${(1e6 + i).toString(16).padStart(64, "0")}` as Hex };
      const log: Extract<JobRouterLog, { type: "JobRequested" }> = {
        type: "JobRequested",
        ref,
        jobId,
        clauseId: network.clause.clauseId,
        tenantId,
        clauseVersion: network.clause.version,
        triggerType: TriggerType.Sensor,
        inputCommitment: sensorInputCommitment(FEED, roundId, answer, updatedAt),
        deadline: 1_750_000_000n + 3600n,
        dao: DAO,
        jurisdiction: jurisdictionToBytes3("KEN"),
        triggerNonce: sensorTriggerNonce(FEED, roundId),
      };
      store.insertJob(log, { number: ref.blockNumber, hash: ref.blockHash, timestamp: 1_750_000_000n - 10n });
      store.setTrigger(jobId, { type: "sensor", triggerId: 0n, feed: FEED, roundId, answer, updatedAt });
      network.reader.setRound(FEED, { roundId, answer, updatedAt });
    }
  });

  const started = process.hrtime.bigint();
  for (let round = 0; round < 1_000; round++) {
    const s = await schedule.step();
    const d = dispatcher.step();
    await dispatcher.idle();
    if (s.examined === 0 && d === 0 && dispatcher.running() === 0) break;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const counts = store.countByState();
  store.database.close();
  rmSync(dir, { recursive: true, force: true });
  return { seconds, replayMisses, agreed: counts.agreed ?? 0, counts, delivered: sink.results.size };
}

/** Per-operation costs on this machine, to say where a job's time goes. */
async function breakdown(network: Awaited<ReturnType<typeof createSimulatedExecutorNetwork>>, scheduler: LocalAccount) {
  const tenantId = tenantIdOf(DAO, "KEN");
  const node = network.executors[0]!;
  const payloadKey = await node.enclave.tenantPayloadKey(tenantId);
  const secret = deriveTenantPayloadSecret(new Uint8Array(32).fill(7), tenantId);
  const opener = createPayloadOpener(secret);
  const bundle = { schema: "nsf.inputs/1", job_id: `0x${"0b".repeat(32)}`, trigger: { type: "dao", commitment: `0x${"0c".repeat(32)}` }, values: { rainfall_72h_mm_x10: "1800", insured_households: "1200" } };
  const plaintext = toBytes(canonicalJson(bundle));
  const sealed = sealPayload(payloadPublicKeyOf(secret), plaintext);
  const token = {
    jobId: bundle.job_id as Hex,
    clauseId: network.clause.clauseId,
    clauseVersion: network.clause.version,
    codeHash: network.clause.codeHash,
    tenantId,
    executor: node.enclave.address,
    attempt: 1,
    inputHash: canonicalJsonHash(bundle),
    triggerType: TriggerType.Dao,
    expiresAt: 1_750_000_600n,
  };
  const router = { chainId: network.chainId, address: network.deployments.jobRouter };
  const nativeSeal = createNativeSealPayload();
  const fast = { scheduler, router, token, bundle, payloadKey, nodeRegistry: network.deployments.nodeRegistry, seal: nativeSeal, payloadKeyVerified: true };
  const request = await buildJobRequest(fast);
  const reply = await node.executor.execute(request);
  const expected = {
    anchor: { chainId: network.chainId, address: network.deployments.rollupAnchor },
    jobId: token.jobId,
    clauseId: token.clauseId,
    clauseVersion: token.clauseVersion,
    codeHash: token.codeHash,
    tenantId,
    inputHash: token.inputHash,
    configDigest: network.clause.configDigest,
    attempt: 1,
    node: { enclaveKey: node.enclave.address, runtimeHash: runtimeHashOf(node.facts.teeType, node.facts.measurement, node.enclave.address, node.attestationId), status: 1, activeSince: 0n, attestedUntil: 2n ** 63n, jurisdiction: node.facts.jurisdiction },
    dispatchedAt: 1_750_000_000n,
    chainTime: 1_750_000_000n,
    maxClockSkewSeconds: 60n,
  };
  const native = tryNativeRecoverSigner()!;
  const recover = async (digest: Hex, signature: Hex) => recoverAddressWith(native, digest, signature)!;
  return {
    seal_eciesjs_ms: await time(50, () => sealPayload(payloadKey.publicKey, plaintext)),
    seal_ms: await time(200, () => nativeSeal(payloadKey.publicKey, plaintext)),
    open_ms: await time(100, () => opener(sealed)),
    build_job_request_eciesjs_ms: await time(50, () => buildJobRequest({ scheduler, router, token, bundle, payloadKey, nodeRegistry: network.deployments.nodeRegistry })),
    build_job_request_ms: await time(200, () => buildJobRequest(fast)),
    node_execute_ms: await time(100, () => node.executor.execute(request)),
    verify_cac_purejs_ms: await time(100, () => verifyCacReply(reply, expected)),
    verify_cac_ms: await time(200, () => verifyCacReply(reply, expected, recover)),
  };
}

export async function runPipelineBench(options: { jobs?: number } = {}): Promise<PipelineBenchResult> {
  const jobs = options.jobs ?? 300;
  const bench = await createBenchNetwork();
  const file = await runPipeline(bench, jobs, "file");
  const memory = await runPipeline(bench, jobs, "memory");
  // Relayer alone: record the executors' replies in a sequential run, then replay them in an identical one.
  const replies = new Map<string, unknown>();
  const recorded = await runPipeline(bench, jobs, "file", { concurrency: 1, record: replies });
  const replayed = await runPipeline(bench, jobs, "file", { concurrency: 1, replay: replies });
  const replayedMemory = await runPipeline(bench, jobs, "memory", { concurrency: 1, replay: replies });
  const costs = await breakdown(bench.network, bench.scheduler);
  for (const run of [file, memory, recorded, replayed, replayedMemory]) {
    if (run.agreed !== jobs || run.delivered !== jobs) throw new Error(`pipeline bench: not every job agreed and was delivered (${JSON.stringify(run.counts)})`);
  }
  const round = (x: number, digits: number) => Number(x.toFixed(digits));
  const relayerMsPerJob = (replayed.seconds * 1000) / jobs;
  const executorMsPerJob = 3 * costs.node_execute_ms;
  return {
    metrics: {
      pipeline_jobs_per_s: round(jobs / file.seconds, 1),
      pipeline_jobs_per_s_memory_db: round(jobs / memory.seconds, 1),
      pipeline_relayer_ms_per_job: round(relayerMsPerJob, 2),
      pipeline_executor_ms_per_job: round(executorMsPerJob, 2),
      pipeline_relayer_only_jobs_per_s: round(jobs / replayed.seconds, 1),
      pipeline_relayer_only_jobs_per_s_memory_db: round(jobs / replayedMemory.seconds, 1),
    },
    units: {
      pipeline_jobs_per_s: "jobs/s",
      pipeline_jobs_per_s_memory_db: "jobs/s",
      pipeline_relayer_ms_per_job: "ms",
      pipeline_executor_ms_per_job: "ms",
      pipeline_relayer_only_jobs_per_s: "jobs/s",
      pipeline_relayer_only_jobs_per_s_memory_db: "jobs/s",
    },
    notes: {
      pipeline_jobs_per_s:
        `${jobs} sensor jobs, 3-of-5, 5 in-process simulated executors (the real job executor: token and chain checks, ECIES opening, metered WASM, CAC signing) ` +
        `and the relayer (governance filter, input resolution, selection, attempts persisted in a node:sqlite file with WAL + synchronous=FULL, job tokens and ECIES ` +
        `payloads, CAC verification, k-of-n tally, AgreedResult to an in-memory sink), all on ONE thread, no HTTP, no chain watcher; every job agreed and delivered. ` +
        `Target >= 1000/s NOT met. Per job the three executors spend ~${round(executorMsPerJob, 1)} ms (each ${round(costs.node_execute_ms, 1)} ms, of which ECIES open ${round(costs.open_ms, 1)} ms in eciesjs; ` +
        `token recovery and CAC signing in pure-JS secp256k1) and the relayer ${round(relayerMsPerJob, 1)} ms (3 x buildJobRequest ${round(costs.build_job_request_ms, 2)} ms with ` +
        `libsecp256k1 sealing and signing, 3 x CAC verification ${round(costs.verify_cac_ms, 2)} ms with native recovery, 6 store transactions, each an fsync). ` +
        `Before the native hot path the relayer alone spent 3 x (${round(costs.build_job_request_eciesjs_ms, 1)} + ${round(costs.verify_cac_purejs_ms, 1)}) ms per job (eciesjs seal ${round(costs.seal_eciesjs_ms, 1)} ms). ` +
        `What 1000/s would take: docs/adr/0010-relayer-watch-to-agreement.md.`,
      pipeline_jobs_per_s_memory_db: "the same run with the job store in memory: what the per-transition fsyncs cost",
      pipeline_relayer_ms_per_job: "the relayer alone, one job at a time: executor replies recorded in an identical earlier run are replayed (verification, store, tally, sink all real)",
      pipeline_executor_ms_per_job: "3 x one executor's execute (measured alone, in process); in a deployment each runs on its own node",
      pipeline_relayer_only_jobs_per_s: `jobs/s of that replay run (${replayed.replayMisses} replay misses): one relayer thread's capacity when the executors run elsewhere, one job at a time`,
      pipeline_relayer_only_jobs_per_s_memory_db: "the same replay with the store in memory: the relayer's CPU alone, without the fsync of every transition",
    },
  };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isMain) {
  const result = await runPipelineBench({ jobs: Number(process.argv[2] ?? 300) });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
