import { faultPoint } from "../faults/faultPoint.js";
import type { LocalAccount, PublicClient } from "viem";
import type { Common } from "../common/Common.js";
import { createChainWatcher, type ChainWatcher, type PollResult } from "../chain/createChainWatcher.js";
import type { RegistryReader } from "../chain/RegistryReader.js";
import { defaultSleep } from "../chain/rpcCall.js";
import { assertNever } from "../core/assertNever.js";
import type { ChainEvent, JobRouterLog } from "../core/chain/ChainEvent.js";
import { NsfError } from "../core/errors/NsfError.js";
import type { RecoverSigner } from "../core/agreement/verifyCac.js";
import { canTransition, JobState } from "../core/jobs/jobStateMachine.js";
import type { BlockRef } from "../core/chain/ChainEvent.js";
import type { ResultSink } from "../core/results/AgreedResult.js";
import type { RelayerConfig } from "../config/relayerConfig.js";
import type { JobStore } from "../store/jobStore.js";
import { createDispatcher, type Dispatcher } from "./createDispatcher.js";
import { createInputResolver } from "./createInputResolver.js";
import { createScheduler, type Scheduler, type SchedulerStep } from "./createScheduler.js";
import type { FaultReporter } from "./FaultReporter.js";
import type { InputProvider } from "./InputProvider.js";
import type { SealPayload } from "./crypto/sealPayloadNative.js";
import type { NodeTransport } from "./NodeTransport.js";
import { createRelayerMetrics, type RelayerMetrics } from "./relayerMetrics.js";

export type PipelineConfig = Pick<RelayerConfig, "chain" | "contracts" | "dispatch" | "inputs"> & {
  nodes: readonly Readonly<{ url: string; enclaveKey: `0x${string}`; tier?: "primary" | "secondary" }>[];
} & Partial<Pick<RelayerConfig, "policy" | "qos">>;

export type PipelineParameters = {
  common: Common;
  config: PipelineConfig;
  store: JobStore;
  /** Chain access for the watcher (the registry reader has its own). */
  client: Pick<PublicClient, "getBlockNumber" | "getBlock" | "getLogs">;
  reader: RegistryReader;
  transport: NodeTransport;
  /** Where agreed results go (the aggregator, part B; an in-memory sink in tests). */
  sink: ResultSink;
  inputs: InputProvider;
  /** The scheduler key as an account (the composition root builds it from `config.scheduler.key`). */
  scheduler: LocalAccount;
  /** Where workload faults agreed by k nodes are reported (ADR 0014); none: they fail their jobs only. */
  faults?: FaultReporter;
  runtime?: { sleep?: (ms: number, signal?: AbortSignal) => Promise<void>; random?: () => number; recover?: RecoverSigner; seal?: SealPayload };
};

export type TickResult = { poll: PollResult | undefined; schedule: SchedulerStep; dispatched: number };

export type Pipeline = {
  readonly watcher: ChainWatcher;
  readonly scheduler: Scheduler;
  readonly dispatcher: Dispatcher;
  readonly metrics: RelayerMetrics;
  /** One pass: poll the chain, schedule seen jobs, start drivers for resolved/dispatched jobs. */
  tick(): Promise<TickResult>;
  /** Ticks until nothing moves any more (tests, one-shot runs): no new blocks, no seen job changed, no driver running. */
  runUntilIdle(options?: { maxTicks?: number }): Promise<void>;
  /** The daemon loop: tick every `chain.pollIntervalMs` until `common.shutdown` aborts or `stop` is called. */
  run(): Promise<void>;
  /** Stops the loop and waits for in-flight work (open attempts are left for the next start to abandon). */
  stop(): Promise<void>;
};

/**
 * The composition of part A (ADR 0007): chain watcher → job store → scheduler (governance filter, input
 * resolver) → dispatcher (node selection, job tokens, attempts, CAC verification, agreement) → `ResultSink`.
 *
 * Chain events are applied by one exhaustive handler inside the watcher's store transaction, together with the
 * cursor: a JobRequested log inserts the job (`seen`, audit entry); SensorTriggerFired / SimulationResultPosted
 * attach their trigger data; JobExpired expires a job still in flight; a reorg undoes the jobs of the reorged
 * blocks (removed if nothing was done for them, otherwise marked `reorged`). On construction, attempts a
 * previous run left open are abandoned, so a restart dispatches them anew (with new attempt numbers).
 */
