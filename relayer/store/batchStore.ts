import type { Address, Hex } from "viem";
import type { Database, Migration } from "./openDatabase.js";
import { decodeAgreedResult, encodeAgreedResult } from "../core/batching/agreedResultCodec.js";
import type { BatchHeader } from "../core/formats/eip712.js";
import type { QuorumProof } from "../core/quorum/quorumProof.js";
import type { AgreedResult } from "../core/results/AgreedResult.js";

/**
 * The aggregator's tables (module "batches" in the shared relayer database): pending results, batches,
 * co-signatures, the anchor-transaction outbox and each co-signer's record of the job ids it co-signed.
 * Every method is one transaction; callers persist a step before the side effect it enables (ADR 0007).
 *
 * Batch states: open → sealed → signed → submitted → anchored. A reorged anchor goes back to signed;
 * a batch whose sequence another relayer anchored with other content becomes `conflicted` and its results
 * return to pending (they were never anchored).
 */
export const BATCH_STATES = ["open", "sealed", "signed", "submitted", "anchored", "conflicted"] as const;
export type BatchState = (typeof BATCH_STATES)[number];
export const TX_STATES = ["signed", "sent", "mined", "replaced", "failed"] as const;
export type TxState = (typeof TX_STATES)[number];

export const batchMigrations: readonly Migration[] = [
  {
    id: "001-batches",
    sql: `
      CREATE TABLE agg_results (
        receive_order INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL UNIQUE,
        result_json TEXT NOT NULL,
        received_at_ms INTEGER NOT NULL,
        batch_seq INTEGER,
        result_seq INTEGER,
        leaf_hash TEXT
      );
      CREATE INDEX agg_results_pending ON agg_results (batch_seq, receive_order);
      CREATE TABLE agg_batches (
        batch_seq INTEGER PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('open','sealed','signed','submitted','anchored','conflicted')),
        opened_at_ms INTEGER NOT NULL,
        first_seq INTEGER,
        last_seq INTEGER,
        root TEXT,
        bundle_hash TEXT,
        header_json TEXT,
        bundle_json TEXT,
        quorum_json TEXT,
        anchor_tx TEXT,
        anchor_block INTEGER,
        anchor_block_hash TEXT,
        updated_at_ms INTEGER NOT NULL
      );
      CREATE TABLE agg_cosignatures (
        batch_seq INTEGER NOT NULL,
        signer TEXT NOT NULL,
        header_digest TEXT NOT NULL,
        signature TEXT NOT NULL,
        PRIMARY KEY (batch_seq, signer)
      );
      CREATE TABLE agg_tx_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        batch_seq INTEGER NOT NULL,
        submitter TEXT NOT NULL,
        nonce INTEGER NOT NULL,
        raw_tx TEXT NOT NULL,
        tx_hash TEXT NOT NULL UNIQUE,
        max_fee_per_gas TEXT NOT NULL,
        max_priority_fee_per_gas TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('signed','sent','mined','replaced','failed')),
        created_at_ms INTEGER NOT NULL,
        sent_at_ms INTEGER
      );
      CREATE INDEX agg_tx_outbox_batch ON agg_tx_outbox (batch_seq, id);
      CREATE TABLE agg_cosigned_jobs (
        cosigner TEXT NOT NULL,
        job_id TEXT NOT NULL,
        batch_seq INTEGER NOT NULL,
        root TEXT NOT NULL,
        last_seq INTEGER NOT NULL,
        PRIMARY KEY (cosigner, job_id)
      );
    `,
  },
];

export type StoredBatch = {
  batchSeq: bigint;
  state: BatchState;
  openedAtMs: number;
  firstSeq?: bigint;
  lastSeq?: bigint;
  root?: Hex;
  bundleHash?: Hex;
  header?: BatchHeader;
  quorum?: QuorumProof;
  anchorTx?: Hex;
  anchorBlock?: bigint;
  anchorBlockHash?: Hex;
};

export type OutboxTx = {
  id: number;
  batchSeq: bigint;
  submitter: Address;
  nonce: number;
  rawTx: Hex;
  txHash: Hex;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  state: TxState;
  createdAtMs: number;
  sentAtMs?: number;
};

