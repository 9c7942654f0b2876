import { readFile } from "node:fs/promises";
import { z } from "zod";
import { getAddress, type Address, type Hex } from "viem";
import { RelayerError } from "../core/errors/RelayerError.js";
import { clauseIdOf } from "../core/formats/clauseRef.js";
import { tenantIdOf } from "../core/formats/ids.js";
import { SensorBindingSchema, type SensorBinding } from "../core/scheduling/inputBundle.js";
import { PolicyConfigSchema, resolvePolicyConfig, type ResolvedPolicy } from "../core/policy/policyConfig.js";
import { QosConfigSchema, resolveQosConfig, type ResolvedQos } from "../core/qos/qosConfig.js";

/**
 * `nsf relayer` configuration (part A: watch → schedule → dispatch → collect): one zod schema, validated, then
 * resolved (defaults, bigints, the scheduler key from the environment), then deeply frozen.
 *
 * Sources, lowest precedence first: defaults, the JSON file, environment variables. `process.env` is read in
 * this module and nowhere else. Secrets never live in files: the config names the environment variable that
 * holds the scheduler key (`scheduler.keyEnv`), and the resolved key is wrapped so logs print "[redacted]".
 */
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address").transform((a) => getAddress(a));
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]{0,63}$/, "an environment variable name");
const wei = z.string().regex(/^(0|[1-9][0-9]{0,30})$/, "a decimal amount of wei");
const blockNumber = z.union([z.number().int().min(0), z.string().regex(/^(0|[1-9][0-9]{0,19})$/, "a decimal block number")]);
const backoff = (defaults: { retries: number; baseDelayMs: number; maxDelayMs: number }) =>
  z
    .strictObject({
      retries: z.number().int().min(0).max(20).default(defaults.retries),
      baseDelayMs: z.number().int().min(1).max(60_000).default(defaults.baseDelayMs),
      maxDelayMs: z.number().int().min(1).max(600_000).default(defaults.maxDelayMs),
    })
    .default(defaults);

