import { faultPoint } from "../faults/faultPoint.js";
import { getAddress, type Address, type Hex, type LocalAccount } from "viem";
import type { Common } from "../common/Common.js";
import type { RegistryReader } from "../chain/RegistryReader.js";
import { defaultSleep } from "../chain/rpcCall.js";
import { cacFromJson, createCacJsonParser } from "../core/cac/cacJson.js";
import type { Keccak } from "../core/batching/hashing.js";
import { tally, type CountedCac, type Tally } from "../core/agreement/tally.js";
import { verifyCacReply, type RecoverSigner, type VerifiedCac } from "../core/agreement/verifyCac.js";
import { NsfError } from "../core/errors/NsfError.js";
import { RelayerError, type RelayerErrorKind } from "../core/errors/RelayerError.js";
import type { JobToken } from "../core/formats/eip712.js";
import { ExecutionModel, PolicyFlag } from "../core/formats/enums.js";
import { ZkError } from "../core/zk/ZkError.js";
import { createZkCacVerifier, type ZkCacVerifier } from "../zk/verifyZkCac.js";
import { bytes3ToJurisdiction, runtimeHashOf, verdictIdOf } from "../core/formats/ids.js";
import { isTerminal, JobState } from "../core/jobs/jobStateMachine.js";
import type { AgreedCac, AgreedResult, ResultSink } from "../core/results/AgreedResult.js";
import { backoffDelayMs, type BackoffPolicy } from "../core/retry/backoff.js";
import { eligibleCount, quorumImpossibleMessage, selectNodes, type Selection } from "../core/scheduling/selectNodes.js";
import { clauseAttributesOf, evaluatePolicy, requiredSigners, type PolicyJob, type PolicyVerdict } from "../core/policy/evaluatePolicy.js";
import { EMPTY_POLICY, type ResolvedPolicy } from "../core/policy/policyConfig.js";
import { planAdmissions, type RunningJob } from "../core/qos/planAdmissions.js";
import { DEFAULT_QOS, type ResolvedQos } from "../core/qos/qosConfig.js";
import { createOccupancyLedger, type OccupancyLedger } from "./createOccupancyLedger.js";
import { workloadFaultOf } from "../core/isolation/workloadFault.js";
import type { FaultReporter, WorkloadFault } from "./FaultReporter.js";
import type { ClauseFacts, NodeFacts } from "../core/scheduling/types.js";
import { buildJobRequest } from "../executor/client/buildJobRequest.js";
import type { TenantPayloadKey } from "../executor/enclave/EnclaveRuntime.js";
import { verifyTenantPayloadKey } from "../executor/enclave/tenantPayloadKeys.js";
import { ExecutorError } from "../executor/errors/ExecutorError.js";
import { AttemptStatus, type JobRecord, type JobStore } from "../store/jobStore.js";
import { tryNativeRecoverSigner } from "../aggregator/crypto/nativeSecp256k1.js";
import { recoverAddressWith } from "../core/batching/recoverSigner.js";
import { tryNativeSealPayload, type SealPayload } from "./crypto/sealPayloadNative.js";
import type { NodeEndpoint, NodeTransport } from "./NodeTransport.js";
import type { RelayerMetrics } from "./relayerMetrics.js";

export type DispatchConfig = {
  /** Per attempt; then the attempt is timed out and a fallback dispatched. */
  timeoutMs: number;
  /** How long after the timeout a reply is still awaited (and recorded as late) before the request is aborted. */
  lateGraceMs?: number;
  tokenTtlSeconds: number;
  concurrency: number;
  maxAttemptsPerJob: number;
  /** Retries of one node for retryable errors before it is given up on for the job. */
  retry: BackoffPolicy;
  maxClockSkewSeconds: number;
  /** Chain time is read at most this often (ms); 0 reads it every time. */
  chainTimeCacheMs?: number;
};

export type DispatcherParameters = {
  common: Common;
  store: JobStore;
  reader: RegistryReader;
  transport: NodeTransport;
  sink: ResultSink;
  metrics: RelayerMetrics;
  /** A NodeRegistry scheduler key: signs every job token (EIP-712, domain NSF JobRouter). */
  scheduler: LocalAccount;
  deployments: { chainId: bigint; jobRouter: Address; nodeRegistry: Address; rollupAnchor: Address };
  nodes: readonly NodeEndpoint[];
  config: DispatchConfig;
  /** The governance policy (ADR 0014), evaluated at node admission and at CAC validation. Default: no configured rules. */
  policy?: ResolvedPolicy;
  /** Priority order, reserved slots, jurisdictional quotas, overflow threshold. Default: disaster > finance > planning, nothing reserved. */
  qos?: ResolvedQos;
  /** Recent placements per node (co-location rules); default: rebuilt from the store's attempts. */
  occupancy?: OccupancyLedger;
  /** Where workload faults agreed by k nodes go (on-chain suspension); none: the job still fails, nothing is reported. */
  faults?: FaultReporter;
  runtime?: {
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    random?: () => number;
    recover?: RecoverSigner;
    seal?: SealPayload;
    /** keccak-256 for CAC re-hashing and signer addresses; pass the WASM one (`loadFastKeccak`), default pure JS. */
    keccak?: Keccak;
    /** Proof check of zk CACs (ADR 0016); default: the committed circuits, loaded when a zk CAC first arrives. */
    verifyZk?: ZkCacVerifier;
  };
};