export type SealInput = {
  batchSeq: bigint;
  header: BatchHeader;
  bundleJson: string;
  assignments: readonly { jobId: Hex; resultSeq: bigint; leafHash: Hex }[];
};

/** One co-signer's memory of what it signed (invariant 4); backed by any database the co-signer owns. */
export type CoSignerRecords = {
  get(jobId: Hex): { batchSeq: bigint; root: Hex; lastSeq: bigint } | undefined;
  /** Records (or moves, after the earlier signature became void) every job id of a co-signed batch. */
  record(jobIds: readonly Hex[], batch: { batchSeq: bigint; root: Hex; lastSeq: bigint }): void;
};

export type BatchStatus = { pendingResults: number; batches: Record<BatchState, number>; lastAnchoredBatchSeq?: bigint };

const bigintJson = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? { $bigint: v.toString() } : v));
const parseBigintJson = <T>(text: string): T =>
  JSON.parse(text, (_k, v: unknown) => (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "$bigint" in v ? BigInt((v as { $bigint: string }).$bigint) : v)) as T;

type Row = Record<string, unknown>;
const big = (v: unknown) => (v === null || v === undefined ? undefined : BigInt(v as number | bigint | string));

function toBatch(row: Row): StoredBatch {
  return {
    batchSeq: BigInt(row.batch_seq as number),
    state: row.state as BatchState,
    openedAtMs: Number(row.opened_at_ms),
    firstSeq: big(row.first_seq),
    lastSeq: big(row.last_seq),
    root: (row.root as Hex | null) ?? undefined,
    bundleHash: (row.bundle_hash as Hex | null) ?? undefined,
    header: row.header_json ? parseBigintJson<BatchHeader>(row.header_json as string) : undefined,
    quorum: row.quorum_json ? parseBigintJson<QuorumProof>(row.quorum_json as string) : undefined,
    anchorTx: (row.anchor_tx as Hex | null) ?? undefined,
    anchorBlock: big(row.anchor_block),
    anchorBlockHash: (row.anchor_block_hash as Hex | null) ?? undefined,
  };
}

function toTx(row: Row): OutboxTx {
  return {
    id: Number(row.id),
    batchSeq: BigInt(row.batch_seq as number),
    submitter: row.submitter as Address,
    nonce: Number(row.nonce),
    rawTx: row.raw_tx as Hex,
    txHash: row.tx_hash as Hex,
    maxFeePerGas: BigInt(row.max_fee_per_gas as string),
    maxPriorityFeePerGas: BigInt(row.max_priority_fee_per_gas as string),
    state: row.state as TxState,
    createdAtMs: Number(row.created_at_ms),
    sentAtMs: row.sent_at_ms === null ? undefined : Number(row.sent_at_ms),
  };
}

export type BatchStore = ReturnType<typeof createBatchStore>;