export const RelayerConfigSchema = z.strictObject({
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  chain: z.strictObject({
    rpcUrl: z.string().url(),
    chainId: z.number().int().positive(),
    /** Act only on logs at least this many blocks below the head. */
    confirmations: z.number().int().min(0).max(1_000).default(2),
    /** Keep block hashes this many blocks below the head to detect reorgs (must be >= confirmations). */
    finalityDepth: z.number().int().min(1).max(100_000).default(64),
    pollIntervalMs: z.number().int().min(10).max(600_000).default(1_000),
    /** Where to start when the store has no cursor yet (the deployment block). */
    startBlock: blockNumber.default(0),
    /** Blocks per eth_getLogs call; backfill after downtime proceeds in ranges of this size. */
    maxBlockRange: z.number().int().min(1).max(100_000).default(1_000),
    /** Ranges read per poll, so one poll stays bounded however far behind the cursor is. */
    maxRangesPerPoll: z.number().int().min(1).max(1_000).default(10),
    rpcTimeoutMs: z.number().int().min(10).max(600_000).default(10_000),
    rpcRetry: backoff({ retries: 3, baseDelayMs: 200, maxDelayMs: 5_000 }),
    /** Registry facts (clauses, nodes, allowlists, tenancy) are re-read at most this often; 0 = every time. */
    registryCacheMs: z.number().int().min(0).max(600_000).default(1_000),
    /** Chain time (latest block timestamp) is re-read at most this often; 0 = every time. */
    chainTimeCacheMs: z.number().int().min(0).max(60_000).default(250),
  }),
  contracts: z.strictObject({
    jobRouter: address,
    nodeRegistry: address,
    clauseRegistry: address,
    rollupAnchor: address,
    jurisdictionRegistry: address,
    disputeResolver: address.optional(),
  }),
  scheduler: z
    .strictObject({
      /** Name of the environment variable holding the scheduler's 32-byte private key (hex). Never the key itself. */
      keyEnv: envName.default("NSF_SCHEDULER_KEY"),
    })
    .default({ keyEnv: "NSF_SCHEDULER_KEY" }),
  /** Executor nodes this relayer dispatches to; each is checked against NodeRegistry on every selection. */
  nodes: z.array(z.strictObject({ url: z.string().url(), enclaveKey: address, tier: z.enum(["primary", "secondary"]).default("primary") })).min(1),
  /** The governance policy file's content (`nsf.policy/1`, docs/FORMATS.md §16); absent: only on-chain rules apply. */
  policy: PolicyConfigSchema.optional(),
  /** Priority order, reserved dispatch slots, jurisdictional quotas, overflow threshold (ADR 0014). */
  qos: QosConfigSchema.default({ order: ["disaster", "finance", "planning"], reservedSlots: { disaster: 0, finance: 0, planning: 0 }, jurisdictionQuotas: {}, maxOpenPerNode: 0 }),
  dispatch: z
    .strictObject({
      /** Per attempt: a node that has not answered by then is timed out and replaced (a late reply is recorded, not counted). */
      timeoutMs: z.number().int().min(10).max(600_000).default(10_000),
      /** After a timeout, a reply is still awaited this long and recorded as late (never counted); default: timeoutMs. */
      lateGraceMs: z.number().int().min(0).max(600_000).optional(),
      /** Job token lifetime (chain time), capped by the job's deadline. */
      tokenTtlSeconds: z.number().int().min(1).max(86_400).default(600),
      /** Jobs dispatched concurrently. */
      concurrency: z.number().int().min(1).max(10_000).default(64),
      /** Dispatches per job across all nodes, retries included. */
      maxAttemptsPerJob: z.number().int().min(1).max(1_000).default(12),
      /** Retries of one node for retryable errors (timeouts, 503s) before falling back to another. */
      retry: backoff({ retries: 1, baseDelayMs: 250, maxDelayMs: 5_000 }),
      /** Tolerated difference between a node's chain-time reading and ours. */
      maxClockSkewSeconds: z.number().int().min(0).max(3_600).default(120),
    })
    .default({ timeoutMs: 10_000, tokenTtlSeconds: 600, concurrency: 64, maxAttemptsPerJob: 12, retry: { retries: 1, baseDelayMs: 250, maxDelayMs: 5_000 }, maxClockSkewSeconds: 120 }),
  inputs: z
    .strictObject({
      /** Directory of DAO/simulation input documents, one `<inputCommitment>.json` each (nsf.input-document/1). */
      directory: z.string().min(1).optional(),
      /** A job whose input document is missing waits this long (chain time from its block) and then fails. */
      waitSeconds: z.number().int().min(0).max(30 * 86_400).default(600),
      /** How sensor jobs fill the clause's inputs: the feed answer into `answerInput`, the DAO's standing values for the rest. */
      sensorBindings: z
        .array(
          z.strictObject({
            clause: z.string(),
            /** Both or neither: a binding for one tenant, or for every tenant of the clause. */
            dao: address.optional(),
            jurisdiction: z.string().regex(/^[A-Z]{3}$/, "ISO 3166-1 alpha-3").optional(),
            answerInput: SensorBindingSchema.shape.answerInput,
            values: SensorBindingSchema.shape.values,
          }),
        )
        .default([]),
    })
    .default({ waitSeconds: 600, sensorBindings: [] }),
  database: z.strictObject({ file: z.string().min(1) }),
  /**
   * ADR 0014: the key that reports workload faults agreed by k nodes on-chain (`JobRouter.reportFailure`, suspending
   * the workload); network governance must grant it the FaultReporter role (12). Absent: faults still fail their
   * jobs, nothing is reported.
   */
  faultReporter: z.strictObject({ keyEnv: envName }).optional(),
  /**
   * Part B (ADR 0008): the aggregator co-signers this process runs and the anchor submitter. Required by
   * `nsf relayer start`; optional here so part A can be composed alone (tests, benchmarks).
   */
  aggregator: z
    .strictObject({
      /** Each co-signer is independent: its own key (from the environment variable it names), its own chain reads, its own records. */
      coSigners: z.array(z.strictObject({ keyEnv: envName })).min(1).max(32),
      /** The key that pays for anchor transactions; it authorises nothing (the quorum proof does). */
      submitter: z.strictObject({ keyEnv: envName.default("NSF_SUBMITTER_KEY") }).default({ keyEnv: "NSF_SUBMITTER_KEY" }),
      /** A batch is sealed this long after its first result arrived… */
      batchWindowMs: z.number().int().min(0).max(3_600_000).default(5_000),
      /** …or as soon as this many results are pending. */
      maxBatchSize: z.number().int().min(1).max(100_000).default(1_024),
      /** How often the batcher's state machine runs. */
      tickMs: z.number().int().min(10).max(60_000).default(250),
      /** Blocks on top of (and including) the anchor's block before a batch counts as anchored. */
      confirmations: z.number().int().min(1).max(1_000).default(1),
      /** How far back anchored batches are re-checked for reorgs (blocks). */
      reorgDepth: z.number().int().min(1).max(100_000).default(64),
      fees: z
        .strictObject({
          /** Never sign an anchor whose maxFeePerGas exceeds this. */
          maxFeePerGasCapWei: wei.default("200000000000"),
          /** Tip of a fresh transaction; default: the node's eth_maxPriorityFeePerGas. */
          priorityFeePerGasWei: wei.optional(),
          /** Fee bump of a replacement over the stuck transaction (nodes require at least +10 %). */
          bumpBps: z.number().int().min(1_000).max(10_000).default(1_250),
          /** A sent anchor not mined after this long is replaced with higher fees. */
          stuckAfterMs: z.number().int().min(1_000).max(3_600_000).default(30_000),
        })
        .default({ maxFeePerGasCapWei: "200000000000", bumpBps: 1_250, stuckAfterMs: 30_000 }),
    })
    .optional(),
  /**
   * The Arweave archive of batch bundles (ADR 0012). Absent: bundles are not archived and anchors carry no locator.
   * The wallet file holds an Arweave RSA JWK (it signs and pays for uploads): keep it out of the repository, except
   * the public development wallet `nsf dev` uses on arlocal.
   */
  archive: z
    .strictObject({
      /** The gateway uploads go to, e.g. https://arweave.net or arlocal's http://127.0.0.1:1984. */
      gatewayUrl: z.string().url(),
      walletFile: z.string().min(1),
      /** How often the upload queue is reconciled (posts, status checks, retries). */
      pollMs: z.number().int().min(10).max(600_000).default(2_000),
      /** Confirmations before a bundle counts as archived. */
      confirmations: z.number().int().min(1).max(1_000).default(1),
      /** Backoff of failed gateway requests (never given up). */
      retry: z
        .strictObject({ baseDelayMs: z.number().int().min(1).max(600_000).default(1_000), maxDelayMs: z.number().int().min(1).max(3_600_000).default(300_000) })
        .default({ baseDelayMs: 1_000, maxDelayMs: 300_000 }),
      /** A gateway anchor older than this is not used to sign (Arweave accepts ~50 blocks, about 100 minutes). */
      anchorMaxAgeMs: z.number().int().min(1_000).max(6_000_000).default(1_800_000),
    })
    .optional(),
  /**
   * Leadership lease (ADR 0018): several `nsf relayer start` instances sharing this database file, one active at a
   * time; a standby takes over when the leader's lease expires (it renews every ttlMs/3). Absent: no lease, and
   * running a second instance against the same contracts is unsafe (see the ADR).
   */
  lease: z.strictObject({ ttlMs: z.number().int().min(500).max(600_000).default(10_000) }).optional(),
  /** The operator endpoint: Prometheus metrics (`/metrics`), JSON status (`/status`), liveness (`/healthz`). */
  http: z
    .strictObject({
      enabled: z.boolean().default(true),
      host: z.string().min(1).default("127.0.0.1"),
      /** 0 picks a free port (tests, `nsf dev`). */
      port: z.number().int().min(0).max(65_535).default(9464),
    })
    .default({ enabled: true, host: "127.0.0.1", port: 9464 }),
});

