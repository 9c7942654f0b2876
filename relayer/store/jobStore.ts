import type { Address, Hex } from "viem";
import { auditEntryHashOfJcs, AUDIT_GENESIS, AUDIT_SCHEMA, type AuditEntry, type ChainedAuditEntry } from "../core/audit/auditChain.js";
import type { BlockRef, JobRouterLog } from "../core/chain/ChainEvent.js";
import type { StoredBlock } from "../core/chain/reorg.js";
import { RelayerError } from "../core/errors/RelayerError.js";
import { canonicalJson } from "../core/formats/canonicalJson.js";
import { JobState, onReorg, transition, type JobEvent } from "../core/jobs/jobStateMachine.js";
import type { InputBundle } from "../core/scheduling/inputBundle.js";
import type { NodeLoad } from "../core/scheduling/selectNodes.js";
import type { JobFacts } from "../core/scheduling/types.js";
import type { Keccak } from "../core/batching/hashing.js";
import type { Database, Migration } from "./openDatabase.js";

/**
 * The job store (ADR 0007): watcher cursor and unfinalised block hashes, jobs and their state machine,
 * dispatch attempts, every CAC received (valid or not, with the reason), per-node track records, and the
 * per-tenant hash-chained audit log. Synchronous (node:sqlite); every method that changes state runs in one
 * transaction, on disk when it returns (immediate commits) or once `durable()` resolves (grouped commits), so a
 * transition is on disk before the caller performs the side effect it enables.
 */
export const JOB_STORE_MIGRATIONS: readonly Migration[] = [
  {
    id: "0001-jobs",
    sql: `
      CREATE TABLE watcher_cursor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        block_number INTEGER NOT NULL,
        block_hash TEXT NOT NULL,
        block_time INTEGER NOT NULL
      );
      CREATE TABLE watcher_blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL);
      CREATE TABLE jobs (
        job_id TEXT PRIMARY KEY,
        clause_id TEXT NOT NULL,
        clause_version INTEGER NOT NULL,
        tenant_id TEXT NOT NULL,
        dao TEXT NOT NULL,
        jurisdiction TEXT NOT NULL,
        trigger_type INTEGER NOT NULL,
        input_commitment TEXT NOT NULL,
        deadline INTEGER NOT NULL,
        trigger_nonce TEXT NOT NULL,
        block_number INTEGER NOT NULL,
        block_hash TEXT NOT NULL,
        block_time INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        tx_hash TEXT NOT NULL,
        state TEXT NOT NULL,
        attempt INTEGER NOT NULL DEFAULT 0,
        trigger_data TEXT,
        input_hash TEXT,
        input_bundle TEXT,
        selection TEXT,
        outcome_code TEXT,
        outcome_reason TEXT,
        output_hash TEXT,
        reorged_from TEXT,
        updated_at_ms INTEGER NOT NULL
      );
      CREATE INDEX jobs_state ON jobs (state);
      CREATE INDEX jobs_block ON jobs (block_number);
      CREATE TABLE job_transitions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL,
        from_state TEXT NOT NULL,
        to_state TEXT NOT NULL,
        event TEXT NOT NULL,
        at_ms INTEGER NOT NULL
      );
      CREATE INDEX job_transitions_job ON job_transitions (job_id);
      CREATE TABLE attempts (
        job_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        node TEXT NOT NULL,
        status TEXT NOT NULL,
        dispatched_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        error_code TEXT,
        error_detail TEXT,
        updated_at_ms INTEGER NOT NULL,
        PRIMARY KEY (job_id, attempt)
      );
      CREATE INDEX attempts_status ON attempts (status);
      CREATE TABLE cacs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        node TEXT NOT NULL,
        valid INTEGER NOT NULL,
        code TEXT,
        reason TEXT,
        signer TEXT,
        output_hash TEXT,
        digest TEXT,
        signature TEXT,
        reply TEXT,
        received_at_ms INTEGER NOT NULL
      );
      CREATE INDEX cacs_job ON cacs (job_id);
      CREATE UNIQUE INDEX cacs_valid_signer ON cacs (job_id, signer) WHERE valid = 1;
      CREATE TABLE node_stats (
        node TEXT PRIMARY KEY,
        successes INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        open INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE audit_entries (
        tenant_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        job_id TEXT,
        event TEXT NOT NULL,
        entry TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        entry_hash TEXT NOT NULL,
        PRIMARY KEY (tenant_id, seq)
      );
    `,
  },
  {
    // ADR 0014: the job's ClauseRegistry priority class and its queue rank under the QoS order (NULL until the
    // scheduler classifies it), so queues are read highest class first, block order within a class.
    id: "0002-qos-class",
    sql: `
      ALTER TABLE jobs ADD COLUMN priority INTEGER;
      ALTER TABLE jobs ADD COLUMN qos_rank INTEGER;
      CREATE INDEX jobs_state_rank ON jobs (state, qos_rank, block_number, log_index);
    `,
  },
  {
    // ADR 0014 addendum: a workload fault to report on-chain (JobRouter.reportFailure), written in the same
    // transaction that fails the job, so a crash before the report is sent leaves it pending for the restart.
    id: "0003-fault-reports",
    sql: `
      CREATE TABLE fault_reports (
        job_id TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        clause_id TEXT NOT NULL,
        code TEXT NOT NULL,
        reported_at_ms INTEGER
      );
      CREATE INDEX fault_reports_pending ON fault_reports (reported_at_ms);
    `,
  },
];