export function createPipeline(parameters: PipelineParameters): Pipeline {
  const { common, config, store } = parameters;
  const logger = common.logger.child({ component: "pipeline" });
  const metrics = createRelayerMetrics(common.metrics);
  const stopController = new AbortController();
  const signal = AbortSignal.any([stopController.signal, common.shutdown]);
  const sleep = parameters.runtime?.sleep ?? defaultSleep;

  function applyLog(log: JobRouterLog, block: BlockRef): void {
    switch (log.type) {
      case "JobRequested": {
        const outcome = store.insertJob(log, block);
        faultPoint("event-seen");
        if (outcome !== "exists") {
          metrics.jobTransitions.inc({ state: JobState.Seen, tenant: log.tenantId });
          logger.debug({ tenant: log.tenantId, job: log.jobId, block: block.number.toString(), outcome }, "job seen");
        }
        return;
      }
      case "SensorTriggerFired":
        store.setTrigger(log.jobId, { type: "sensor", triggerId: log.triggerId, feed: log.feed, roundId: log.roundId, answer: log.answer, updatedAt: log.updatedAt });
        return;
      case "SimulationResultPosted":
        store.setTrigger(log.jobId, { type: "simulation", triggerId: log.triggerId, simulator: log.simulator, resultCommitment: log.resultCommitment });
        return;
      case "JobExpired": {
        const job = store.getJob(log.jobId);
        const event = { type: "expire", reason: `JobExpired on-chain (by ${log.by})` } as const;
        if (job && canTransition(job, event)) {
          store.applyTransition(job.jobId, event, { patch: { outcome: { code: "NSF_JOB_EXPIRED", reason: event.reason } }, audit: { chainTime: block.timestamp, code: "NSF_JOB_EXPIRED" } });
          metrics.jobTransitions.inc({ state: JobState.Expired, tenant: job.tenantId });
        }
        return;
      }
      default:
        assertNever(log, "JobRouter log");
    }
  }

  function onEvent(event: ChainEvent): void {
    switch (event.type) {
      case "block":
        for (const log of event.logs) applyLog(log, event.block);
        return;
      case "reorg": {
        const ancestor = event.commonAncestor?.number ?? event.removedFrom - 1n;
        const undone = store.undoAbove(ancestor);
        metrics.reorgs.inc();
        for (const u of undone) {
          if (u.action === "marked-reorged") metrics.jobTransitions.inc({ state: JobState.Reorged, tenant: u.tenantId });
          logger.warn({ tenant: u.tenantId, job: u.jobId, action: u.action, commonAncestor: ancestor.toString() }, "job's trigger reorged out");
        }
        return;
      }
      case "finalize":
        return;
      default:
        assertNever(event, "chain event");
    }
  }

  const watcher = createChainWatcher({
    common,
    client: parameters.client,
    store,
    onEvent,
    config: {
      jobRouter: config.contracts.jobRouter,
      confirmations: config.chain.confirmations,
      finalityDepth: config.chain.finalityDepth,
      startBlock: config.chain.startBlock,
      maxBlockRange: config.chain.maxBlockRange,
      maxRangesPerPoll: config.chain.maxRangesPerPoll,
      rpc: { timeoutMs: config.chain.rpcTimeoutMs, retry: config.chain.rpcRetry },
    },
    runtime: { ...(parameters.runtime?.sleep ? { sleep: parameters.runtime.sleep } : {}), ...(parameters.runtime?.random ? { random: parameters.runtime.random } : {}), signal },
  });
  const scheduler = createScheduler({
    common,
    store,
    reader: parameters.reader,
    resolver: createInputResolver({ common, reader: parameters.reader, inputs: parameters.inputs }),
    metrics,
    inputWaitSeconds: config.inputs.waitSeconds,
    // Each class's resolved jobs start at once, before the lower classes of the same step are resolved (ADR 0014).
    onScheduled: () => void dispatcher.step(),
    ...(config.policy ? { policy: config.policy } : {}),
    ...(config.qos ? { qos: config.qos } : {}),
  });
  const dispatcher = createDispatcher({
    common: { ...common, shutdown: signal },
    store,
    reader: parameters.reader,
    transport: parameters.transport,
    sink: parameters.sink,
    metrics,
    scheduler: parameters.scheduler,
    deployments: { chainId: config.chain.chainId, jobRouter: config.contracts.jobRouter, nodeRegistry: config.contracts.nodeRegistry, rollupAnchor: config.contracts.rollupAnchor },
    nodes: config.nodes,
    config: { ...config.dispatch, chainTimeCacheMs: config.chain.chainTimeCacheMs },
    ...(config.policy ? { policy: config.policy } : {}),
    ...(config.qos ? { qos: config.qos } : {}),
    ...(parameters.faults ? { faults: parameters.faults } : {}),
    ...(parameters.runtime ? { runtime: parameters.runtime } : {}),
  });
  dispatcher.recover();
  // Workload faults failed before a crash but never reported on-chain (ADR 0014 addendum): sent again now.
  void dispatcher.reportPendingFaults();

  async function tick(): Promise<TickResult> {
    let poll: PollResult | undefined;
    try {
      poll = await watcher.poll();
    } catch (error) {
      const code = error instanceof NsfError ? error.code : "NSF_UNEXPECTED";
      metrics.chainErrors.inc({ code });
      const level = error instanceof NsfError && error.retryable ? "warn" : "error";
      logger[level]({ code, details: error instanceof NsfError ? error.details : undefined, err: error instanceof NsfError ? undefined : error }, "chain poll failed");
    }
    const schedule = await scheduler.step();
    const dispatched = dispatcher.step();
    return { poll, schedule, dispatched };
  }

  let running: Promise<void> | undefined;

  return {
    watcher,
    scheduler,
    dispatcher,
    metrics,
    tick,
    async runUntilIdle(options = {}) {
      const maxTicks = options.maxTicks ?? 1_000;
      for (let i = 0; i < maxTicks && !signal.aborted; i++) {
        const before = JSON.stringify(store.countByState());
        const result = await tick();
        await dispatcher.idle();
        const moved = (result.poll?.blocks ?? 0) > 0 || result.poll?.reorged === true || result.schedule.examined > result.schedule.waiting || result.dispatched > 0;
        if (!moved && before === JSON.stringify(store.countByState())) return;
      }
    },
    run() {
      running ??= (async () => {
        logger.info({ nodes: config.nodes.length, confirmations: config.chain.confirmations }, "relayer pipeline started");
        while (!signal.aborted) {
          await tick();
          await sleep(config.chain.pollIntervalMs, signal).catch(() => undefined);
        }
      })();
      return running;
    },
    async stop() {
      stopController.abort();
      await running;
      await dispatcher.stop();
      logger.info(store.countByState(), "relayer pipeline stopped");
    },
  };
}