export type RelayerConfigInput = z.input<typeof RelayerConfigSchema>;

/** A value that must never reach a log line or an error message. */
export type Secret<T> = { reveal(): T; toJSON(): string; toString(): string };

export function secret<T>(value: T): Secret<T> {
  const redacted = "[redacted]";
  const box = { reveal: () => value, toJSON: () => redacted, toString: () => redacted };
  Object.defineProperty(box, Symbol.for("nodejs.util.inspect.custom"), { value: () => redacted });
  return Object.freeze(box);
}

export type ResolvedSensorBinding = SensorBinding & { clauseId: Hex; tenantId: Hex | undefined };

export type RelayerConfig = Readonly<{
  logLevel: z.infer<typeof RelayerConfigSchema>["logLevel"];
  chain: Readonly<{
    rpcUrl: string;
    chainId: bigint;
    confirmations: number;
    finalityDepth: number;
    pollIntervalMs: number;
    startBlock: bigint;
    maxBlockRange: number;
    maxRangesPerPoll: number;
    rpcTimeoutMs: number;
    rpcRetry: Readonly<{ retries: number; baseDelayMs: number; maxDelayMs: number }>;
    registryCacheMs: number;
    chainTimeCacheMs: number;
  }>;
  contracts: Readonly<{ jobRouter: Address; nodeRegistry: Address; clauseRegistry: Address; rollupAnchor: Address; jurisdictionRegistry: Address; disputeResolver: Address | undefined }>;
  scheduler: Readonly<{ keyEnv: string; key: Secret<Hex> }>;
  nodes: readonly Readonly<{ url: string; enclaveKey: Address; tier: "primary" | "secondary" }>[];
  policy: ResolvedPolicy;
  qos: ResolvedQos;
  dispatch: Readonly<{
    timeoutMs: number;
    lateGraceMs: number;
    tokenTtlSeconds: number;
    concurrency: number;
    maxAttemptsPerJob: number;
    retry: Readonly<{ retries: number; baseDelayMs: number; maxDelayMs: number }>;
    maxClockSkewSeconds: number;
  }>;
  inputs: Readonly<{ directory: string | undefined; waitSeconds: number; sensorBindings: readonly ResolvedSensorBinding[] }>;
  database: Readonly<{ file: string }>;
  aggregator: ResolvedAggregatorConfig | undefined;
  faultReporter: Readonly<{ keyEnv: string; key: Secret<Hex> }> | undefined;
  archive: ResolvedArchiveConfig | undefined;
  http: Readonly<{ enabled: boolean; host: string; port: number }>;
  lease: Readonly<{ ttlMs: number }> | undefined;
}>;

