import { getAddress, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { buildCacJson, cacFromJson } from "../../../relayer/core/cac/cacJson.js";
import { createCommon, type Common } from "../../../relayer/common/Common.js";
import type { JobRouterLog } from "../../../relayer/core/chain/ChainEvent.js";
import { RelayerError } from "../../../relayer/core/errors/RelayerError.js";
import { cacTypedData } from "../../../relayer/core/formats/eip712.js";
import { TriggerType } from "../../../relayer/core/formats/enums.js";
import { jobIdOf, jurisdictionToBytes3, sensorInputCommitment, sensorTriggerNonce, tenantIdOf } from "../../../relayer/core/formats/ids.js";
import { encodeClauseOutput, outputHashOf } from "../../../relayer/core/formats/output.js";
import { loadBuiltClause } from "../../../relayer/executor/clauseStore/loadBuiltClause.js";
import { createDispatcher, type DispatchConfig, type Dispatcher } from "../../../relayer/pipeline/createDispatcher.js";
import { createInMemoryInputProvider } from "../../../relayer/pipeline/createInMemoryInputProvider.js";
import { createInMemoryResultSink, type InMemoryResultSink } from "../../../relayer/pipeline/createInMemoryResultSink.js";
import { createInProcessNodeTransport } from "../../../relayer/pipeline/createInProcessNodeTransport.js";
import { createInputResolver } from "../../../relayer/pipeline/createInputResolver.js";
import { createScheduler, type Scheduler } from "../../../relayer/pipeline/createScheduler.js";
import { createSimulatedExecutorNetwork, type SimulatedExecutorNetwork } from "../../../relayer/pipeline/createSimulatedExecutorNetwork.js";
import type { NodeTransport } from "../../../relayer/pipeline/NodeTransport.js";
import { createRelayerMetrics } from "../../../relayer/pipeline/relayerMetrics.js";
import { openDatabase } from "../../../relayer/store/openDatabase.js";
import { AttemptStatus, createJobStore, JOB_STORE_MIGRATIONS, type JobStore } from "../../../relayer/store/jobStore.js";
import { exampleDir } from "../../clauses/exampleClause.js";
import type { RiskForecast } from "../../../relayer/core/policy/evaluatePolicy.js";
import type { ResolvedPolicy } from "../../../relayer/core/policy/policyConfig.js";
import type { ResolvedQos } from "../../../relayer/core/qos/qosConfig.js";
import type { FaultReporter } from "../../../relayer/pipeline/FaultReporter.js";

export const DAO = getAddress("0x00000000000000000000000000000000000da0a0");
export const FEED = getAddress("0x00000000000000000000000000000000000feed0");
export const TENANT = tenantIdOf(DAO, "KEN");

/** How a test node misbehaves (honest by default). */
export type Behavior =
  | "honest"
  | "malformed"
  | "wrong-key"
  | "replay-other-job"
  | "late"
  | "down"
  | "refuse"
  | "dishonest"
  | "hang"
  /** Refuses as a node whose sandbox trapped on the clause (a workload fault). */
  | "trap";

export type Harness = {
  common: Common;
  network: SimulatedExecutorNetwork;
  store: JobStore;
  sink: InMemoryResultSink;
  scheduler: Scheduler;
  dispatcher: Dispatcher;
  behaviors: Map<Address, Behavior>;
  schedulerKey: PrivateKeyAccount;
  /** Inserts a sensor-triggered job the way the watcher would (JobRequested + SensorTriggerFired); `clause` an alias's clause id, owned by `dao`. */
  addSensorJob(roundId: bigint, answer?: bigint, clause?: { clauseId: Hex; dao?: Address }): Hex;
  /** Scheduler step, dispatcher step, wait; until nothing runs. */
  settle(): Promise<void>;
  nodes: Address[];
};

/**
 * The relayer's scheduler + dispatcher over a simulated executor network (no chain, no HTTP), with a transport
 * that can make each node misbehave. For dispatcher tests.
 */
export async function createDispatchHarness(options: {
  jurisdictions?: string[];
  quorum?: { k: number; n: number };
  policyFlags?: number;
  dispatch?: Partial<DispatchConfig>;
  common?: Common;
  /** The job store's commit mode (default immediate) and its file (default in memory). */
  commit?: "immediate" | "grouped";
  file?: string;
  /** Called synchronously at each side effect, before it happens: a token about to be sent, a result about to be handed on. */
  observe?: { execute?(jobId: Hex, attempt: number): void; submit?(jobId: Hex): void };
  /** More clause ids over the same module, each with its priority class (and owner DAO: default DAO). */
  aliases?: readonly { clause: string; priority: number; owner?: Address }[];
  qos?: ResolvedQos;
  policy?: ResolvedPolicy;
  forecasts?: () => readonly RiskForecast[];
  faults?: FaultReporter;
  /** Scheduler tuning; `handOff` wires the scheduler's per-class hand-over to the dispatcher, as the daemon does. */
  scheduling?: { handOff?: boolean; chunkSize?: number; resolvedAhead?: number; batchSize?: number };
} = {}): Promise<Harness> {
  const common = options.common ?? createCommon({ logLevel: "silent" });
  const schedulerKey = privateKeyToAccount(generatePrivateKey());
  const clause = await loadBuiltClause(exampleDir("flood-payout"));
  const network = await createSimulatedExecutorNetwork({
    common,
    clause,
    scheduler: schedulerKey.address,
    jurisdictions: options.jurisdictions ?? ["KEN", "KEN", "KEN", "KEN", "UGA"],
    quorum: options.quorum ?? { k: 3, n: 5 },
    ...(options.policyFlags !== undefined ? { policyFlags: options.policyFlags } : {}),
    dao: DAO,
    tenantJurisdictions: ["KEN"],
    ...(options.aliases ? { aliases: options.aliases } : {}),
  });
  const store = createJobStore({ database: openDatabase({ file: options.file ?? ":memory:", migrations: { jobs: JOB_STORE_MIGRATIONS } }), commit: options.commit ?? "immediate" });
  const inMemorySink = createInMemoryResultSink();
  const sink: InMemoryResultSink = {
    get results() {
      return inMemorySink.results;
    },
    get calls() {
      return inMemorySink.calls;
    },
    submit(result) {
      options.observe?.submit?.(result.jobId);
      return inMemorySink.submit(result);
    },
  };
  const metrics = createRelayerMetrics(common.metrics);
  const inputs = createInMemoryInputProvider();
  for (const c of network.clauses) inputs.putSensorBinding(c.clauseId, undefined, { answerInput: "rainfall_72h_mm_x10", values: { insured_households: "1200" } });
  network.reader.setSensorTrigger(0n, 3600n);

  const behaviors = new Map<Address, Behavior>();
  const inner = createInProcessNodeTransport(new Map(network.executors.map((e) => [e.enclave.address, { executor: e.executor, enclave: e.enclave }])));
  const firstReply = new Map<Address, unknown>();
  const stranger = privateKeyToAccount(generatePrivateKey());
  const anchor = { chainId: network.chainId, address: network.deployments.rollupAnchor };

  const transport: NodeTransport = {
    payloadKey: (node, tenantId, signal) => inner.payloadKey(node, tenantId, signal),
    async execute(node, request, signal) {
      options.observe?.execute?.(request.token.jobId as Hex, request.token.attempt);
      const key = getAddress(node.enclaveKey);
      const behavior = behaviors.get(key) ?? "honest";
      switch (behavior) {
        case "down":
          throw new RelayerError("NODE_UNREACHABLE", "connection refused (test)");
        case "refuse":
          throw new RelayerError("NODE_REFUSED", "NSF_CLAUSE_NOT_ACTIVE: (test)");
        case "malformed":
          return "<html>502 Bad Gateway</html>";
        case "trap":
          throw new RelayerError("NODE_REFUSED", "NSF_CLAUSE_TRAPPED: wasm unreachable executed (test)");
        case "hang":
          return new Promise((_, reject) => signal.addEventListener("abort", () => reject(new RelayerError("NODE_TIMEOUT", "aborted")), { once: true }));
        default:
          break;
      }
      const reply = (await inner.execute(node, request, signal)) as { cac: Record<string, unknown>; signature: Hex };
      if (!firstReply.has(key)) firstReply.set(key, reply);
      switch (behavior) {
        case "honest":
          return reply;
        case "wrong-key": {
          const { cac } = cacFromJson(reply.cac);
          return { ...reply, signature: await stranger.signTypedData(cacTypedData(anchor, cac)) };
        }
        case "replay-other-job":
          return firstReply.get(key);
        case "late": {
          // Deterministic lateness: answer only once the dispatcher has timed this attempt out.
          const attempt = request.token.attempt;
          const jobId = request.token.jobId as Hex;
          while (store.attemptsOf(jobId).find((a) => a.attempt === attempt)?.status === AttemptStatus.Open) await new Promise((r) => setTimeout(r, 5));
          return reply;
        }
        case "dishonest": {
          // A (compromised) enclave signing a different output for the same job and inputs.
          const parsed = cacFromJson(reply.cac);
          const executor = network.executors.find((e) => e.enclave.address === key)!;
          const encodedOutput = encodeClauseOutput({ status: 1, action: "Payout:FloodRelief", amounts: [1n] });
          const cac = { ...parsed.cac, outputHash: outputHashOf(encodedOutput) };
          const json = buildCacJson({
            clauseId: parsed.json.clause_id,
            cac,
            anchor,
            triggerType: TriggerType.Sensor,
            triggerCommitment: parsed.json.trigger.commitment as Hex,
            inputBundle: (parsed.json.inputs as { bundle: Record<string, unknown> }).bundle,
            encodedOutput,
            runtime: { teeType: executor.enclave.teeType, simulated: true, measurement: executor.enclave.measurement, enclaveKey: key, attestationId: executor.attestationId, verdictId: parsed.json.runtime_info.verdict_id as Hex, tcbStatus: parsed.json.runtime_info.tcb_status },
            sandbox: { abi: "nsf-clause/1", stepLimit: 1n, stepsUsed: 1n, memoryPages: 1 },
          });
          return { cac: json, signature: await executor.enclave.signCac(anchor, cac) };
        }
        default: {
          const never: never = behavior;
          throw new Error(`behavior ${String(never)}`);
        }
      }
    },
  };

  const scheduler = createScheduler({
    common,
    store,
    reader: network.reader,
    resolver: createInputResolver({ common, reader: network.reader, inputs }),
    metrics,
    inputWaitSeconds: 600,
    ...(options.qos ? { qos: options.qos } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.forecasts ? { forecasts: options.forecasts } : {}),
    ...(options.scheduling?.handOff ? { onScheduled: () => void dispatcher.step() } : {}),
    ...(options.scheduling?.chunkSize !== undefined ? { chunkSize: options.scheduling.chunkSize } : {}),
    ...(options.scheduling?.resolvedAhead !== undefined ? { resolvedAhead: options.scheduling.resolvedAhead } : {}),
    ...(options.scheduling?.batchSize !== undefined ? { batchSize: options.scheduling.batchSize } : {}),
  });
  const dispatcher = createDispatcher({
    common,
    store,
    reader: network.reader,
    transport,
    sink,
    metrics,
    scheduler: schedulerKey,
    deployments: { chainId: network.chainId, jobRouter: network.deployments.jobRouter, nodeRegistry: network.deployments.nodeRegistry, rollupAnchor: network.deployments.rollupAnchor },
    nodes: network.executors.map((e) => e.endpoint),
    config: { timeoutMs: 2_000, lateGraceMs: 10_000, tokenTtlSeconds: 600, concurrency: 16, maxAttemptsPerJob: 12, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 }, maxClockSkewSeconds: 60, chainTimeCacheMs: 0, ...options.dispatch },
    runtime: { random: () => 0.5 },
    ...(options.qos ? { qos: options.qos } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
  });

  let block = 100n;
  return {
    common,
    network,
    store,
    sink,
    scheduler,
    dispatcher,
    behaviors,
    schedulerKey,
    nodes: network.executors.map((e) => e.enclave.address),
    addSensorJob(roundId, answer = 1875n, clause) {
      const updatedAt = 1_750_000_000n - 30n;
      const clauseFacts = clause ? network.clauses.find((c) => c.clauseId === clause.clauseId)! : network.clause;
      const dao = clause?.dao ?? DAO;
      const jobId = jobIdOf(network.chainId, network.deployments.jobRouter, clauseFacts.clauseId, sensorTriggerNonce(FEED, roundId));
      const ref = { blockNumber: ++block, blockHash: `0x${block.toString(16).padStart(64, "0")}` as Hex, logIndex: 0, transactionHash: `0x${(block + 1_000_000n).toString(16).padStart(64, "0")}` as Hex };
      const log: Extract<JobRouterLog, { type: "JobRequested" }> = {
        type: "JobRequested",
        ref,
        jobId,
        clauseId: clauseFacts.clauseId,
        tenantId: tenantIdOf(dao, "KEN"),
        clauseVersion: clauseFacts.version,
        triggerType: TriggerType.Sensor,
        inputCommitment: sensorInputCommitment(FEED, roundId, answer, updatedAt),
        deadline: 1_750_000_000n + 3600n,
        dao,
        jurisdiction: jurisdictionToBytes3("KEN"),
        triggerNonce: sensorTriggerNonce(FEED, roundId),
      };
      store.transaction(() => {
        store.insertJob(log, { number: ref.blockNumber, hash: ref.blockHash, timestamp: 1_750_000_000n - 10n });
        store.setTrigger(jobId, { type: "sensor", triggerId: 0n, feed: FEED, roundId, answer, updatedAt });
      });
      network.reader.setRound(FEED, { roundId, answer, updatedAt });
      return jobId;
    },
    async settle() {
      for (let i = 0; i < 100; i++) {
        const s = await scheduler.step();
        const started = dispatcher.step();
        await dispatcher.idle();
        if (s.examined === s.waiting && started === 0 && dispatcher.running() === 0) return;
      }
      throw new Error("the harness did not settle in 100 rounds");
    },
  };
}