export type Dispatcher = {
  /**
   * Starts drivers for resolved jobs and unfinished dispatched ones, up to the concurrency. Returns how many.
   * Between steps, each driver that completes normally hands its slot to the next resolved job.
   */
  step(): number;
  /** Resolves when no driver and no attempt is running (and no hand-over is pending). */
  idle(): Promise<void>;
  /** Jobs being driven now. */
  running(): number;
  /** After a restart: attempts the previous process left open can no longer be answered. */
  recover(): number;
  /**
   * Sends the workload-fault reports recorded but never confirmed (the relayer stopped, or the chain refused, between
   * the job's failure and its report). Returns how many were confirmed; the others stay pending.
   */
  reportPendingFaults(): Promise<number>;
  /** Aborts in-flight requests (their attempts stay open for the next start to abandon) and waits. */
  stop(): Promise<void>;
};

/** What one job's driver remembers between loop turns (and driver restarts) in this process. */
type JobContext = {
  inflight: Map<number, Address>;
  /** Given up on for this job: refused, invalid reply, or out of retries. */
  excluded: Set<Address>;
  retries: Map<Address, number>;
  /** Wall-clock ms before which a node is not retried (backoff after a retryable failure). */
  notBefore: Map<Address, number>;
  verified: Map<Address, VerifiedCac>;
  firstDispatchMs: number | undefined;
  wake: (() => void) | undefined;
  /** Workload-fault refusals (sandbox trap, step limit, …) by the node's code: which nodes reported each. */
  faults: Map<string, Set<Address>>;
};

const REPLY_ERRORS: ReadonlySet<RelayerErrorKind> = new Set([
  "NODE_REPLY_MALFORMED",
  "CAC_INVALID",
  "CAC_WRONG_SIGNER",
  "CAC_WRONG_DOMAIN",
  "CAC_OTHER_JOB",
  "CAC_FIELD_MISMATCH",
  "CAC_ATTEMPT_MISMATCH",
  "CAC_RUNTIME_MISMATCH",
  "CAC_SIGNER_NOT_ACTIVE",
  "CAC_SIGNER_NOT_ELIGIBLE",
  "CAC_TIMESTAMP_INVALID",
  "CAC_DUPLICATE_SIGNER",
  "CAC_ZK_PROOF_REJECTED",
  "POLICY_DENIED",
]);

/**
 * resolved → dispatched(n) → agreed | disputed | failed | expired (DESIGN.md §3.4–3.7).
 *
 * One driver per job: select nodes (pure `selectNodes`, reasons recorded), persist the attempt, then sign the
 * job token and seal the inputs (`buildJobRequest`) and send; verify every reply (`verifyCacReply`) and record it,
 * valid or not; tally (pure `tally`) until k CACs agree, the executors disagree beyond repair, or no quorum can
 * be reached. Timeouts and retryable failures retry the same node after a jittered backoff, up to
 * `retry.retries`; anything else falls back to the next-best node. Every dispatch is a new attempt number.
 * On agreement the result goes to `ResultSink.submit` (idempotent) and only then is the job marked agreed, so a
 * crash in between re-delivers the same result rather than losing it.
 */