export type ResolvedArchiveConfig = Readonly<{
  gatewayUrl: string;
  walletFile: string;
  pollMs: number;
  confirmations: number;
  retry: Readonly<{ baseDelayMs: number; maxDelayMs: number }>;
  anchorMaxAgeMs: number;
}>;

export type ResolvedAggregatorConfig = Readonly<{
  coSigners: readonly Readonly<{ keyEnv: string; key: Secret<Hex> }>[];
  submitter: Readonly<{ keyEnv: string; key: Secret<Hex> }>;
  batchWindowMs: number;
  maxBatchSize: number;
  tickMs: number;
  confirmations: number;
  reorgDepth: number;
  fees: Readonly<{ maxFeePerGasCap: bigint; priorityFeePerGas: bigint | undefined; bumpBps: number; stuckAfterMs: number }>;
}>;

/** The fault reporter's key: its own (DESIGN.md §2: keys are never shared between roles). */
function resolveFaultReporter(keyEnv: string, env: Readonly<Record<string, string | undefined>>, others: readonly { keyEnv: string; key: Hex }[]): { keyEnv: string; key: Secret<Hex> } {
  const key = keyFromEnv(env, "faultReporter.keyEnv", keyEnv, "the workload-fault reporter's private key");
  const same = others.find((o) => o.key === key);
  if (same) throw invalid("faultReporter.keyEnv", `${keyEnv} holds the same key as ${same.keyEnv}; every role needs its own key`);
  return { keyEnv, key: secret(key) };
}

