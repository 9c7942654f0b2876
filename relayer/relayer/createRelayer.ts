import { createPublicClient, createWalletClient, defineChain, http, type Address, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createAnchorReader } from "../aggregator/anchorReader.js";
import { archiveMigrations, createArchiveStore } from "../archive/archiveStore.js";
import { arweaveClient } from "../archive/arweaveClient.js";
import { createArchiver, type Archiver } from "../archive/createArchiver.js";
import { loadArweaveWallet } from "../archive/loadArweaveWallet.js";
import { createAggregator, type Aggregator } from "../aggregator/createAggregator.js";
import { createBatcher } from "../aggregator/createBatcher.js";
import { createCoSigner } from "../aggregator/createCoSigner.js";
import { createTxManager } from "../aggregator/createTxManager.js";
import { loadFastKeccak } from "../aggregator/crypto/loadFastKeccak.js";
import { tryNativeRecoverSigner } from "../aggregator/crypto/nativeSecp256k1.js";
import { createChainFaultReporter } from "../chain/createChainFaultReporter.js";
import { createRegistryReader } from "../chain/createRegistryReader.js";
import { classifyRpcError } from "../chain/rpcCall.js";
import type { Common } from "../common/Common.js";
import type { RelayerConfig } from "../config/relayerConfig.js";
import { RelayerError } from "../core/errors/RelayerError.js";
import { createDirectoryInputProvider } from "../pipeline/createDirectoryInputProvider.js";
import { createHttpNodeTransport } from "../pipeline/createHttpNodeTransport.js";
import { createPipeline, type Pipeline } from "../pipeline/createPipeline.js";
import { createSchedulerAccount } from "../pipeline/crypto/nativeSchedulerAccount.js";
import type { InputProvider } from "../pipeline/InputProvider.js";
import type { NodeTransport } from "../pipeline/NodeTransport.js";
import { batchMigrations, createBatchStore, type BatchStore } from "../store/batchStore.js";
import { createJobStore, JOB_STORE_MIGRATIONS, type JobStore } from "../store/jobStore.js";
import { openDatabase } from "../store/openDatabase.js";
import { createStatusServer, type StatusServer } from "./createStatusServer.js";
import { registerRelayerGauges } from "./registerRelayerGauges.js";
import { buildRelayerStatus, type RelayerStatus } from "./relayerStatus.js";

export type CreateRelayerParameters = {
  common: Common;
  config: RelayerConfig;
  /** Default: a viem HTTP client for `config.chain.rpcUrl` (any EVM JSON-RPC endpoint). */
  client?: PublicClient;
  /** Default: the executor nodes' HTTP API. */
  transport?: NodeTransport;
  /** Default: input documents from `config.inputs.directory`, sensor bindings from the config. */
  inputs?: InputProvider;
};

export type Relayer = {
  readonly pipeline: Pipeline;
  readonly aggregator: Aggregator;
  readonly jobs: JobStore;
  readonly batches: BatchStore;
  /** The Arweave archive of batch bundles (undefined when the config has no `archive`). */
  readonly archiver: Archiver | undefined;
  /** Where /metrics, /status and /healthz are served once started (undefined when http.enabled is false). */
  readonly statusUrl: string | undefined;
  /** Starts the status endpoint, the aggregator's timer and the pipeline's loop. */
  start(): Promise<void>;
  status(): RelayerStatus;
  /** Stops everything (also on `common.shutdown`) and closes the database; safe to call twice. */
  stop(): Promise<void>;
  /** Settles when the relayer has stopped (after `stop()`, a shutdown signal, or a fatal failure, which it carries). */
  readonly stopped: Promise<{ error?: unknown }>;
};

/** The endpoint's origin: provider keys often live in an RPC URL's path or query and never reach a log. */
export function rpcOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid url)";
  }
}

/**
 * The composition root of `nsf relayer start` (ADR 0007): config → viem client → one database (job store +
 * batch store) → part A (watcher → scheduler → dispatcher → collector) → part B (batcher, independent co-signers,
 * anchor transaction manager) as the pipeline's ResultSink → operator endpoint (Prometheus metrics, JSON status).
 *
 * Before anything starts, the RPC endpoint's chain id must equal `chain.chainId`: a relayer pointed at the wrong
 * network refuses to run (NSF_CONFIG_INVALID), and one whose endpoint is down fails with a retryable RPC error.
 * Every component logs through its own child logger (`component: …`).
 */
