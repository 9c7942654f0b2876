import type { Hex } from "viem";
import type { Database, Migration } from "../store/openDatabase.js";

/**
 * The Arweave upload outbox (module "archive" in the shared relayer database, ADR 0012): one row per batch bundle
 * to archive, keyed by (batch sequence, bundle hash) — a batch sequence re-sealed after a conflict archives its new
 * bundle under a new row. Every transition is one transaction, persisted before the side effect it enables.
 *
 * States: `unsigned` (prepared while no fresh gateway anchor was known: the chain anchor carried no locator) →
 * `signed` (the signed Arweave transaction is stored; its id is known) → `posted` (a gateway accepted it) →
 * `confirmed` (mined with the configured confirmations). A dropped or expired transaction goes back to `signed`
 * (re-post) or is re-signed (`reissues` + 1, new id); nothing leaves the table.
 */
export const ARCHIVE_STATES = ["unsigned", "signed", "posted", "confirmed"] as const;
export type ArchiveState = (typeof ARCHIVE_STATES)[number];

export const archiveMigrations: readonly Migration[] = [
  {
    id: "001-arweave-uploads",
    sql: `
      CREATE TABLE arweave_uploads (
        batch_seq INTEGER NOT NULL,
        bundle_hash TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('unsigned','signed','posted','confirmed')),
        anchored_locator TEXT NOT NULL,
        tx_id TEXT,
        tx_json TEXT,
        posts INTEGER NOT NULL DEFAULT 0,
        failures INTEGER NOT NULL DEFAULT 0,
        reissues INTEGER NOT NULL DEFAULT 0,
        next_attempt_at_ms INTEGER NOT NULL,
        last_error TEXT,
        created_at_ms INTEGER NOT NULL,
        posted_at_ms INTEGER,
        confirmed_at_ms INTEGER,
        PRIMARY KEY (batch_seq, bundle_hash)
      );
      CREATE INDEX arweave_uploads_due ON arweave_uploads (state, next_attempt_at_ms);
    `,
  },
];

export type ArchiveUpload = {
  batchSeq: bigint;
  bundleHash: Hex;
  state: ArchiveState;
  /** What the chain anchor carries: the first signed transaction's id as 32 bytes, or zero when prepared unsigned. */
  anchoredLocator: Hex;
  /** The current Arweave transaction id (differs from the anchored locator only after a re-issue). */
  txId?: string;
  /** The signed transaction as arweave-js serialises it (`Transaction.toJSON()`, data included). */
  txJson?: string;
  posts: number;
  failures: number;
  reissues: number;
  nextAttemptAtMs: number;
  lastError?: string;
  createdAtMs: number;
  postedAtMs?: number;
  confirmedAtMs?: number;
};

type Row = Record<string, unknown>;
const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));

function toUpload(r: Row): ArchiveUpload {
  return {
    batchSeq: BigInt(r.batch_seq as number),
    bundleHash: r.bundle_hash as Hex,
    state: r.state as ArchiveState,
    anchoredLocator: r.anchored_locator as Hex,
    txId: opt<string>(r.tx_id),
    txJson: opt<string>(r.tx_json),
    posts: Number(r.posts),
    failures: Number(r.failures),
    reissues: Number(r.reissues),
    nextAttemptAtMs: Number(r.next_attempt_at_ms),
    lastError: opt<string>(r.last_error),
    createdAtMs: Number(r.created_at_ms),
    postedAtMs: opt<number>(r.posted_at_ms),
    confirmedAtMs: opt<number>(r.confirmed_at_ms),
  };
}

export type ArchiveStore = ReturnType<typeof createArchiveStore>;