function invalid(path: string, message: string): RelayerError {
  return new RelayerError("CONFIG_INVALID", `${path}: ${message}`);
}

/**
 * Validates and resolves. Every schema problem is reported at once as NSF_CONFIG_INVALID with its zod path
 * (e.g. `chain.rpcUrl: Invalid URL`); `env` supplies the scheduler key (the variable `scheduler.keyEnv` names).
 */
export function resolveRelayerConfig(input: unknown, env: Readonly<Record<string, string | undefined>> = {}): RelayerConfig {
  const result = RelayerConfigSchema.safeParse(input);
  if (!result.success) {
    throw new RelayerError("CONFIG_INVALID", result.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; "));
  }
  const c = result.data;
  if (c.chain.finalityDepth < c.chain.confirmations) {
    throw invalid("chain.finalityDepth", `${c.chain.finalityDepth} is below chain.confirmations (${c.chain.confirmations}); reorgs inside the confirmation window could not be detected`);
  }
  const keys = new Set<string>();
  for (const [i, node] of c.nodes.entries()) {
    if (keys.has(node.enclaveKey)) throw invalid(`nodes.${i}.enclaveKey`, `${node.enclaveKey} is listed twice`);
    keys.add(node.enclaveKey);
  }
  const schedulerKey = keyFromEnv(env, "scheduler.keyEnv", c.scheduler.keyEnv, "the scheduler's private key");

  const sensorBindings: ResolvedSensorBinding[] = c.inputs.sensorBindings.map((b, i) => {
    let clauseId: Hex;
    try {
      clauseId = clauseIdOf(b.clause);
    } catch {
      throw invalid(`inputs.sensorBindings.${i}.clause`, `not a clause id: ${JSON.stringify(b.clause).slice(0, 80)}`);
    }
    if ((b.dao === undefined) !== (b.jurisdiction === undefined)) throw invalid(`inputs.sensorBindings.${i}`, "give both dao and jurisdiction, or neither");
    if (b.answerInput in b.values) throw invalid(`inputs.sensorBindings.${i}.values`, `${b.answerInput} is filled by the feed answer`);
    return { answerInput: b.answerInput, values: { ...b.values }, clauseId, tenantId: b.dao && b.jurisdiction ? tenantIdOf(b.dao, b.jurisdiction) : undefined };
  });

  const aggregator = c.aggregator === undefined ? undefined : resolveAggregator(c.aggregator, env, { keyEnv: c.scheduler.keyEnv, key: schedulerKey });
  return deepFreeze({
    logLevel: c.logLevel,
    chain: { ...c.chain, chainId: BigInt(c.chain.chainId), startBlock: BigInt(c.chain.startBlock), rpcRetry: { ...c.chain.rpcRetry } },
    contracts: { ...c.contracts, disputeResolver: c.contracts.disputeResolver },
    scheduler: { keyEnv: c.scheduler.keyEnv, key: secret(schedulerKey) },
    nodes: c.nodes.map((n) => ({ url: n.url, enclaveKey: n.enclaveKey, tier: n.tier })),
    policy: resolvePolicyConfig(c.policy ?? { schema: "nsf.policy/1" }),
    qos: resolveQosConfig(c.qos, c.dispatch.concurrency),
    dispatch: { ...c.dispatch, lateGraceMs: c.dispatch.lateGraceMs ?? c.dispatch.timeoutMs, retry: { ...c.dispatch.retry } },
    inputs: { directory: c.inputs.directory, waitSeconds: c.inputs.waitSeconds, sensorBindings },
    database: { file: c.database.file },
    aggregator,
    faultReporter: c.faultReporter === undefined ? undefined : resolveFaultReporter(c.faultReporter.keyEnv, env, [{ keyEnv: c.scheduler.keyEnv, key: schedulerKey }, ...(aggregator ? [...aggregator.coSigners, aggregator.submitter].map((r) => ({ keyEnv: r.keyEnv, key: r.key.reveal() })) : [])]),
    archive: c.archive === undefined ? undefined : { ...c.archive, retry: { ...c.archive.retry } },
    http: { ...c.http },
    lease: c.lease ? { ttlMs: c.lease.ttlMs } : undefined,
  } satisfies RelayerConfig);
}

function keyFromEnv(env: Readonly<Record<string, string | undefined>>, path: string, name: string, what: string): Hex {
  const raw = env[name];
  if (raw === undefined || raw === "") throw invalid(path, `environment variable ${name} is not set (it must hold ${what})`);
  // The value is never echoed: a near-miss of a key is still a secret.
  if (!/^0x[0-9a-fA-F]{64}$/.test(raw.trim())) throw invalid(path, `environment variable ${name} is not a 32-byte hex private key`);
  return raw.trim().toLowerCase() as Hex;
}

function resolveAggregator(
  a: NonNullable<z.infer<typeof RelayerConfigSchema>["aggregator"]>,
  env: Readonly<Record<string, string | undefined>>,
  scheduler: { keyEnv: string; key: Hex },
): ResolvedAggregatorConfig {
  const coSigners = a.coSigners.map((c, i) => ({ keyEnv: c.keyEnv, key: keyFromEnv(env, `aggregator.coSigners.${i}.keyEnv`, c.keyEnv, `co-signer ${i}'s aggregator key`) }));
  const submitter = { keyEnv: a.submitter.keyEnv, key: keyFromEnv(env, "aggregator.submitter.keyEnv", a.submitter.keyEnv, "the anchor submitter's private key") };
  // DESIGN.md §2: keys are never shared between roles, and each co-signer is an independent key.
  const seen = new Map<string, string>([[scheduler.key, `scheduler (${scheduler.keyEnv})`]]);
  for (const [path, role] of [...coSigners.map((c, i) => [`aggregator.coSigners.${i}.keyEnv`, c] as const), ["aggregator.submitter.keyEnv", submitter] as const]) {
    const other = seen.get(role.key);
    if (other) throw invalid(path, `${role.keyEnv} holds the same key as ${other}; every role and every co-signer needs its own key`);
    seen.set(role.key, `${path} (${role.keyEnv})`);
  }
  if (a.fees.priorityFeePerGasWei !== undefined && BigInt(a.fees.priorityFeePerGasWei) > BigInt(a.fees.maxFeePerGasCapWei)) {
    throw invalid("aggregator.fees.priorityFeePerGasWei", "is above maxFeePerGasCapWei");
  }
  return {
    coSigners: coSigners.map((c) => ({ keyEnv: c.keyEnv, key: secret(c.key) })),
    submitter: { keyEnv: submitter.keyEnv, key: secret(submitter.key) },
    batchWindowMs: a.batchWindowMs,
    maxBatchSize: a.maxBatchSize,
    tickMs: a.tickMs,
    confirmations: a.confirmations,
    reorgDepth: a.reorgDepth,
    fees: {
      maxFeePerGasCap: BigInt(a.fees.maxFeePerGasCapWei),
      priorityFeePerGas: a.fees.priorityFeePerGasWei === undefined ? undefined : BigInt(a.fees.priorityFeePerGasWei),
      bumpBps: a.fees.bumpBps,
      stuckAfterMs: a.fees.stuckAfterMs,
    },
  };
}

/** Environment variables that override the file (`NSF_RELAYER_*`), read here and nowhere else. */
export const RELAYER_ENV = {
  rpcUrl: "NSF_RELAYER_RPC_URL",
  database: "NSF_RELAYER_DATABASE",
  logLevel: "NSF_RELAYER_LOG_LEVEL",
  httpPort: "NSF_RELAYER_HTTP_PORT",
} as const;

/** File, then environment; `env` defaults to the process environment (the only place it is read). */
export async function loadRelayerConfig(options: { file?: string; input?: RelayerConfigInput; env?: Readonly<Record<string, string | undefined>> } = {}): Promise<RelayerConfig> {
  const env = options.env ?? process.env;
  return resolveRelayerConfig(await readRelayerConfigInput(options, env), env);
}

/** What a relayer config says about where things are (no secrets needed): what `nsf status` reads. */
export type RelayerEndpoints = Readonly<{
  chain: Readonly<{ rpcUrl: string; chainId: bigint; startBlock: bigint }>;
  contracts: RelayerConfig["contracts"];
  http: RelayerConfig["http"];
  database: RelayerConfig["database"];
  archive: Readonly<{ gatewayUrl: string }> | undefined;
}>;

/** The config's endpoints, validated by the same schema, without reading any key. */
export async function loadRelayerEndpoints(options: { file: string; env?: Readonly<Record<string, string | undefined>> }): Promise<RelayerEndpoints> {
  const env = options.env ?? process.env;
  const result = RelayerConfigSchema.safeParse(await readRelayerConfigInput(options, env));
  if (!result.success) {
    throw new RelayerError("CONFIG_INVALID", result.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; "));
  }
  const c = result.data;
  return deepFreeze({
    chain: { rpcUrl: c.chain.rpcUrl, chainId: BigInt(c.chain.chainId), startBlock: BigInt(c.chain.startBlock) },
    contracts: { ...c.contracts, disputeResolver: c.contracts.disputeResolver },
    http: { ...c.http },
    database: { file: c.database.file },
    archive: c.archive ? { gatewayUrl: c.archive.gatewayUrl } : undefined,
  });
}

async function readRelayerConfigInput(options: { file?: string; input?: RelayerConfigInput }, env: Readonly<Record<string, string | undefined>>): Promise<Record<string, unknown>> {
  let base: Record<string, unknown> = { ...(options.input ?? {}) };
  if (options.file) {
    let text: string;
    try {
      text = await readFile(options.file, "utf8");
    } catch (cause) {
      throw new RelayerError("CONFIG_INVALID", `(file): cannot read ${options.file}: ${(cause as NodeJS.ErrnoException).code ?? "error"}`, { cause });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new RelayerError("CONFIG_INVALID", `(file): ${options.file} is not JSON`, { cause });
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new RelayerError("CONFIG_INVALID", `(file): ${options.file} must hold a JSON object`);
    base = { ...base, ...(parsed as Record<string, unknown>) };
  }
  const chain = (base.chain ?? {}) as Record<string, unknown>;
  const database = (base.database ?? {}) as Record<string, unknown>;
  if (env[RELAYER_ENV.rpcUrl]) base.chain = { ...chain, rpcUrl: env[RELAYER_ENV.rpcUrl] };
  if (env[RELAYER_ENV.database]) base.database = { ...database, file: env[RELAYER_ENV.database] };
  if (env[RELAYER_ENV.logLevel]) base.logLevel = env[RELAYER_ENV.logLevel];
  if (env[RELAYER_ENV.httpPort]) {
    const port = Number(env[RELAYER_ENV.httpPort]);
    // A non-number stays a string, so the schema reports it under http.port.
    base.http = { ...((base.http ?? {}) as Record<string, unknown>), port: Number.isInteger(port) ? port : env[RELAYER_ENV.httpPort] };
  }
  return base;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