export function createDispatcher(parameters: DispatcherParameters): Dispatcher {
  const { store, reader, transport, sink, metrics, scheduler, deployments, config } = parameters;
  const logger = parameters.common.logger.child({ component: "dispatcher" });
  const sleep = parameters.runtime?.sleep ?? defaultSleep;
  const random = parameters.runtime?.random ?? Math.random;
  // libsecp256k1 for the two hot secp256k1 operations when its prebuild loads; the pure-JS defaults otherwise.
  const keccak = parameters.runtime?.keccak;
  const recover = parameters.runtime?.recover ?? nativeRecover(keccak);
  const parseCac = keccak ? createCacJsonParser({ keccak }) : cacFromJson;
  const verifyZk = parameters.runtime?.verifyZk ?? createZkCacVerifier();
  const seal = parameters.runtime?.seal ?? tryNativeSealPayload();
  const lateGraceMs = config.lateGraceMs ?? config.timeoutMs;
  const endpoints = new Map(parameters.nodes.map((n) => [getAddress(n.enclaveKey), { enclaveKey: getAddress(n.enclaveKey), url: n.url, tier: n.tier ?? "primary" }]));
  const policy = parameters.policy ?? EMPTY_POLICY;
  const qos = parameters.qos ?? DEFAULT_QOS;
  const ledger =
    parameters.occupancy ??
    createOccupancyLedger(
      store.placementsSince(0n).map((p) => ({ ...p, node: getAddress(p.node), domain: clauseAttributesOf(policy, p.clauseId, p.priority ?? -1).domain })),
    );
  /** The latest NodeRegistry facts read for each endpoint (CAC-time policy checks need the counted signers' facts). */
  const latestFacts = new Map<Address, NodeFacts>();
  /** Rank and jurisdiction of every job being driven (admission planning). */
  const driven = new Map<Hex, RunningJob>();
  /** Jobs whose current quota denial is already in their tenant's audit trace (one entry per waiting spell). */
  const quotaDenied = new Set<Hex>();
  const router = { chainId: deployments.chainId, address: deployments.jobRouter };
  const anchor = { chainId: deployments.chainId, address: deployments.rollupAnchor };
  const stopController = new AbortController();
  const shutdown = AbortSignal.any([stopController.signal, parameters.common.shutdown]);

  const drivers = new Map<Hex, Promise<void>>();
  const attempts = new Set<Promise<void>>();
  const contexts = new Map<Hex, JobContext>();
  /** Every attempt's request controller until its reply is recorded; aborted together at shutdown. */
  const inflightControllers = new Set<AbortController>();
  shutdown.addEventListener(
    "abort",
    () => {
      for (const c of inflightControllers) c.abort(shutdown.reason);
      inflightControllers.clear();
      for (const ctx of contexts.values()) ctx.wake?.();
    },
    { once: true },
  );
  const payloadKeys = new Map<string, Promise<TenantPayloadKey>>();
  let idleWaiters: (() => void)[] = [];
  /** A hand-over of freed driver slots is queued for the end of this turn (`scheduleRefill`). */
  let refillScheduled = false;

  const chainTimeCacheMs = config.chainTimeCacheMs ?? 250;
  let chainTimeCache: { at: number; value: Promise<bigint> } | undefined;
  const chainTime = (): Promise<bigint> => {
    if (chainTimeCacheMs > 0 && chainTimeCache && Date.now() - chainTimeCache.at < chainTimeCacheMs) return chainTimeCache.value;
    const value = reader.chainTime();
    chainTimeCache = { at: Date.now(), value };
    value.catch(() => (chainTimeCache = undefined));
    return value;
  };

  const notifyIdle = () => {
    if (drivers.size === 0 && attempts.size === 0 && !refillScheduled) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  function contextOf(jobId: Hex): JobContext {
    let ctx = contexts.get(jobId);
    if (!ctx) {
      ctx = { inflight: new Map(), excluded: new Set(), retries: new Map(), notBefore: new Map(), verified: new Map(), firstDispatchMs: undefined, wake: undefined, faults: new Map() };
      // Rebuild what matters from the store (a restart, or a job dispatched before this process).
      for (const a of store.attemptsOf(jobId)) {
        const node = getAddress(a.node);
        if (a.status === AttemptStatus.Succeeded) ctx.excluded.add(node);
        else if (a.status === AttemptStatus.Failed && a.errorCode && !isRetryableCode(a.errorCode)) ctx.excluded.add(node);
        else if (a.status === AttemptStatus.Failed || a.status === AttemptStatus.TimedOut) ctx.retries.set(node, (ctx.retries.get(node) ?? 0) + 1);
      }
      for (const [node, count] of ctx.retries) if (count > config.retry.retries) ctx.excluded.add(node);
      contexts.set(jobId, ctx);
    }
    return ctx;
  }

  async function nodeFacts(): Promise<Map<Address, NodeFacts | undefined>> {
    const entries = await Promise.all([...endpoints.keys()].map(async (k) => [k, await reader.getNode(k)] as const));
    for (const [k, f] of entries) if (f) latestFacts.set(k, f);
    return new Map(entries);
  }

  function policyJobOf(job: JobRecord, clause: ClauseFacts): PolicyJob {
    return { tenantId: job.tenantId, jurisdiction: job.jurisdiction, clauseId: job.clauseId, priority: clause.priority, policyFlags: clause.policyFlags };
  }

  /** A policy denial or deferral is a metric and (for the job's tenant only) a log line; its audit entry goes with the job. */
  function notePolicy(job: JobRecord, verdict: PolicyVerdict): void {
    if (verdict.decisive) metrics.policyDenials.inc({ rule: verdict.decisive.rule, stage: verdict.stage, tenant: job.tenantId });
  }

  async function allowlists(facts: Iterable<NodeFacts | undefined>) {
    const measurements = new Map<string, boolean>();
    const teeTypes = new Map<number, boolean>();
    await Promise.all(
      [...facts].flatMap((f) =>
        f
          ? [
              reader.isMeasurementAllowed(f.measurement).then((ok) => measurements.set(f.measurement.toLowerCase(), ok)),
              reader.isTeeTypeAllowed(f.teeType).then((ok) => teeTypes.set(f.teeType, ok)),
            ]
          : [],
      ),
    );
    return { measurementAllowed: (m: Hex) => measurements.get(m.toLowerCase()) === true, teeTypeAllowed: (t: number) => teeTypes.get(t) === true };
  }

  function noteFailure(ctx: JobContext, node: Address, error: NsfError): void {
    if (!error.retryable) {
      ctx.excluded.add(node);
      return;
    }
    const retries = (ctx.retries.get(node) ?? 0) + 1;
    ctx.retries.set(node, retries);
    if (retries > config.retry.retries) ctx.excluded.add(node);
    else ctx.notBefore.set(node, Date.now() + backoffDelayMs(config.retry, retries - 1, random()));
  }

  function payloadKeyFor(endpoint: NodeEndpoint, tenantId: Hex, signal: AbortSignal): Promise<TenantPayloadKey> {
    const key = `${endpoint.enclaveKey}:${tenantId}`;
    let cached = payloadKeys.get(key);
    if (!cached) {
      cached = (async () => {
        const k = await transport.payloadKey(endpoint, tenantId, signal);
        const binding = { chainId: deployments.chainId, nodeRegistry: deployments.nodeRegistry, enclaveKey: endpoint.enclaveKey };
        if (k.tenantId.toLowerCase() !== tenantId.toLowerCase() || !(await verifyTenantPayloadKey(k, binding))) {
          throw new RelayerError("NODE_PAYLOAD_KEY_INVALID", `node ${endpoint.enclaveKey}, tenant ${tenantId}`);
        }
        return k;
      })();
      payloadKeys.set(key, cached);
      cached.catch(() => payloadKeys.delete(key));
    }
    return cached;
  }

  const verdictIds = new Map<string, Hex>();
  /** A node's registration as its CACs must name it (docs/FORMATS.md §11), the verdict id computed once per registration. */
  function runtimeFor(facts: NodeFacts, node: Address): { teeType: number; measurement: Hex; attestationId: Hex; verdictId: Hex } {
    const key = `${node}:${facts.attestationId}:${facts.attestedAt}:${facts.attestedUntil}`;
    let verdictId = verdictIds.get(key);
    if (!verdictId) {
      verdictId = verdictIdOf({ chainId: deployments.chainId, nodeRegistry: deployments.nodeRegistry, enclaveKey: node, attestationId: facts.attestationId, attestedAt: facts.attestedAt, validUntil: facts.attestedUntil });
      if (verdictIds.size >= 4096) verdictIds.clear();
      verdictIds.set(key, verdictId);
    }
    return { teeType: facts.teeType, measurement: facts.measurement, attestationId: facts.attestationId, verdictId };
  }

  function typed(error: unknown): NsfError {
    if (error instanceof NsfError && !(error instanceof ExecutorError)) return error;
    if (error instanceof ExecutorError && error.kind === "PAYLOAD_KEY_UNCERTIFIED") return new RelayerError("NODE_PAYLOAD_KEY_INVALID", error.details, { cause: error });
    return new RelayerError("NODE_UNREACHABLE", error instanceof Error ? `${error.name}: ${error.message}` : "unexpected failure", { cause: error });
  }

  /**
   * One dispatch, already persisted by the caller. `settled` resolves at the reply or at the timeout, whichever
   * comes first (the driver moves on); `done` when the reply, late or not, has been recorded too.
   */
  function runAttempt(job: JobRecord, clause: ClauseFacts, facts: NodeFacts, token: JobToken, dispatchedAt: bigint, ctx: JobContext): { settled: Promise<void>; done: Promise<void> } {
    const node = getAddress(token.executor);
    const endpoint = endpoints.get(node)!;
    const log = logger.child({ tenant: job.tenantId, job: job.jobId, attempt: token.attempt, node });
    // Aborted by the timeout's grace period or by shutdown (one shutdown listener for all attempts, see below).
    const controller = new AbortController();
    const signal = controller.signal;
    if (shutdown.aborted) controller.abort(shutdown.reason);
    else inflightControllers.add(controller);
    let timedOut = false;
    let graceTimer: NodeJS.Timeout | undefined;

    let done: Promise<void> = Promise.resolve();
    const settled = new Promise<void>((resolveSettled) => {
      // Leaving the in-flight set happens in the same synchronous step as recording the outcome, so a driver
      // never sees a reply both counted and in flight (or neither).
      let isSettled = false;
      const settle = () => {
        if (isSettled) return;
        isSettled = true;
        ctx.inflight.delete(token.attempt);
        resolveSettled();
        ctx.wake?.();
      };
      const timer = setTimeout(() => {
        timedOut = true;
        const error = new RelayerError("NODE_TIMEOUT", `no reply within ${config.timeoutMs} ms`);
        if (store.closeAttempt(job.jobId, token.attempt, AttemptStatus.TimedOut, { code: error.code, detail: error.details })) {
          noteFailure(ctx, node, error);
          metrics.attempts.inc({ outcome: "timed_out", node });
          log.warn({ code: error.code }, "attempt timed out; falling back");
        }
        settle();
        graceTimer = setTimeout(() => controller.abort(new RelayerError("NODE_TIMEOUT", "late grace period over")), lateGraceMs);
      }, config.timeoutMs);

      done = (async () => {
        let reply: unknown;
        let replied = false;
        try {
          const key = await payloadKeyFor(endpoint, job.tenantId, signal);
          const body = await buildJobRequest({
            scheduler,
            router,
            token,
            bundle: job.inputBundle as unknown as Record<string, unknown>,
            payloadKey: key,
            nodeRegistry: deployments.nodeRegistry,
            // payloadKeyFor verified this key's certificate against the same binding when it was fetched.
            payloadKeyVerified: true,
            ...(seal ? { seal } : {}),
          });
          // The attempt row (opened in `dispatch`) must be on disk before the token leaves: with a grouped store
          // this waits for the turn's commit, shared with every other write of the turn (one fsync).
          await store.durable();
          faultPoint("dispatched");
          reply = await transport.execute(endpoint, body, signal);
          replied = true;
          const now = await chainTime();
          const inCountry = (clause.policyFlags & PolicyFlag.InCountry) !== 0;
          const verified = await verifyCacReply(
            reply,
            {
              anchor,
              jobId: job.jobId,
              clauseId: job.clauseId,
              clauseVersion: clause.version,
              codeHash: clause.codeHash,
              tenantId: job.tenantId,
              inputHash: job.inputHash!,
              configDigest: clause.configDigest,
              attempt: token.attempt,
              node: {
                enclaveKey: node,
                runtime: runtimeFor(facts, node),
                status: facts.status,
                activeSince: facts.activeSince,
                attestedUntil: facts.attestedUntil,
                jurisdiction: facts.jurisdiction,
              },
              ...(inCountry ? { requiredJurisdiction: job.jurisdiction } : {}),
              dispatchedAt,
              chainTime: now > dispatchedAt ? now : dispatchedAt,
              maxClockSkewSeconds: BigInt(config.maxClockSkewSeconds),
            },
            recover,
            parseCac,
          );
          // A zk version's CAC counts only with a proof that verifies and says what the CAC says (FORMATS §11.3).
          try {
            await verifyZk(verified, clause);
          } catch (error) {
            if (!(error instanceof ZkError)) throw error;
            throw new RelayerError("CAC_ZK_PROOF_REJECTED", `${error.code}: ${error.details ?? error.shortMessage}`, { cause: error });
          }
          // CAC validation time (ADR 0014): the node rules again, against the CACs already counted for this job.
          const counted = store.validSigners(job.jobId).map((c) => getAddress(c.signer)).filter((s) => s !== node);
          // NodeRegistry's facts now, not at dispatch: a node that lost its standing since does not count.
          const current = (await reader.getNode(node)) ?? facts;
          const cacVerdict = evaluatePolicy({
            stage: "cac",
            policy,
            job: policyJobOf(job, clause),
            node: current,
            peers: counted.flatMap((s) => (latestFacts.has(s) ? [latestFacts.get(s)!] : [])),
            occupancy: ledger.onNode(node, (now > policy.windowSeconds ? now - policy.windowSeconds : 0n)),
          });
          if (cacVerdict.decision !== "allow") {
            notePolicy(job, cacVerdict);
            throw new RelayerError("POLICY_DENIED", `${cacVerdict.decisive!.rule}: ${cacVerdict.decisive!.reason}`);
          }
          const record = {
            jobId: job.jobId,
            attempt: token.attempt,
            node,
            signer: verified.signer,
            outputHash: verified.cac.outputHash,
            digest: verified.digest,
            signature: verified.signature,
            reply: JSON.stringify({ cac: verified.json, signature: verified.signature }),
          };
          if (timedOut) {
            const late = new RelayerError("CAC_LATE", `valid CAC arrived after the ${config.timeoutMs} ms timeout`);
            store.transaction(() => {
              store.recordCac({ ...record, valid: false, code: late.code, reason: late.details });
              store.closeAttempt(job.jobId, token.attempt, AttemptStatus.Late, { code: late.code, detail: late.details });
            });
            metrics.cacsRejected.inc({ code: late.code, node });
            log.warn({ code: late.code, outputHash: verified.cac.outputHash }, "late CAC recorded, not counted");
            return;
          }
          const isCounted = store.transaction(() => {
            if (store.validSigners(job.jobId).some((c) => getAddress(c.signer) === verified.signer)) {
              const dup = new RelayerError("CAC_DUPLICATE_SIGNER", `signer ${verified.signer} already counted for this job`);
              store.recordCac({ ...record, valid: false, code: dup.code, reason: dup.details });
              store.closeAttempt(job.jobId, token.attempt, AttemptStatus.Failed, { code: dup.code, detail: dup.details });
              return false;
            }
            store.recordCac({ ...record, valid: true, code: undefined, reason: undefined });
            store.closeAttempt(job.jobId, token.attempt, AttemptStatus.Succeeded);
            return true;
          });
          if (isCounted) {
            ctx.verified.set(verified.signer, verified);
            ctx.excluded.add(node);
            metrics.attempts.inc({ outcome: "succeeded", node });
            log.debug({ outputHash: verified.cac.outputHash }, "CAC verified");
          } else {
            ctx.excluded.add(node);
          }
        } catch (raw) {
          if (shutdown.aborted && !timedOut) return; // the attempt stays open: the next start abandons it
          const error = typed(raw);
          const replyError = error instanceof RelayerError && REPLY_ERRORS.has(error.kind);
          if (replyError || replied) {
            store.transaction(() => {
              store.recordCac({
                jobId: job.jobId,
                attempt: token.attempt,
                node,
                valid: false,
                code: error.code,
                reason: error.details ?? error.shortMessage,
                signer: undefined,
                outputHash: undefined,
                digest: undefined,
                signature: undefined,
                reply: safeJson(reply),
              });
              if (timedOut) store.closeAttempt(job.jobId, token.attempt, AttemptStatus.Late, { code: error.code, detail: error.details });
            });
            metrics.cacsRejected.inc({ code: error.code, node });
          }
          if (timedOut) {
            if (replied) log.warn({ code: error.code, details: error.details }, "late reply rejected");
            return;
          }
          if (store.closeAttempt(job.jobId, token.attempt, AttemptStatus.Failed, { code: error.code, detail: error.details ?? error.shortMessage })) {
            noteFailure(ctx, node, error);
            metrics.attempts.inc({ outcome: "failed", node });
            const fault = workloadFaultOf(error);
            if (fault) ctx.faults.set(fault, (ctx.faults.get(fault) ?? new Set()).add(node));
          }
          log.warn({ code: error.code, details: error.details, retryable: error.retryable }, replyError ? "node reply rejected; not counted" : "attempt failed");
        } finally {
          clearTimeout(timer);
          clearTimeout(graceTimer);
          inflightControllers.delete(controller);
          settle();
        }
      })();
    });
    return { settled, done };
  }

  /**
   * Dispatches to `nodes`: first every attempt row (and the dispatch transitions) in ONE transaction, then signs,
   * seals and — only once that is on disk (`store.durable()`) — sends each. Persist before the side effect; with a
   * grouped store one fsync covers every job dispatched in the same event-loop turn.
   */
  function dispatch(job: JobRecord, clause: ClauseFacts, nodes: readonly NodeFacts[], now: bigint, ctx: JobContext, selection: Selection): void {
    const ttlEnd = now + BigInt(config.tokenTtlSeconds);
    const expiresAt = ttlEnd < job.deadline ? ttlEnd : job.deadline;
    const opened = store.transaction(() => {
      let current = job;
      return nodes.map((facts, i) => {
        const node = getAddress(facts.enclaveKey);
        current = store.openAttempt({ jobId: job.jobId, attempt: current.attempt + 1, node, dispatchedAt: now, expiresAt, current, ...(i === 0 ? { selection: selection.assessments } : {}) });
        return { facts, node, attempt: current.attempt, record: current };
      });
    });
    ctx.firstDispatchMs ??= Date.now();
    const domain = clauseAttributesOf(policy, clause.clauseId, clause.priority).domain;
    for (const { node } of opened) ledger.record({ node, tenantId: job.tenantId, clauseId: job.clauseId, jurisdiction: job.jurisdiction, domain, at: now });
    for (const { facts, node, attempt, record } of opened) {
      metrics.jobTransitions.inc({ state: JobState.Dispatched, tenant: job.tenantId });
      metrics.attempts.inc({ outcome: "dispatched", node });
      const token: JobToken = {
        jobId: job.jobId,
        clauseId: job.clauseId,
        clauseVersion: clause.version,
        codeHash: clause.codeHash,
        tenantId: job.tenantId,
        executor: node,
        attempt,
        inputHash: job.inputHash!,
        triggerType: job.triggerType,
        expiresAt,
      };
      ctx.inflight.set(attempt, node);
      const { done } = runAttempt(record, clause, facts, token, now, ctx);
      attempts.add(done);
      void done.finally(() => {
        attempts.delete(done);
        notifyIdle();
      });
    }
  }

  async function deliver(job: JobRecord, clause: ClauseFacts, decision: Extract<Tally, { kind: "agreed" }>, now: bigint, ctx: JobContext): Promise<void> {
    const rows = store.validCacs(job.jobId).filter((r) => r.outputHash === decision.outputHash && r.signer !== undefined);
    const cacs: AgreedCac[] = rows.map((r) => {
      const signer = getAddress(r.signer!);
      const known = ctx.verified.get(signer);
      if (known) return { signer, cac: known.cac, digest: known.digest, signature: known.signature, json: known.json as unknown as Record<string, unknown> };
      const stored = JSON.parse(r.reply!) as { cac: Record<string, unknown>; signature: Hex };
      const parsed = cacFromJson(stored.cac);
      return { signer, cac: parsed.cac, digest: parsed.digest, signature: stored.signature, json: stored.cac };
    });
    cacs.sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
    const first = cacs[0]!.json as { clause_id: string; outputs: { encoded: Hex } };
    const result: AgreedResult = {
      jobId: job.jobId,
      clauseId: job.clauseId,
      clauseRef: first.clause_id,
      tenantId: job.tenantId,
      dao: getAddress(job.dao),
      jurisdiction: bytes3ToJurisdiction(job.jurisdiction),
      inputHash: job.inputHash!,
      outputHash: decision.outputHash,
      output: first.outputs.encoded,
      // A zk clause's inputs stay private: the batch bundle carries their hash (and the CACs their commitment).
      inputBundle: clause.model === ExecutionModel.Zk ? null : job.inputBundle,
      cacs,
      agreedAt: now,
    };
    // The CACs this result carries are recorded durably before it is handed on.
    await store.durable();
    faultPoint("cacs-collected");
    await sink.submit(result);
    store.applyTransition(job.jobId, { type: "agree", outputHash: decision.outputHash }, {
      patch: { outputHash: decision.outputHash },
      audit: { chainTime: now, detail: { output_hash: decision.outputHash, signers: decision.signers, dissent: decision.dissent, k: requiredSigners(policy, clause) } },
    });
    metrics.jobTransitions.inc({ state: JobState.Agreed, tenant: job.tenantId });
    if (ctx.firstDispatchMs !== undefined) metrics.agreementSeconds.observe((Date.now() - ctx.firstDispatchMs) / 1000);
    const log = logger.child({ tenant: job.tenantId, job: job.jobId });
    if (decision.dissent.length > 0) log.warn({ alert: "dissent", dissent: decision.dissent }, "agreed despite dissenting CACs; kept as dispute evidence");
    log.info({ outputHash: decision.outputHash, signers: decision.signers }, "job agreed; result delivered");
  }

  function finish(job: JobRecord, kind: "fail" | "dispute" | "expire", code: string, reason: string, now: bigint, detail: Record<string, unknown> = {}, selection?: Selection): void {
    const event = kind === "fail" ? ({ type: "fail", code, reason } as const) : kind === "dispute" ? ({ type: "dispute", reason } as const) : ({ type: "expire", reason } as const);
    store.applyTransition(job.jobId, event, {
      patch: { outcome: { code, reason }, ...(selection ? { selection: selection.assessments } : {}) },
      audit: { chainTime: now, code, detail: { reason, ...detail } },
    });
    const state = kind === "fail" ? JobState.Failed : kind === "dispute" ? JobState.Disputed : JobState.Expired;
    metrics.jobTransitions.inc({ state, tenant: job.tenantId });
    logger.child({ tenant: job.tenantId, job: job.jobId }).warn({ code, reason, ...(kind === "dispute" ? { alert: "dispute" } : {}) }, `job ${state}`);
  }

  async function drive(jobId: Hex): Promise<void> {
    const ctx = contextOf(jobId);
    while (!shutdown.aborted) {
      const before = store.jobHead(jobId);
      if (!before || isTerminal(before.state)) break;
      const clause = await reader.getClause(before.clauseId);
      const now = await chainTime();
      const facts = await nodeFacts();
      const lists = await allowlists(facts.values());
      if (shutdown.aborted) break;
      // Everything below is synchronous: the job, its CACs and the attempts in flight are one consistent
      // snapshot (a reply recorded during the awaits above is either counted here or still in flight).
      const job = store.getJob(jobId);
      if (!job || isTerminal(job.state)) break;
      if (!clause) {
        finish(job, "fail", new RelayerError("GOV_CLAUSE_UNKNOWN").code, `clause ${job.clauseId} is no longer registered`, now);
        break;
      }
      if (now > job.deadline) {
        finish(job, "expire", new RelayerError("JOB_EXPIRED").code, `deadline ${job.deadline} passed (chain time ${now}) before agreement`, now);
        break;
      }
      // Fault isolation (ADR 0014): when k nodes report the same workload fault, the workload itself failed. The job
      // fails at once — no further node is tried — and the tenant × clause is reported for on-chain suspension.
      const k0 = requiredSigners(policy, clause);
      const agreedFault = [...ctx.faults].find(([, nodes]) => nodes.size >= k0);
      if (agreedFault) {
        const [code, nodes] = agreedFault;
        const reason = `workload fault ${code} reported by ${nodes.size} node(s); not retried until the tenant's governance re-authorises the workload`;
        const fault = { jobId: job.jobId, tenantId: job.tenantId, clauseId: job.clauseId, code };
        // The pending report is written with the failure: a crash before it is sent leaves it for `reportPendingFaults`.
        store.transaction(() => {
          finish(job, "fail", new RelayerError("WORKLOAD_FAULT").code, reason, now, { fault: code, nodes: [...nodes] });
          if (parameters.faults) store.recordFaultReport(fault);
        });
        if (parameters.faults) await sendFaultReport(fault);
        break;
      }
      const valid: CountedCac[] = store.validSigners(jobId).map((c) => ({ signer: getAddress(c.signer), outputHash: c.outputHash }));
      const inflightNodes = new Set(ctx.inflight.values());
      const wallNow = Date.now();
      const waitingNodes = new Set([...ctx.notBefore].filter(([node, t]) => t > wallNow && !ctx.excluded.has(node)).map(([node]) => node));
      const k = requiredSigners(policy, clause);
      // Node admission (ADR 0014): the policy decides per candidate, next to the nodes already on this job.
      const attributes = clauseAttributesOf(policy, clause.clauseId, clause.priority);
      const since = now > policy.windowSeconds ? now - policy.windowSeconds : 0n;
      const partnerNodes = attributes.colocateWith.length > 0 ? ledger.nodesRunning(attributes.colocateWith, job.jurisdiction, since) : undefined;
      const onJob = [...new Set([...inflightNodes, ...valid.map((c) => c.signer)])].flatMap((n) => (facts.get(n) ? [facts.get(n)!] : []));
      const policyJob = policyJobOf(job, clause);
      const admit = (f: NodeFacts, picked: readonly NodeFacts[]) => {
        const verdict = evaluatePolicy({ stage: "admission", policy, job: policyJob, node: f, peers: [...onJob, ...picked], occupancy: ledger.onNode(f.enclaveKey, since), ...(partnerNodes ? { partnerNodes } : {}) });
        return verdict.decision === "allow" ? { ok: true, reasons: [] } : { ok: false, reasons: [`${verdict.decisive!.rule}: ${verdict.decisive!.reason}`] };
      };
      const selection = selectNodes({
        admit,
        maxOpenPerNode: qos.maxOpenPerNode,
        candidates: [...facts].map(([enclaveKey, f]) => ({ enclaveKey, facts: f, tier: endpoints.get(enclaveKey)?.tier ?? "primary" })),
        clause,
        clauseMeasurements: attributes.measurements,
        jurisdiction: job.jurisdiction,
        chainTime: now,
        ...lists,
        loads: store.nodeLoads(),
        exclude: new Set([...ctx.excluded, ...inflightNodes, ...waitingNodes, ...valid.map((c) => c.signer)]),
        count: k,
      });
      const backingOff = selection.assessments.filter((a) => a.eligible && waitingNodes.has(a.enclaveKey)).length;
      const budget = Math.max(0, config.maxAttemptsPerJob - job.attempt);
      const untried = Math.min(budget, selection.eligible.length + backingOff);
      const decision = tally({ cacs: valid, k, inFlight: ctx.inflight.size, untried });

      switch (decision.kind) {
        case "agreed":
          await deliver(job, clause, decision, now, ctx);
          return;
        case "disputed":
          finish(job, "dispute", new RelayerError("DISAGREEMENT").code, decision.reason, now, { groups: decision.groups });
          return;
        case "unreachable": {
          const eligible = eligibleCount(selection);
          const inCountry = (clause.policyFlags & PolicyFlag.InCountry) !== 0;
          if (job.attempt === 0 && eligible < k) {
            const message = quorumImpossibleMessage(eligible, k, job.jurisdiction, inCountry);
            finish(job, "fail", new RelayerError("QUORUM_IMPOSSIBLE").code, message, now, { eligible, k }, selection);
          } else if (budget === 0) {
            finish(job, "fail", new RelayerError("ATTEMPTS_EXHAUSTED").code, `${job.attempt} attempts used (dispatch.maxAttemptsPerJob = ${config.maxAttemptsPerJob}); ${decision.reason}`, now);
          } else {
            finish(job, "fail", new RelayerError("QUORUM_UNREACHABLE").code, decision.reason, now, {}, selection);
          }
          return;
        }
        case "pending": {
          const toSend = selection.selected.slice(0, decision.dispatchMore);
          if (toSend.length > 0) dispatch(job, clause, toSend.map((node) => facts.get(node)!), now, ctx, selection);
          const wakeAt = [...ctx.notBefore.values()].filter((t) => t > wallNow);
          if (ctx.inflight.size === 0 && wakeAt.length === 0) {
            // Nothing in flight and nothing to wait for: re-evaluate (the tally will settle it).
            if (toSend.length === 0) await sleep(10, shutdown).catch(() => undefined);
            continue;
          }
          await new Promise<void>((resolve) => {
            ctx.wake = resolve;
            if (shutdown.aborted) resolve();
            if (ctx.inflight.size === 0) {
              const delay = Math.max(1, Math.min(...wakeAt) - Date.now());
              void sleep(delay, shutdown).then(resolve, resolve);
            }
            // Shutdown wakes every waiting driver through the one dispatcher-wide listener (no listener per wait:
            // they would pile up on the long-lived shutdown signal, one per loop turn of every job).
          });
          ctx.wake = undefined;
          continue;
        }
        default: {
          const never: never = decision;
          throw new TypeError(`unhandled tally ${JSON.stringify(never)}`);
        }
      }
    }
  }

  /** Reports one workload fault; marked reported only once the chain confirmed it, else left pending. */
  async function sendFaultReport(fault: WorkloadFault): Promise<boolean> {
    const log = logger.child({ tenant: fault.tenantId, job: fault.jobId });
    try {
      await parameters.faults!.reportWorkloadFault(fault);
      store.markFaultReported(fault.jobId);
      log.warn({ alert: "workload-fault", fault: fault.code }, "workload fault reported for suspension");
      return true;
    } catch (error) {
      log.error({ alert: "workload-fault", fault: fault.code, err: error }, "workload fault could not be reported on-chain; pending for the next retry");
      return false;
    }
  }

  function startDriver(jobId: Hex): void {
    const log = logger.child({ job: jobId });
    let completed = false;
    const run = drive(jobId)
      .then(() => {
        completed = true;
      })
      .catch((error: unknown) => {
        log.warn({ code: error instanceof NsfError ? error.code : undefined, err: error instanceof NsfError ? undefined : error }, "job driver stopped; it resumes on the next step");
      })
      .finally(() => {
        drivers.delete(jobId);
        driven.delete(jobId);
        const job = store.jobHead(jobId);
        if (!job || isTerminal(job.state)) contexts.delete(jobId);
        // A driver that finished normally frees its slot for the next resolved job at once, rather than at the next
        // step (a poll interval away); one that failed does not, so a failing dependency never makes this spin.
        if (completed) scheduleRefill();
        notifyIdle();
      });
    drivers.set(jobId, run);
  }

  function runningOf(jobId: Hex): RunningJob {
    const q = store.qosOf(jobId);
    return { rank: q?.rank ?? qos.reserved.length, jurisdiction: q?.jurisdiction ?? "0x000000" };
  }

  /**
   * Starts drivers up to the concurrency. Jobs already dispatched (a restart) resume first, in block order; then
   * resolved jobs by QoS (`planAdmissions`): highest class first, reserved slots kept, jurisdictional quotas — a
   * job over its quota waits, and its tenant's audit trace says why (once per waiting spell). Returns how many.
   */
  function fill(states: readonly JobState[]): number {
    let started = 0;
    if (states.includes(JobState.Dispatched)) {
      const capacity = config.concurrency - drivers.size;
      for (const jobId of capacity > 0 ? store.jobIdsInState(JobState.Dispatched, capacity + drivers.size) : []) {
        if (drivers.size >= config.concurrency) break;
        if (drivers.has(jobId)) continue;
        driven.set(jobId, runningOf(jobId));
        startDriver(jobId);
        started++;
      }
    }
    if (!states.includes(JobState.Resolved)) return started;
    const capacity = config.concurrency - drivers.size;
    if (capacity <= 0) return started;
    // Enough of each queue to fill every free slot even when some jobs are held by their jurisdiction's quota.
    const window = Math.max(4 * capacity, 64) + drivers.size;
    const queued = [];
    for (let rank = 0; rank <= qos.reserved.length; rank++) {
      for (const q of store.queuedOfRank(JobState.Resolved, rank, window)) if (!drivers.has(q.jobId)) queued.push({ ...q, rank });
    }
    const plan = planAdmissions({ qos, concurrency: config.concurrency, running: [...driven.values()], queued });
    for (const denial of plan.denied) {
      if (quotaDenied.has(denial.jobId)) continue;
      quotaDenied.add(denial.jobId);
      const q = store.qosOf(denial.jobId);
      if (!q) continue;
      const code = new RelayerError("QOS_QUOTA_DENIED").code;
      store.appendAudit(q.tenantId, { event: "qos.denied", jobId: denial.jobId, code, detail: { reason: denial.reason } });
      metrics.qosDenials.inc({ tenant: q.tenantId });
      logger.child({ tenant: q.tenantId, job: denial.jobId }).info({ code, reason: denial.reason }, "job held by its jurisdiction's quota");
    }
    for (const job of plan.admit) {
      quotaDenied.delete(job.jobId);
      driven.set(job.jobId, { rank: job.rank, jurisdiction: job.jurisdiction });
      startDriver(job.jobId);
      started++;
    }
    return started;
  }

  /** Once per event-loop turn however many drivers finished in it: one query for their successors. */
  function scheduleRefill(): void {
    if (refillScheduled || shutdown.aborted) return;
    refillScheduled = true;
    setImmediate(() => {
      refillScheduled = false;
      if (!shutdown.aborted) fill([JobState.Resolved]);
      notifyIdle();
    });
  }

  return {
    step() {
      if (shutdown.aborted) return 0;
      return fill([JobState.Dispatched, JobState.Resolved]);
    },
    idle() {
      if (drivers.size === 0 && attempts.size === 0 && !refillScheduled) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    running: () => drivers.size,
    recover() {
      const abandoned = store.abandonOpenAttempts();
      if (abandoned.length > 0) logger.warn({ attempts: abandoned.length }, "attempts left open by the previous run abandoned; their jobs are dispatched again");
      return abandoned.length;
    },
    async reportPendingFaults() {
      if (!parameters.faults) return 0;
      let reported = 0;
      for (const fault of store.pendingFaultReports()) if (await sendFaultReport(fault)) reported++;
      return reported;
    },
    async stop() {
      stopController.abort(new RelayerError("NODE_TIMEOUT", "the relayer is stopping"));
      for (const ctx of contexts.values()) ctx.wake?.();
      await Promise.allSettled([...drivers.values(), ...attempts]);
    },
  };
}

function nativeRecover(keccak: Keccak | undefined): RecoverSigner | undefined {
  const native = tryNativeRecoverSigner(keccak);
  if (!native) return undefined;
  return async (digest, signature) => {
    const signer = recoverAddressWith(native, digest, signature);
    if (!signer) throw new RelayerError("CAC_WRONG_SIGNER", "the signature does not recover");
    return signer;
  };
}

function isRetryableCode(code: string): boolean {
  return code === "NSF_NODE_TIMEOUT" || code === "NSF_NODE_UNREACHABLE" || code === "NSF_NODE_REFUSED_RETRYABLE" || code === "NSF_RELAYER_RESTARTED";
}

function safeJson(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  try {
    const text = JSON.stringify(value);
    return text.length > 65_536 ? `${text.slice(0, 65_536)}…` : text;
  } catch {
    return undefined;
  }
}