export async function createRelayer(parameters: CreateRelayerParameters): Promise<Relayer> {
  const { common, config } = parameters;
  const logger = common.logger.child({ component: "relayer" });
  const aggregatorConfig = config.aggregator;
  if (!aggregatorConfig) {
    throw new RelayerError("CONFIG_INVALID", "aggregator: required to run the relayer (co-signer keys, submitter key, batch window); see docs/relayer.md");
  }
  const client =
    parameters.client ??
    (createPublicClient({ transport: http(config.chain.rpcUrl, { timeout: config.chain.rpcTimeoutMs, retryCount: 1 }), cacheTime: 0 }) as PublicClient);

  let chainId: number;
  try {
    chainId = await client.getChainId();
  } catch (error) {
    throw classifyRpcError(`eth_chainId at ${rpcOrigin(config.chain.rpcUrl)}`, error);
  }
  if (BigInt(chainId) !== config.chain.chainId) {
    throw new RelayerError("CONFIG_INVALID", `chain.chainId: configured ${config.chain.chainId}, but ${rpcOrigin(config.chain.rpcUrl)} serves chain ${chainId}`);
  }

  // Read before the database opens: a bad wallet file is a config error, reported before anything starts.
  const arweaveWallet = config.archive ? await loadArweaveWallet(config.archive.walletFile) : undefined;
  const database = openDatabase({ file: config.database.file, migrations: { jobs: JOB_STORE_MIGRATIONS, batches: batchMigrations, archive: archiveMigrations } });
  const jobs = createJobStore({ database });
  const batches = createBatchStore({ database });
  const archiver =
    config.archive && arweaveWallet
      ? createArchiver({
          common,
          store: createArchiveStore({ database }),
          batches,
          arweave: arweaveClient(config.archive.gatewayUrl),
          wallet: arweaveWallet,
          pollMs: config.archive.pollMs,
          confirmations: config.archive.confirmations,
          retry: config.archive.retry,
          anchorMaxAgeMs: config.archive.anchorMaxAgeMs,
        })
      : undefined;
  const keccak = await loadFastKeccak();
  const recover = tryNativeRecoverSigner(keccak);
  const { contracts } = config;
  const anchor = { chainId: config.chain.chainId, address: contracts.rollupAnchor };
  const anchorReader = () => createAnchorReader({ client, rollupAnchor: contracts.rollupAnchor, clauseRegistry: contracts.clauseRegistry, nodeRegistry: contracts.nodeRegistry });

  // Part B. Each co-signer: its own key, its own chain reads, its own records of what it co-signed.
  const coSigners = aggregatorConfig.coSigners.map(({ key }) => {
    const account = privateKeyToAccount(key.reveal());
    return createCoSigner({ common, account, reader: anchorReader(), records: batches.coSignerRecords(account.address), anchor, keccak, ...(recover ? { recover } : {}) });
  });
  const submitter = privateKeyToAccount(aggregatorConfig.submitter.key.reveal());
  const txManager = createTxManager({
    common,
    store: batches,
    publicClient: client,
    account: submitter,
    rollupAnchor: contracts.rollupAnchor,
    confirmations: aggregatorConfig.confirmations,
    reorgDepth: aggregatorConfig.reorgDepth,
    fees: {
      maxFeePerGasCap: aggregatorConfig.fees.maxFeePerGasCap,
      bumpBps: aggregatorConfig.fees.bumpBps,
      stuckAfterMs: aggregatorConfig.fees.stuckAfterMs,
      ...(aggregatorConfig.fees.priorityFeePerGas !== undefined ? { priorityFeePerGas: aggregatorConfig.fees.priorityFeePerGas } : {}),
    },
    // ADR 0012: the anchor carries the id of the Arweave transaction signed (and persisted) just before it.
    ...(archiver ? { arweaveTxId: (batchSeq: bigint) => archiver.locatorOf(batchSeq) } : {}),
  });
  const batcher = createBatcher({
    common,
    store: batches,
    reader: anchorReader(),
    anchor,
    coSigners,
    txManager,
    batchWindowMs: aggregatorConfig.batchWindowMs,
    maxBatchSize: aggregatorConfig.maxBatchSize,
    keccak,
    auditHeads: () => jobs.auditHeads(),
    ...(archiver ? { beforeSubmit: (batchSeq: bigint) => archiver.prepare(batchSeq) } : {}),
  });
  const aggregator = createAggregator({ common, store: batches, batcher, tickMs: aggregatorConfig.tickMs });

  // Part A, delivering into the aggregator.
  const reader = createRegistryReader({
    common,
    client,
    contracts,
    rpc: { timeoutMs: config.chain.rpcTimeoutMs, retry: config.chain.rpcRetry },
    cacheMs: config.chain.registryCacheMs,
    startBlock: config.chain.startBlock,
  });
  const pipeline = createPipeline({
    common,
    config,
    store: jobs,
    client,
    reader,
    transport: parameters.transport ?? createHttpNodeTransport(),
    sink: aggregator,
    inputs: parameters.inputs ?? createDirectoryInputProvider({ directory: config.inputs.directory, sensorBindings: config.inputs.sensorBindings }),
    scheduler: createSchedulerAccount(config.scheduler.key.reveal()),
    // ADR 0014: workload faults agreed by k nodes are reported on-chain from the configured FaultReporter key.
    ...(config.faultReporter
      ? {
          faults: createChainFaultReporter({
            wallet: createWalletClient({
              account: privateKeyToAccount(config.faultReporter.key.reveal()),
              chain: defineChain({ id: Number(config.chain.chainId), name: `chain ${config.chain.chainId}`, nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [config.chain.rpcUrl] } } }),
              transport: http(config.chain.rpcUrl),
            }),
            client,
            jobRouter: contracts.jobRouter,
          }),
        }
      : {}),
  });

  registerRelayerGauges({ registry: common.metrics, jobs, batches });
  const startedAt = new Date().toISOString();
  const identity = {
    chainId: config.chain.chainId.toString(),
    rpc: rpcOrigin(config.chain.rpcUrl),
    rollupAnchor: contracts.rollupAnchor,
    jobRouter: contracts.jobRouter,
    startedAt,
    aggregator: { coSigners: coSigners.map((c) => c.address), submitter: submitter.address as Address },
    nodes: config.nodes.length,
  };
  const status = () => buildRelayerStatus({ jobs, batches, identity });
  const server: StatusServer | undefined = config.http.enabled ? createStatusServer({ common, host: config.http.host, port: config.http.port, status }) : undefined;

  let statusUrl: string | undefined;
  let started = false;
  let stopping: Promise<void> | undefined;
  let markStopped: (outcome: { error?: unknown }) => void = () => undefined;
  const stopped = new Promise<{ error?: unknown }>((resolve) => (markStopped = resolve));
  let failure: { error?: unknown } = {};

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      logger.info("relayer stopping");
      await pipeline.stop().catch((error: unknown) => logger.error({ err: error }, "pipeline stop failed"));
      await aggregator.stop();
      await archiver?.stop();
      await server?.close();
      database.close();
      logger.info("relayer stopped");
      markStopped(failure);
    })());
  common.shutdown.addEventListener("abort", () => void stop(), { once: true });

  return {
    pipeline,
    aggregator,
    jobs,
    batches,
    archiver,
    get statusUrl() {
      return statusUrl;
    },
    stopped,
    status,
    async start() {
      if (started || stopping) return;
      started = true;
      if (server) {
        try {
          statusUrl = await server.listen();
        } catch (error) {
          await stop();
          throw error;
        }
      }
      logger.info(
        {
          chainId: config.chain.chainId.toString(),
          rpc: rpcOrigin(config.chain.rpcUrl),
          rollupAnchor: contracts.rollupAnchor,
          nodes: config.nodes.length,
          coSigners: identity.aggregator.coSigners,
          submitter: submitter.address,
          batchWindowMs: aggregatorConfig.batchWindowMs,
          statusUrl,
        },
        "relayer started",
      );
      aggregator.start();
      archiver?.start();
      pipeline.run().catch((error: unknown) => {
        logger.fatal({ err: error }, "relayer pipeline loop failed: stopping");
        failure = { error };
        void stop();
      });
    },
    stop,
  };
}