export function createBatchStore(parameters: { database: Database; now?: () => number }) {
  const { db, transaction } = parameters.database;
  const now = parameters.now ?? Date.now;
  const q = {
    insertResult: db.prepare("INSERT INTO agg_results (job_id, result_json, received_at_ms) VALUES (?, ?, ?) ON CONFLICT (job_id) DO NOTHING"),
    pendingCount: db.prepare("SELECT COUNT(*) AS n FROM agg_results WHERE batch_seq IS NULL"),
    pending: db.prepare("SELECT job_id, result_json FROM agg_results WHERE batch_seq IS NULL ORDER BY receive_order LIMIT ?"),
    resultsOfBatch: db.prepare("SELECT job_id, result_json, result_seq, leaf_hash FROM agg_results WHERE batch_seq = ? ORDER BY result_seq"),
    resultByJob: db.prepare("SELECT batch_seq, result_seq FROM agg_results WHERE job_id = ?"),
    assign: db.prepare("UPDATE agg_results SET batch_seq = ?, result_seq = ?, leaf_hash = ? WHERE job_id = ? AND batch_seq IS NULL"),
    release: db.prepare("UPDATE agg_results SET batch_seq = NULL, result_seq = NULL, leaf_hash = NULL WHERE batch_seq = ?"),
    batch: db.prepare("SELECT * FROM agg_batches WHERE batch_seq = ?"),
    bundle: db.prepare("SELECT bundle_json FROM agg_batches WHERE batch_seq = ?"),
    batchesIn: db.prepare("SELECT * FROM agg_batches WHERE state = ? ORDER BY batch_seq"),
    latest: db.prepare("SELECT * FROM agg_batches WHERE state != 'conflicted' ORDER BY batch_seq DESC LIMIT 1"),
    recent: db.prepare("SELECT batch_seq, state, opened_at_ms, first_seq, last_seq, root, bundle_hash, anchor_tx, anchor_block, anchor_block_hash FROM agg_batches ORDER BY batch_seq DESC LIMIT ?"),
    lastAnchored: db.prepare("SELECT MAX(batch_seq) AS s FROM agg_batches WHERE state = 'anchored'"),
    insertBatch: db.prepare("INSERT INTO agg_batches (batch_seq, state, opened_at_ms, updated_at_ms) VALUES (?, 'open', ?, ?)"),
    reopenConflicted: db.prepare("UPDATE agg_batches SET state = 'open', opened_at_ms = ?, first_seq = NULL, last_seq = NULL, root = NULL, bundle_hash = NULL, header_json = NULL, bundle_json = NULL, quorum_json = NULL, anchor_tx = NULL, anchor_block = NULL, anchor_block_hash = NULL, updated_at_ms = ? WHERE batch_seq = ? AND state = 'conflicted'"),
    seal: db.prepare("UPDATE agg_batches SET state = 'sealed', first_seq = ?, last_seq = ?, root = ?, bundle_hash = ?, header_json = ?, bundle_json = ?, updated_at_ms = ? WHERE batch_seq = ? AND state = 'open'"),
    setHeader: db.prepare("UPDATE agg_batches SET header_json = ?, bundle_hash = ?, bundle_json = ?, quorum_json = NULL, state = 'sealed', updated_at_ms = ? WHERE batch_seq = ?"),
    setState: db.prepare("UPDATE agg_batches SET state = ?, updated_at_ms = ? WHERE batch_seq = ?"),
    signed: db.prepare("UPDATE agg_batches SET state = 'signed', quorum_json = ?, updated_at_ms = ? WHERE batch_seq = ?"),
    anchored: db.prepare("UPDATE agg_batches SET state = 'anchored', anchor_tx = ?, anchor_block = ?, anchor_block_hash = ?, updated_at_ms = ? WHERE batch_seq = ?"),
    reorged: db.prepare("UPDATE agg_batches SET state = 'signed', anchor_tx = NULL, anchor_block = NULL, anchor_block_hash = NULL, updated_at_ms = ? WHERE batch_seq = ? AND state = 'anchored'"),
    stateCounts: db.prepare("SELECT state, COUNT(*) AS n FROM agg_batches GROUP BY state"),
    addSig: db.prepare("INSERT INTO agg_cosignatures (batch_seq, signer, header_digest, signature) VALUES (?, ?, ?, ?) ON CONFLICT (batch_seq, signer) DO UPDATE SET header_digest = excluded.header_digest, signature = excluded.signature"),
    sigs: db.prepare("SELECT signer, signature FROM agg_cosignatures WHERE batch_seq = ? AND header_digest = ?"),
    clearSigs: db.prepare("DELETE FROM agg_cosignatures WHERE batch_seq = ?"),
    insertTx: db.prepare("INSERT INTO agg_tx_outbox (batch_seq, submitter, nonce, raw_tx, tx_hash, max_fee_per_gas, max_priority_fee_per_gas, state, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, 'signed', ?)"),
    txState: db.prepare("UPDATE agg_tx_outbox SET state = ? WHERE tx_hash = ?"),
    txSent: db.prepare("UPDATE agg_tx_outbox SET state = 'sent', sent_at_ms = ? WHERE tx_hash = ? AND state = 'signed'"),
    txsOfBatch: db.prepare("SELECT * FROM agg_tx_outbox WHERE batch_seq = ? ORDER BY id"),
    maxNonce: db.prepare("SELECT MAX(nonce) AS n FROM agg_tx_outbox WHERE submitter = ? AND state != 'failed'"),
    cosigned: db.prepare("SELECT batch_seq, root, last_seq FROM agg_cosigned_jobs WHERE cosigner = ? AND job_id = ?"),
    recordCosigned: db.prepare("INSERT INTO agg_cosigned_jobs (cosigner, job_id, batch_seq, root, last_seq) VALUES (?, ?, ?, ?, ?) ON CONFLICT (cosigner, job_id) DO UPDATE SET batch_seq = excluded.batch_seq, root = excluded.root, last_seq = excluded.last_seq"),
  };

  return {
    /** Durable once it returns; false when the job id was already recorded (idempotent by job id). */
    addResult(result: AgreedResult): boolean {
      return transaction(() => Number(q.insertResult.run(result.jobId.toLowerCase(), encodeAgreedResult(result), now()).changes) === 1);
    },
    pendingCount: (): number => Number((q.pendingCount.get() as Row).n),
    pendingResults(limit: number): AgreedResult[] {
      return (q.pending.all(limit) as Row[]).map((r) => decodeAgreedResult(r.result_json as string));
    },
    resultsOfBatch(batchSeq: bigint): { result: AgreedResult; resultSeq: bigint; leafHash: Hex }[] {
      return (q.resultsOfBatch.all(batchSeq) as Row[]).map((r) => ({ result: decodeAgreedResult(r.result_json as string), resultSeq: BigInt(r.result_seq as number), leafHash: r.leaf_hash as Hex }));
    },
    /** Where a job's result is: undefined (never submitted), pending, or in a batch at a sequence. */
    resultLocation(jobId: Hex): { batchSeq?: bigint; resultSeq?: bigint } | undefined {
      const row = q.resultByJob.get(jobId.toLowerCase()) as Row | undefined;
      return row ? { batchSeq: big(row.batch_seq), resultSeq: big(row.result_seq) } : undefined;
    },
    batch(batchSeq: bigint): StoredBatch | undefined {
      const row = q.batch.get(batchSeq) as Row | undefined;
      return row ? toBatch(row) : undefined;
    },
    bundleJson(batchSeq: bigint): string | undefined {
      return ((q.bundle.get(batchSeq) as Row | undefined)?.bundle_json as string | null) ?? undefined;
    },
    batchesIn(state: BatchState): StoredBatch[] {
      return (q.batchesIn.all(state) as Row[]).map(toBatch);
    },
    /** The latest `limit` batches, newest first, without headers, proofs or bundles (status displays). */
    recentBatches(limit: number): StoredBatch[] {
      return (q.recent.all(limit) as Row[]).map(toBatch);
    },
    latestBatch(): StoredBatch | undefined {
      const row = q.latest.get() as Row | undefined;
      return row ? toBatch(row) : undefined;
    },
    openBatch(batchSeq: bigint): void {
      transaction(() => {
        if (Number(q.reopenConflicted.run(now(), now(), batchSeq).changes) === 0) q.insertBatch.run(batchSeq, now(), now());
      });
    },
    /** Assigns the results their sequences and stores tree, header and bundle, in one transaction. */
    sealBatch(input: SealInput): void {
      transaction(() => {
        const h = input.header;
        const changed = q.seal.run(h.firstSeq, h.lastSeq, h.root, h.bundleHash, bigintJson(h), input.bundleJson, now(), input.batchSeq);
        if (Number(changed.changes) !== 1) throw new Error(`batch ${input.batchSeq} is not open`);
        for (const a of input.assignments) {
          if (Number(q.assign.run(input.batchSeq, a.resultSeq, a.leafHash, a.jobId.toLowerCase()).changes) !== 1) throw new Error(`result ${a.jobId} is not pending`);
        }
      });
    },
    /** A new header for the same tree (e.g. the aggregator config changed): earlier co-signatures no longer apply. */
    replaceHeader(batchSeq: bigint, header: BatchHeader, bundleJson: string): void {
      transaction(() => {
        q.setHeader.run(bigintJson(header), header.bundleHash, bundleJson, now(), batchSeq);
        q.clearSigs.run(batchSeq);
      });
    },
    addCoSignature(batchSeq: bigint, signer: Address, headerDigest: Hex, signature: Hex): void {
      transaction(() => q.addSig.run(batchSeq, signer, headerDigest, signature));
    },
    coSignatures(batchSeq: bigint, headerDigest: Hex): Map<Address, Hex> {
      return new Map((q.sigs.all(batchSeq, headerDigest) as Row[]).map((r) => [r.signer as Address, r.signature as Hex]));
    },
    markSigned(batchSeq: bigint, quorum: QuorumProof): void {
      transaction(() => q.signed.run(bigintJson(quorum), now(), batchSeq));
    },
    markSubmitted(batchSeq: bigint): void {
      transaction(() => q.setState.run("submitted", now(), batchSeq));
    },
    markAnchored(batchSeq: bigint, anchor: { txHash?: Hex; blockNumber?: bigint; blockHash?: Hex }): void {
      transaction(() => q.anchored.run(anchor.txHash ?? null, anchor.blockNumber ?? null, anchor.blockHash ?? null, now(), batchSeq));
    },
    /** The anchor's block left the canonical chain: back to signed, to be submitted again. */
    markReorged(batchSeq: bigint): void {
      transaction(() => q.reorged.run(now(), batchSeq));
    },
    /**
     * Another relayer anchored this batch sequence with other content: this batch and every later one of
     * ours (they chain on it) can never be anchored. Their results return to pending, in their order.
     */
    abandonFrom(batchSeq: bigint): bigint[] {
      return transaction(() => {
        const abandoned: bigint[] = [];
        for (let seq = batchSeq; ; seq++) {
          const row = q.batch.get(seq) as Row | undefined;
          if (!row) break;
          if (row.state === "anchored") continue;
          q.setState.run("conflicted", now(), seq);
          q.release.run(seq);
          q.clearSigs.run(seq);
          abandoned.push(seq);
        }
        return abandoned;
      });
    },
    insertTx(tx: Omit<OutboxTx, "id" | "state" | "createdAtMs" | "sentAtMs">): void {
      transaction(() => q.insertTx.run(tx.batchSeq, tx.submitter, tx.nonce, tx.rawTx, tx.txHash, tx.maxFeePerGas.toString(), tx.maxPriorityFeePerGas.toString(), now()));
    },
    markTxSent(txHash: Hex): void {
      transaction(() => q.txSent.run(now(), txHash));
    },
    setTxState(txHash: Hex, state: TxState): void {
      transaction(() => q.txState.run(state, txHash));
    },
    txsOfBatch(batchSeq: bigint): OutboxTx[] {
      return (q.txsOfBatch.all(batchSeq) as Row[]).map(toTx);
    },
    /** The highest nonce this store ever signed for `submitter` (failed rows excluded), or undefined. */
    maxNonce(submitter: Address): number | undefined {
      const n = (q.maxNonce.get(submitter) as Row).n;
      return n === null ? undefined : Number(n);
    },
    coSignerRecords(cosigner: Address): CoSignerRecords {
      return {
        get(jobId) {
          const row = q.cosigned.get(cosigner, jobId.toLowerCase()) as Row | undefined;
          return row ? { batchSeq: BigInt(row.batch_seq as number), root: row.root as Hex, lastSeq: BigInt(row.last_seq as number) } : undefined;
        },
        record(jobIds, batch) {
          transaction(() => {
            for (const jobId of jobIds) q.recordCosigned.run(cosigner, jobId.toLowerCase(), batch.batchSeq, batch.root, batch.lastSeq);
          });
        },
      };
    },
    status(): BatchStatus {
      const batches = Object.fromEntries(BATCH_STATES.map((s) => [s, 0])) as Record<BatchState, number>;
      for (const row of q.stateCounts.all() as Row[]) batches[row.state as BatchState] = Number(row.n);
      const last = (q.lastAnchored.get() as Row).s;
      return { pendingResults: Number((q.pendingCount.get() as Row).n), batches, lastAnchoredBatchSeq: last === null ? undefined : BigInt(last as number) };
    },
  };
}