export function createArchiveStore(parameters: { database: Database; now?: () => number }) {
  const { db, transaction } = parameters.database;
  const now = parameters.now ?? Date.now;
  const q = {
    get: db.prepare("SELECT * FROM arweave_uploads WHERE batch_seq = ? AND bundle_hash = ?"),
    insert: db.prepare(
      "INSERT INTO arweave_uploads (batch_seq, bundle_hash, state, anchored_locator, tx_id, tx_json, next_attempt_at_ms, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (batch_seq, bundle_hash) DO NOTHING",
    ),
    due: db.prepare("SELECT * FROM arweave_uploads WHERE state != 'confirmed' AND next_attempt_at_ms <= ? ORDER BY batch_seq, created_at_ms LIMIT ?"),
    signed: db.prepare("UPDATE arweave_uploads SET state = 'signed', tx_id = ?, tx_json = ?, reissues = reissues + ?, next_attempt_at_ms = ? WHERE batch_seq = ? AND bundle_hash = ?"),
    posted: db.prepare("UPDATE arweave_uploads SET state = 'posted', posts = posts + 1, posted_at_ms = ?, next_attempt_at_ms = ?, last_error = NULL WHERE batch_seq = ? AND bundle_hash = ?"),
    seen: db.prepare("UPDATE arweave_uploads SET state = 'posted', next_attempt_at_ms = ?, last_error = NULL WHERE batch_seq = ? AND bundle_hash = ?"),
    confirmed: db.prepare("UPDATE arweave_uploads SET state = 'confirmed', confirmed_at_ms = ?, last_error = NULL WHERE batch_seq = ? AND bundle_hash = ?"),
    failed: db.prepare("UPDATE arweave_uploads SET failures = failures + 1, last_error = ?, next_attempt_at_ms = ? WHERE batch_seq = ? AND bundle_hash = ?"),
    counts: db.prepare("SELECT state, COUNT(*) AS n FROM arweave_uploads GROUP BY state"),
    failures: db.prepare("SELECT COALESCE(SUM(failures), 0) AS n FROM arweave_uploads"),
    all: db.prepare("SELECT * FROM arweave_uploads ORDER BY batch_seq, created_at_ms"),
  };
  return {
    get(batchSeq: bigint, bundleHash: Hex): ArchiveUpload | undefined {
      const row = q.get.get(batchSeq, bundleHash.toLowerCase()) as Row | undefined;
      return row ? toUpload(row) : undefined;
    },
    /** Idempotent by (batchSeq, bundleHash): an existing row is kept as it is. Returns the stored row. */
    prepare(input: { batchSeq: bigint; bundleHash: Hex; anchoredLocator: Hex; signed?: { txId: string; txJson: string } }): ArchiveUpload {
      return transaction(() => {
        const state: ArchiveState = input.signed ? "signed" : "unsigned";
        q.insert.run(input.batchSeq, input.bundleHash.toLowerCase(), state, input.anchoredLocator, input.signed?.txId ?? null, input.signed?.txJson ?? null, now(), now());
        return toUpload(q.get.get(input.batchSeq, input.bundleHash.toLowerCase()) as Row);
      });
    },
    /** Rows not confirmed whose next attempt is due, oldest batch first. */
    due(limit: number): ArchiveUpload[] {
      return (q.due.all(now(), limit) as Row[]).map(toUpload);
    },
    /** A (re-)signed transaction replaces the stored one; `reissue` counts a new id after the first. */
    markSigned(u: ArchiveUpload, signed: { txId: string; txJson: string }, reissue: boolean): void {
      transaction(() => q.signed.run(signed.txId, signed.txJson, reissue ? 1 : 0, now(), u.batchSeq, u.bundleHash));
    },
    markPosted(u: ArchiveUpload, checkAgainAtMs: number): void {
      transaction(() => q.posted.run(now(), checkAgainAtMs, u.batchSeq, u.bundleHash));
    },
    /** The gateway knows the transaction but it is not confirmed yet (e.g. found after a restart). */
    markPending(u: ArchiveUpload, checkAgainAtMs: number): void {
      transaction(() => q.seen.run(checkAgainAtMs, u.batchSeq, u.bundleHash));
    },
    markConfirmed(u: ArchiveUpload): void {
      transaction(() => q.confirmed.run(now(), u.batchSeq, u.bundleHash));
    },
    markFailed(u: ArchiveUpload, error: string, retryAtMs: number): void {
      transaction(() => q.failed.run(error.slice(0, 500), retryAtMs, u.batchSeq, u.bundleHash));
    },
    counts(): Record<ArchiveState, number> & { failedAttempts: number } {
      const counts = { unsigned: 0, signed: 0, posted: 0, confirmed: 0, failedAttempts: Number((q.failures.get() as Row).n) };
      for (const row of q.counts.all() as Row[]) counts[row.state as ArchiveState] = Number(row.n);
      return counts;
    },
    all(): ArchiveUpload[] {
      return (q.all.all() as Row[]).map(toUpload);
    },
  };
}