/** The data a trigger event adds to its job: the sensor round or the simulation result. */
export type TriggerData =
  | { type: "sensor"; triggerId: bigint; feed: Address; roundId: bigint; answer: bigint; updatedAt: bigint }
  | { type: "simulation"; triggerId: bigint; simulator: Address; resultCommitment: Hex };

export type JobRecord = JobFacts & {
  triggerNonce: Hex;
  block: BlockRef;
  logIndex: number;
  transactionHash: Hex;
  state: JobState;
  attempt: number;
  trigger: TriggerData | undefined;
  inputHash: Hex | undefined;
  inputBundle: InputBundle | undefined;
  selection: unknown;
  outcome: { code: string; reason: string } | undefined;
  outputHash: Hex | undefined;
  reorgedFrom: JobState | undefined;
};

export const AttemptStatus = {
  Open: "open",
  Succeeded: "succeeded",
  Failed: "failed",
  TimedOut: "timed_out",
  /** A reply that came after the attempt timed out: recorded, never counted. */
  Late: "late",
  /** Open when the relayer stopped: its reply can no longer arrive (a restart dispatches anew). */
  Abandoned: "abandoned",
} as const;
export type AttemptStatus = (typeof AttemptStatus)[keyof typeof AttemptStatus];

export type AttemptRecord = {
  jobId: Hex;
  attempt: number;
  node: Address;
  status: AttemptStatus;
  dispatchedAt: bigint;
  expiresAt: bigint;
  errorCode: string | undefined;
};

export type CacRecord = {
  jobId: Hex;
  attempt: number;
  node: Address;
  valid: boolean;
  code: string | undefined;
  reason: string | undefined;
  signer: Address | undefined;
  outputHash: Hex | undefined;
  digest: Hex | undefined;
  signature: Hex | undefined;
  /** The node's reply as received (JSON text), when it was JSON. */
  reply: string | undefined;
};

/** Fields a transition may set on the job together with its new state. */
export type JobPatch = Partial<{
  inputHash: Hex;
  inputBundle: InputBundle;
  selection: unknown;
  outcome: { code: string; reason: string };
  outputHash: Hex;
}>;

export type AuditInput = { event: string; jobId: Hex; chainTime?: bigint; code?: string; detail?: Record<string, unknown> };

export type InsertJobResult = "inserted" | "exists" | "reinstated";

export type JobStore = ReturnType<typeof createJobStore>;

type Row = Record<string, unknown>;

const num = (v: unknown): number => Number(v);
const big = (v: unknown): bigint => BigInt(v as number | string);
const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));

export type JobStoreParameters = {
  database: Database;
  clock?: () => number;
  /**
   * "immediate" (default): every write is committed and durable when the method returns.
   * "grouped": writes join the database's group transaction of the current event-loop turn (one fsync per turn,
   * openDatabase.ts); a caller awaits `durable()` before any side effect a write enables. The dispatcher always
   * does, so it is correct in both modes.
   */
  commit?: "immediate" | "grouped";
  /** keccak-256 for the audit hash chain; pass the WASM one (`loadFastKeccak`) on a busy relayer. Default pure JS. */
  keccak?: Keccak;
};

export function createJobStore(parameters: JobStoreParameters) {
  const { db } = parameters.database;
  const transaction = parameters.commit === "grouped" ? parameters.database.groupTransaction : parameters.database.transaction;
  const now = parameters.clock ?? Date.now;

  const q = {
    cursor: db.prepare("SELECT block_number, block_hash, block_time FROM watcher_cursor WHERE id = 1"),
    setCursor: db.prepare(
      "INSERT INTO watcher_cursor (id, block_number, block_hash, block_time) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash, block_time = excluded.block_time",
    ),
    clearCursor: db.prepare("DELETE FROM watcher_cursor"),
    putBlock: db.prepare("INSERT INTO watcher_blocks (number, hash) VALUES (?, ?) ON CONFLICT (number) DO UPDATE SET hash = excluded.hash"),
    blocksDesc: db.prepare("SELECT number, hash FROM watcher_blocks ORDER BY number DESC"),
    deleteBlocksAbove: db.prepare("DELETE FROM watcher_blocks WHERE number > ?"),
    pruneBlocks: db.prepare("DELETE FROM watcher_blocks WHERE number <= ?"),
    job: db.prepare("SELECT * FROM jobs WHERE job_id = ?"),
    jobsInState: db.prepare("SELECT * FROM jobs WHERE state = ? ORDER BY block_number, log_index LIMIT ?"),
    jobIdsInState: db.prepare("SELECT job_id FROM jobs WHERE state = ? ORDER BY block_number, log_index LIMIT ?"),
    jobsAbove: db.prepare("SELECT * FROM jobs WHERE block_number > ? ORDER BY block_number DESC, log_index DESC"),
    insertJob: db.prepare(
      `INSERT INTO jobs (job_id, clause_id, clause_version, tenant_id, dao, jurisdiction, trigger_type, input_commitment, deadline, trigger_nonce,
        block_number, block_hash, block_time, log_index, tx_hash, state, attempt, updated_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'seen', 0, ?)`,
    ),
    rebaseJob: db.prepare("UPDATE jobs SET block_number = ?, block_hash = ?, block_time = ?, log_index = ?, tx_hash = ? WHERE job_id = ?"),
    setTrigger: db.prepare("UPDATE jobs SET trigger_data = ? WHERE job_id = ?"),
    updateJob: db.prepare(
      `UPDATE jobs SET state = ?, attempt = ?, input_hash = COALESCE(?, input_hash), input_bundle = COALESCE(?, input_bundle), selection = COALESCE(?, selection),
        outcome_code = COALESCE(?, outcome_code), outcome_reason = COALESCE(?, outcome_reason), output_hash = COALESCE(?, output_hash), reorged_from = ?, updated_at_ms = ?
       WHERE job_id = ? AND state = ? AND attempt = ?`,
    ),
    deleteJob: db.prepare("DELETE FROM jobs WHERE job_id = ?"),
    recordTransition: db.prepare("INSERT INTO job_transitions (job_id, from_state, to_state, event, at_ms) VALUES (?, ?, ?, ?, ?)"),
    transitions: db.prepare("SELECT from_state, to_state, event FROM job_transitions WHERE job_id = ? ORDER BY id"),
    insertAttempt: db.prepare("INSERT INTO attempts (job_id, attempt, node, status, dispatched_at, expires_at, updated_at_ms) VALUES (?, ?, ?, 'open', ?, ?, ?)"),
    attempt: db.prepare("SELECT * FROM attempts WHERE job_id = ? AND attempt = ?"),
    attemptsOf: db.prepare("SELECT * FROM attempts WHERE job_id = ? ORDER BY attempt"),
    openAttempts: db.prepare("SELECT * FROM attempts WHERE status = 'open' ORDER BY job_id, attempt"),
    closeAttempt: db.prepare("UPDATE attempts SET status = ?, error_code = ?, error_detail = ?, updated_at_ms = ? WHERE job_id = ? AND attempt = ?"),
    bumpStats: db.prepare(
      `INSERT INTO node_stats (node, successes, failures, open) VALUES (?, ?, ?, ?)
       ON CONFLICT (node) DO UPDATE SET successes = successes + excluded.successes, failures = failures + excluded.failures, open = open + excluded.open`,
    ),
    stats: db.prepare("SELECT node, successes, failures, open FROM node_stats"),
    insertCac: db.prepare(
      "INSERT INTO cacs (job_id, attempt, node, valid, code, reason, signer, output_hash, digest, signature, reply, received_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    cacsOf: db.prepare("SELECT * FROM cacs WHERE job_id = ? ORDER BY id"),
    validCacs: db.prepare("SELECT * FROM cacs WHERE job_id = ? AND valid = 1 ORDER BY id"),
    validSigners: db.prepare("SELECT signer, output_hash FROM cacs WHERE job_id = ? AND valid = 1 ORDER BY id"),
    jobHead: db.prepare("SELECT state, clause_id FROM jobs WHERE job_id = ?"),
    auditHead: db.prepare("SELECT seq, entry_hash FROM audit_entries WHERE tenant_id = ? ORDER BY seq DESC LIMIT 1"),
    insertAudit: db.prepare("INSERT INTO audit_entries (tenant_id, seq, job_id, event, entry, prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?)"),
    auditOf: db.prepare("SELECT entry, prev_hash, entry_hash FROM audit_entries WHERE tenant_id = ? ORDER BY seq"),
    auditHeads: db.prepare(
      "SELECT a.tenant_id, a.seq, a.entry_hash FROM audit_entries a JOIN (SELECT tenant_id, MAX(seq) AS seq FROM audit_entries GROUP BY tenant_id) m ON a.tenant_id = m.tenant_id AND a.seq = m.seq ORDER BY a.tenant_id",
    ),
    countByState: db.prepare("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state"),
    countOpenByClass: db.prepare("SELECT state, priority, COUNT(*) AS n FROM jobs WHERE state IN ('seen', 'resolved', 'dispatched') GROUP BY state, priority"),
    unclassified: db.prepare("SELECT job_id, clause_id FROM jobs WHERE state = ? AND qos_rank IS NULL LIMIT ?"),
    setQosClass: db.prepare("UPDATE jobs SET priority = ?, qos_rank = ? WHERE job_id = ?"),
    jobsByRank: db.prepare("SELECT * FROM jobs WHERE state = ? ORDER BY qos_rank, block_number, log_index LIMIT ?"),
    queuedOfRank: db.prepare("SELECT job_id, jurisdiction FROM jobs WHERE state = ? AND qos_rank = ? ORDER BY block_number, log_index LIMIT ?"),
    qosOf: db.prepare("SELECT priority, qos_rank, jurisdiction, tenant_id FROM jobs WHERE job_id = ?"),
    insertFaultReport: db.prepare("INSERT INTO fault_reports (job_id, tenant_id, clause_id, code) VALUES (?, ?, ?, ?) ON CONFLICT (job_id) DO NOTHING"),
    markFaultReported: db.prepare("UPDATE fault_reports SET reported_at_ms = ? WHERE job_id = ?"),
    pendingFaultReports: db.prepare("SELECT job_id, tenant_id, clause_id, code FROM fault_reports WHERE reported_at_ms IS NULL ORDER BY rowid"),
    placementsSince: db.prepare(
      `SELECT a.node AS node, j.tenant_id AS tenant_id, j.clause_id AS clause_id, j.jurisdiction AS jurisdiction, j.priority AS priority, MAX(a.dispatched_at) AS at
       FROM attempts a JOIN jobs j ON j.job_id = a.job_id WHERE a.dispatched_at >= ? GROUP BY a.node, j.tenant_id, j.clause_id, j.jurisdiction, j.priority`,
    ),
  };

  function toJob(row: Row): JobRecord {
    const record = {
      jobId: row.job_id as Hex,
      clauseId: row.clause_id as Hex,
      clauseVersion: num(row.clause_version),
      tenantId: row.tenant_id as Hex,
      dao: row.dao as Address,
      jurisdiction: row.jurisdiction as Hex,
      triggerType: num(row.trigger_type),
      inputCommitment: row.input_commitment as Hex,
      deadline: big(row.deadline),
      triggerNonce: row.trigger_nonce as Hex,
      block: { number: big(row.block_number), hash: row.block_hash as Hex, timestamp: big(row.block_time) },
      logIndex: num(row.log_index),
      transactionHash: row.tx_hash as Hex,
      state: row.state as JobState,
      attempt: num(row.attempt),
      trigger: undefined as TriggerData | undefined,
      inputHash: opt<Hex>(row.input_hash),
      inputBundle: undefined as InputBundle | undefined,
      selection: undefined as unknown,
      outcome: row.outcome_code ? { code: row.outcome_code as string, reason: (row.outcome_reason as string) ?? "" } : undefined,
      outputHash: opt<Hex>(row.output_hash),
      reorgedFrom: opt<JobState>(row.reorged_from),
    };
    // The JSON columns are parsed on first use: the dispatcher reads a job many times per step and needs the
    // bundle once, the selection record practically never.
    lazyJson(record, "trigger", row.trigger_data as string | null, decodeTrigger);
    lazyJson(record, "inputBundle", row.input_bundle as string | null, (text) => JSON.parse(text) as InputBundle);
    lazyJson(record, "selection", row.selection as string | null, (text) => JSON.parse(text) as unknown);
    return record;
  }

  function toAttempt(row: Row): AttemptRecord {
    return {
      jobId: row.job_id as Hex,
      attempt: num(row.attempt),
      node: row.node as Address,
      status: row.status as AttemptStatus,
      dispatchedAt: big(row.dispatched_at),
      expiresAt: big(row.expires_at),
      errorCode: opt<string>(row.error_code),
    };
  }

  function toCac(row: Row): CacRecord {
    return {
      jobId: row.job_id as Hex,
      attempt: num(row.attempt),
      node: row.node as Address,
      valid: num(row.valid) === 1,
      code: opt<string>(row.code),
      reason: opt<string>(row.reason),
      signer: opt<Address>(row.signer),
      outputHash: opt<Hex>(row.output_hash),
      digest: opt<Hex>(row.digest),
      signature: opt<Hex>(row.signature),
      reply: opt<string>(row.reply),
    };
  }

  function getJob(jobId: Hex): JobRecord | undefined {
    const row = q.job.get(jobId.toLowerCase()) as Row | undefined;
    return row ? toJob(row) : undefined;
  }

  function requireJob(jobId: Hex): JobRecord {
    const job = getJob(jobId);
    if (!job) throw new RelayerError("JOB_UNKNOWN", `job ${jobId}`);
    return job;
  }

  function appendAudit(tenantId: Hex, input: AuditInput): ChainedAuditEntry {
    const tenant = tenantId.toLowerCase() as Hex;
    const head = q.auditHead.get(tenant) as Row | undefined;
    const seq = head ? num(head.seq) + 1 : 1;
    const prevHash = head ? (head.entry_hash as Hex) : AUDIT_GENESIS;
    const entry: AuditEntry = {
      schema: AUDIT_SCHEMA,
      tenant_id: tenant,
      seq,
      event: input.event,
      job_id: input.jobId.toLowerCase() as Hex,
      ...(input.chainTime !== undefined ? { chain_time: input.chainTime.toString() } : {}),
      ...(input.code !== undefined ? { code: input.code } : {}),
      ...(input.detail !== undefined ? { detail: jsonSafe(input.detail) as Record<string, unknown> } : {}),
    };
    const jcs = canonicalJson(entry);
    const entryHash = auditEntryHashOfJcs(prevHash, jcs, parameters.keccak);
    q.insertAudit.run(tenant, seq, entry.job_id, entry.event, jcs, prevHash, entryHash);
    return { entry, prevHash, entryHash };
  }

  /**
   * Applies one state-machine event (pure rule) and persists it with its patch, history row and audit entry.
   * `current` may be the record the previous transition of this job returned in the same synchronous step (so
   * nothing else changed the job since): it saves the read. The UPDATE checks state and attempt either way, so a
   * stale record fails with JOB_INVALID_TRANSITION instead of writing.
   */
  function applyTransition(
    jobId: Hex,
    event: JobEvent,
    options: { patch?: JobPatch; audit?: Omit<AuditInput, "jobId" | "event"> & { event?: string }; current?: JobRecord } = {},
  ): JobRecord {
    return transaction(() => {
      const job = options.current && options.current.jobId === jobId.toLowerCase() ? options.current : requireJob(jobId);
      const next = transition({ state: job.state, attempt: job.attempt }, event);
      const patch = options.patch ?? {};
      const reorgedFrom = event.type === "reorg" ? job.state : event.type === "reinstate" ? null : (job.reorgedFrom ?? null);
      const inputBundleText = patch.inputBundle ? canonicalJson(patch.inputBundle) : null;
      const selectionText = patch.selection !== undefined ? JSON.stringify(jsonSafe(patch.selection)) : null;
      const result = q.updateJob.run(
        next.state,
        next.attempt,
        patch.inputHash ?? null,
        inputBundleText,
        selectionText,
        patch.outcome?.code ?? null,
        patch.outcome?.reason ?? null,
        patch.outputHash ?? null,
        reorgedFrom,
        now(),
        job.jobId,
        job.state,
        job.attempt,
      );
      if (Number(result.changes) !== 1) throw new RelayerError("JOB_INVALID_TRANSITION", `job ${jobId} changed concurrently`);
      // The updated record, as a re-read would return it (the UPDATE above is its only change), without the re-read.
      // Copied as descriptors, so the JSON columns the transition did not touch stay unparsed.
      const updated = Object.defineProperties({}, Object.getOwnPropertyDescriptors(job)) as JobRecord;
      updated.state = next.state;
      updated.attempt = next.attempt;
      updated.inputHash = patch.inputHash ?? job.inputHash;
      if (patch.outcome) updated.outcome = { code: patch.outcome.code, reason: patch.outcome.reason };
      updated.outputHash = patch.outputHash ?? job.outputHash;
      updated.reorgedFrom = reorgedFrom ?? undefined;
      if (inputBundleText !== null) lazyJson(updated, "inputBundle", inputBundleText, (text) => JSON.parse(text) as InputBundle);
      if (selectionText !== null) lazyJson(updated, "selection", selectionText, (text) => JSON.parse(text) as unknown);
      q.recordTransition.run(job.jobId, job.state, next.state, JSON.stringify(jsonSafe(event)), now());
      appendAudit(job.tenantId, {
        event: options.audit?.event ?? `job.${next.state}`,
        jobId: job.jobId,
        ...(options.audit?.chainTime !== undefined ? { chainTime: options.audit.chainTime } : {}),
        ...(options.audit?.code !== undefined ? { code: options.audit.code } : {}),
        detail: { from: job.state, to: next.state, ...(event.type === "dispatch" ? { attempt: event.attempt } : {}), ...(options.audit?.detail ?? {}) },
      });
      return updated;
    });
  }

  function bumpStats(node: Address, delta: { open?: number; successes?: number; failures?: number }): void {
    q.bumpStats.run(node, delta.successes ?? 0, delta.failures ?? 0, delta.open ?? 0);
  }

  return {
    database: parameters.database,
    /** One atomic write of several store calls (grouped or immediate, as the store was created). */
    transaction,
    /** Resolves once every write so far is on disk: await it before a side effect that depends on them. */
    durable: (): Promise<void> => parameters.database.durable(),

    // ── watcher ────────────────────────────────────────────────────────────────────────────────────────────
    getCursor(): BlockRef | undefined {
      const row = q.cursor.get() as Row | undefined;
      return row ? { number: big(row.block_number), hash: row.block_hash as Hex, timestamp: big(row.block_time) } : undefined;
    },
    setCursor(block: BlockRef): void {
      transaction(() => q.setCursor.run(Number(block.number), block.hash, Number(block.timestamp)));
    },
    /** Rolls the cursor back to a common ancestor (or forgets it: the next poll starts at startBlock). */
    resetCursor(block: BlockRef | undefined): void {
      transaction(() => (block ? q.setCursor.run(Number(block.number), block.hash, Number(block.timestamp)) : q.clearCursor.run()));
    },
    putBlock(block: StoredBlock): void {
      transaction(() => q.putBlock.run(Number(block.number), block.hash));
    },
    unfinalisedBlocks(): StoredBlock[] {
      return (q.blocksDesc.all() as Row[]).map((r) => ({ number: big(r.number), hash: r.hash as Hex }));
    },
    deleteBlocksAbove(number: bigint): void {
      transaction(() => q.deleteBlocksAbove.run(Number(number)));
    },
    pruneBlocksAtOrBelow(number: bigint): void {
      transaction(() => q.pruneBlocks.run(Number(number)));
    },

    // ── jobs ───────────────────────────────────────────────────────────────────────────────────────────────
    getJob,
    requireJob,
    /** Just a job's state and clause (a cheap read for loops that only need to know whether to go on). */
    jobHead(jobId: Hex): { state: JobState; clauseId: Hex } | undefined {
      const row = q.jobHead.get(jobId.toLowerCase()) as Row | undefined;
      return row ? { state: row.state as JobState, clauseId: row.clause_id as Hex } : undefined;
    },
    jobsInState(state: JobState, limit = 1000): JobRecord[] {
      return (q.jobsInState.all(state, limit) as Row[]).map(toJob);
    },
    /** Just the ids of `jobsInState`, same order. */
    jobIdsInState(state: JobState, limit = 1000): Hex[] {
      return (q.jobIdsInState.all(state, limit) as Row[]).map((r) => r.job_id as Hex);
    },
    countByState(): Record<string, number> {
      return Object.fromEntries((q.countByState.all() as Row[]).map((r) => [r.state as string, num(r.n)]));
    },
    /**
     * Jobs not yet finished (seen, resolved, dispatched) by ClauseRegistry priority class: the queue depth per class
     * (ADR 0014). `priority` is undefined until the scheduler classifies the job, −1 when its clause is unknown.
     */
    countOpenByClass(): { state: JobState; priority: number | undefined; count: number }[] {
      return (q.countOpenByClass.all() as Row[]).map((r) => ({ state: r.state as JobState, priority: r.priority === null || r.priority === undefined ? undefined : num(r.priority), count: num(r.n) }));
    },
    transitionsOf(jobId: Hex): { from: JobState; to: JobState; event: JobEvent }[] {
      return (q.transitions.all(jobId.toLowerCase()) as Row[]).map((r) => ({ from: r.from_state as JobState, to: r.to_state as JobState, event: JSON.parse(r.event as string) as JobEvent }));
    },

    /**
     * Records a JobRequested log. A job id seen before is a duplicate delivery ("exists") — unless it was
     * reorged out and is now back in the canonical chain, in which case it is reinstated at its new position.
     */
    insertJob(log: Extract<JobRouterLog, { type: "JobRequested" }>, block: BlockRef): InsertJobResult {
      return transaction(() => {
        const id = log.jobId.toLowerCase() as Hex;
        const existing = getJob(id);
        if (existing) {
          if (existing.state !== JobState.Reorged) return "exists";
          q.rebaseJob.run(Number(block.number), block.hash, Number(block.timestamp), log.ref.logIndex, log.ref.transactionHash, id);
          applyTransition(id, { type: "reinstate" }, { audit: { event: "job.reinstated", chainTime: block.timestamp, detail: { block: block.number.toString() } } });
          return "reinstated";
        }
        q.insertJob.run(
          id,
          log.clauseId.toLowerCase(),
          log.clauseVersion,
          log.tenantId.toLowerCase(),
          log.dao,
          log.jurisdiction.toLowerCase(),
          log.triggerType,
          log.inputCommitment.toLowerCase(),
          Number(log.deadline),
          log.triggerNonce.toLowerCase(),
          Number(block.number),
          block.hash,
          Number(block.timestamp),
          log.ref.logIndex,
          log.ref.transactionHash,
          now(),
        );
        appendAudit(log.tenantId, {
          event: "job.seen",
          jobId: id,
          chainTime: block.timestamp,
          detail: { block: block.number.toString(), clause_id: log.clauseId.toLowerCase(), trigger_type: log.triggerType, deadline: log.deadline.toString() },
        });
        return "inserted";
      });
    },

    setTrigger(jobId: Hex, trigger: TriggerData): void {
      transaction(() => q.setTrigger.run(JSON.stringify(jsonSafe(trigger)), jobId.toLowerCase()));
    },

    applyTransition,

    /**
     * Undoes what was derived from blocks above `ancestor` (a reorg): jobs nothing was done for are removed,
     * the others marked `reorged` (onReorg). Returns what happened to each, for logs and metrics.
     */
    undoAbove(ancestor: bigint, chainTime?: bigint): { jobId: Hex; tenantId: Hex; action: "removed" | "marked-reorged" }[] {
      return transaction(() => {
        const undone: { jobId: Hex; tenantId: Hex; action: "removed" | "marked-reorged" }[] = [];
        for (const row of q.jobsAbove.all(Number(ancestor)) as Row[]) {
          const job = toJob(row);
          switch (onReorg(job.state)) {
            case "remove":
              q.deleteJob.run(job.jobId);
              appendAudit(job.tenantId, { event: "job.reorged-out", jobId: job.jobId, ...(chainTime !== undefined ? { chainTime } : {}), detail: { removed: true, block: job.block.number.toString() } });
              undone.push({ jobId: job.jobId, tenantId: job.tenantId, action: "removed" });
              break;
            case "mark-reorged":
              applyTransition(job.jobId, { type: "reorg" }, { audit: { ...(chainTime !== undefined ? { chainTime } : {}), detail: { block: job.block.number.toString() } } });
              undone.push({ jobId: job.jobId, tenantId: job.tenantId, action: "marked-reorged" });
              break;
            case "none":
              break;
          }
        }
        return undone;
      });
    },

    // ── attempts ───────────────────────────────────────────────────────────────────────────────────────────
    /** The dispatch transition and its attempt row, in one transaction, before the token is sent. */
    openAttempt(parameters: { jobId: Hex; attempt: number; node: Address; dispatchedAt: bigint; expiresAt: bigint; selection?: unknown; current?: JobRecord }): JobRecord {
      return transaction(() => {
        const job = applyTransition(parameters.jobId, { type: "dispatch", attempt: parameters.attempt }, {
          ...(parameters.current ? { current: parameters.current } : {}),
          ...(parameters.selection !== undefined ? { patch: { selection: parameters.selection } } : {}),
          audit: { chainTime: parameters.dispatchedAt, detail: { node: parameters.node, expires_at: parameters.expiresAt.toString() } },
        });
        q.insertAttempt.run(job.jobId, parameters.attempt, parameters.node, Number(parameters.dispatchedAt), Number(parameters.expiresAt), now());
        bumpStats(parameters.node, { open: 1 });
        return job;
      });
    },

    /**
     * Closes an attempt. `late` applies only to an attempt already timed out (its failure was counted then);
     * every other outcome applies only to an open attempt. Returns false when the attempt was not in that state.
     */
    closeAttempt(jobId: Hex, attempt: number, status: Exclude<AttemptStatus, "open">, error?: { code: string; detail?: string }): boolean {
      return transaction(() => {
        const row = q.attempt.get(jobId.toLowerCase(), attempt) as Row | undefined;
        if (!row) return false;
        const current = row.status as AttemptStatus;
        const node = row.node as Address;
        if (status === AttemptStatus.Late ? current !== AttemptStatus.TimedOut : current !== AttemptStatus.Open) return false;
        q.closeAttempt.run(status, error?.code ?? null, error?.detail ?? null, now(), jobId.toLowerCase(), attempt);
        if (status === AttemptStatus.Failed || status === AttemptStatus.TimedOut) {
          // Every failed or timed-out dispatch is in the tenant's own audit trace (the retry or fallback follows it).
          const tenant = (q.qosOf.get(jobId.toLowerCase()) as Row | undefined)?.tenant_id as Hex | undefined;
          if (tenant) appendAudit(tenant, { event: `attempt.${status}`, jobId, ...(error?.code ? { code: error.code } : {}), detail: { attempt, node, ...(error?.detail ? { reason: error.detail } : {}) } });
        }
        if (current === AttemptStatus.Open) {
          bumpStats(node, {
            open: -1,
            successes: status === AttemptStatus.Succeeded ? 1 : 0,
            failures: status === AttemptStatus.Failed || status === AttemptStatus.TimedOut ? 1 : 0,
          });
        }
        return true;
      });
    },

    attemptsOf(jobId: Hex): AttemptRecord[] {
      return (q.attemptsOf.all(jobId.toLowerCase()) as Row[]).map(toAttempt);
    },

    /** After a restart: attempts left open by the previous process can no longer be answered. */
    abandonOpenAttempts(): AttemptRecord[] {
      return transaction(() => {
        const open = (q.openAttempts.all() as Row[]).map(toAttempt);
        for (const a of open) {
          q.closeAttempt.run(AttemptStatus.Abandoned, "NSF_RELAYER_RESTARTED", "the relayer stopped before the reply arrived", now(), a.jobId, a.attempt);
          bumpStats(a.node, { open: -1 });
        }
        return open;
      });
    },

    nodeLoads(): Map<Address, NodeLoad> {
      return new Map((q.stats.all() as Row[]).map((r) => [r.node as Address, { successes: num(r.successes), failures: num(r.failures), open: num(r.open) }]));
    },

    // ── CACs ───────────────────────────────────────────────────────────────────────────────────────────────
    /** Every reply is recorded: valid CACs count, invalid ones are kept with their reason (and as evidence). */
    recordCac(record: CacRecord): void {
      transaction(() =>
        q.insertCac.run(
          record.jobId.toLowerCase(),
          record.attempt,
          record.node,
          record.valid ? 1 : 0,
          record.code ?? null,
          record.reason ?? null,
          record.signer ?? null,
          record.outputHash ?? null,
          record.digest ?? null,
          record.signature ?? null,
          record.reply ?? null,
          now(),
        ),
      );
    },
    cacsOf(jobId: Hex): CacRecord[] {
      return (q.cacsOf.all(jobId.toLowerCase()) as Row[]).map(toCac);
    },
    validCacs(jobId: Hex): CacRecord[] {
      return (q.validCacs.all(jobId.toLowerCase()) as Row[]).map(toCac);
    },
    /** Signer and output of each valid CAC of a job, in arrival order: what tallying needs, without the replies. */
    validSigners(jobId: Hex): { signer: Address; outputHash: Hex }[] {
      return (q.validSigners.all(jobId.toLowerCase()) as Row[]).flatMap((r) => (r.signer && r.output_hash ? [{ signer: r.signer as Address, outputHash: r.output_hash as Hex }] : []));
    },

    // ── QoS (ADR 0014) ─────────────────────────────────────────────────────────────────────────────────────
    /** Jobs in `state` whose priority class is not known yet (the scheduler classifies them first). */
    unclassifiedJobs(state: JobState, limit = 10_000): { jobId: Hex; clauseId: Hex }[] {
      return (q.unclassified.all(state, limit) as Row[]).map((r) => ({ jobId: r.job_id as Hex, clauseId: r.clause_id as Hex }));
    },
    /** Records each job's priority class and queue rank, in one transaction. */
    classifyJobs(entries: readonly { jobId: Hex; priority: number; rank: number }[]): void {
      if (entries.length === 0) return;
      transaction(() => {
        for (const e of entries) q.setQosClass.run(e.priority, e.rank, e.jobId.toLowerCase());
      });
    },
    /** Jobs in `state`, highest class first (lowest rank), then block order; unclassified ones first (rank undefined). */
    jobsInStateByRank(state: JobState, limit = 1000): (JobRecord & { qosRank: number | undefined })[] {
      return (q.jobsByRank.all(state, limit) as Row[]).map((r) => ({ ...toJob(r), qosRank: opt<number>(r.qos_rank) }));
    },
    /** The queue of one rank in `state`, block order: ids and jurisdictions only (what admission planning needs). */
    queuedOfRank(state: JobState, rank: number, limit: number): { jobId: Hex; jurisdiction: Hex }[] {
      return (q.queuedOfRank.all(state, rank, limit) as Row[]).map((r) => ({ jobId: r.job_id as Hex, jurisdiction: r.jurisdiction as Hex }));
    },
    qosOf(jobId: Hex): { priority: number | undefined; rank: number | undefined; jurisdiction: Hex; tenantId: Hex } | undefined {
      const row = q.qosOf.get(jobId.toLowerCase()) as Row | undefined;
      if (!row) return undefined;
      return { priority: opt<number>(row.priority), rank: opt<number>(row.qos_rank), jurisdiction: row.jurisdiction as Hex, tenantId: row.tenant_id as Hex };
    },
    // ── Workload-fault reports (ADR 0014) ──────────────────────────────────────────────────────────────────
    /** A fault to report on-chain; call inside the transaction that fails the job. Once per job. */
    recordFaultReport(fault: { jobId: Hex; tenantId: Hex; clauseId: Hex; code: string }): void {
      transaction(() => q.insertFaultReport.run(fault.jobId.toLowerCase(), fault.tenantId.toLowerCase(), fault.clauseId.toLowerCase(), fault.code));
    },
    markFaultReported(jobId: Hex): void {
      transaction(() => q.markFaultReported.run(now(), jobId.toLowerCase()));
    },
    /** Faults recorded but not yet confirmed reported (a crash or a chain error came in between), oldest first. */
    pendingFaultReports(): { jobId: Hex; tenantId: Hex; clauseId: Hex; code: string }[] {
      return (q.pendingFaultReports.all() as Row[]).map((r) => ({ jobId: r.job_id as Hex, tenantId: r.tenant_id as Hex, clauseId: r.clause_id as Hex, code: r.code as string }));
    },
    /** Which tenants' and clauses' work each node was given since `chainTime` (the co-location record after a restart). */
    placementsSince(chainTime: bigint): { node: Address; tenantId: Hex; clauseId: Hex; jurisdiction: Hex; priority: number | undefined; at: bigint }[] {
      return (q.placementsSince.all(Number(chainTime)) as Row[]).map((r) => ({
        node: r.node as Address,
        tenantId: r.tenant_id as Hex,
        clauseId: r.clause_id as Hex,
        jurisdiction: r.jurisdiction as Hex,
        priority: opt<number>(r.priority),
        at: big(r.at),
      }));
    },

    // ── audit ──────────────────────────────────────────────────────────────────────────────────────────────
    appendAudit(tenantId: Hex, input: AuditInput): ChainedAuditEntry {
      return transaction(() => appendAudit(tenantId, input));
    },
    /**
     * Every tenant's current audit head (its last entry's sequence and hash), ascending by tenant id: what the
     * batcher anchors with each batch (bundle `audit_heads`, ADR 0012). Reads grouped writes not yet committed;
     * the batcher seals in a `transaction`, which commits them with the batch.
     */
    auditHeads(): { tenantId: Hex; seq: number; head: Hex }[] {
      return (q.auditHeads.all() as Row[]).map((r) => ({ tenantId: r.tenant_id as Hex, seq: Number(r.seq), head: r.entry_hash as Hex }));
    },
    /** One tenant's audit log, in order: exportable and verifiable with `verifyAuditChain`. */
    auditLog(tenantId: Hex): ChainedAuditEntry[] {
      return (q.auditOf.all(tenantId.toLowerCase()) as Row[]).map((r) => ({ entry: JSON.parse(r.entry as string) as AuditEntry, prevHash: r.prev_hash as Hex, entryHash: r.entry_hash as Hex }));
    },
  };
}

/**
 * Defines `record[key]` as parsed on first read from `text` (undefined when `text` is null), then a plain value on
 * whichever object it was read from (a descriptor copy stays lazy). Assigning to it replaces it, as for any property.
 */
function lazyJson<R extends object, K extends keyof R & string>(record: R, key: K, text: string | null, parse: (text: string) => R[K]): void {
  Object.defineProperty(record, key, {
    enumerable: true,
    configurable: true,
    get(this: R) {
      const value = text === null ? undefined : parse(text);
      Object.defineProperty(this, key, { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
    set(this: R, value: R[K]) {
      Object.defineProperty(this, key, { value, enumerable: true, configurable: true, writable: true });
    },
  });
}

function decodeTrigger(text: string): TriggerData {
  const raw = JSON.parse(text) as Record<string, string>;
  if (raw.type === "sensor") {
    return { type: "sensor", triggerId: BigInt(raw.triggerId!), feed: raw.feed as Address, roundId: BigInt(raw.roundId!), answer: BigInt(raw.answer!), updatedAt: BigInt(raw.updatedAt!) };
  }
  return { type: "simulation", triggerId: BigInt(raw.triggerId!), simulator: raw.simulator as Address, resultCommitment: raw.resultCommitment as Hex };
}

/** bigints as decimal strings, so records and audit entries are plain JSON. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}
