import { closeSync, fsync, fsyncSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { NsfError } from "../core/errors/NsfError.js";

/**
 * The relayer's one embedded database (node:sqlite, no native build). Each store module owns its tables
 * and registers its migrations under its own name; `openDatabase` applies the ones not yet applied, in
 * order, each in a transaction.
 *
 * Durability (DESIGN.md §6.8; docs/adr/0010-relayer-watch-to-agreement.md, addendum "group commit"): WAL mode, and
 * a write is on disk before any side effect that depends on it. Two ways to write:
 * - `transaction(fn)`: committed and on disk when it returns (it also commits any grouped writes before it).
 * - `groupTransaction(fn)`: `fn` is atomic (a savepoint) inside one transaction shared by every grouped write of
 *   this event-loop turn, committed at the end of the turn. Reads on this connection see the writes at once; other
 *   connections see them after the commit. A grouped write is on disk once `durable()` resolves, so a caller awaits
 *   `durable()` before the side effect the write enables (sending a job token, handing a result on).
 *
 * How: SQLite runs with synchronous=NORMAL, so a commit appends to the WAL without an fsync, and this module makes
 * the WAL durable itself, with fsync(2) on the `-wal` file — synchronously after a `transaction`, asynchronously (on
 * libuv's thread pool, never blocking the event loop) for `durable()`, one fsync for however many waiters and
 * commits preceded it. WAL frames are appended in commit order and fsync covers all of them, so when it returns every
 * commit made before it started is on disk. Checkpoints and WAL restarts are synced by SQLite itself in this mode.
 * A crash before that loses only writes nobody waited for, and SQLite's WAL recovery keeps commits atomic and in
 * order, so the restart sees a consistent, earlier state in which no side effect ran ahead of its write. A process
 * crash (kill -9) loses nothing committed: it is in the OS page cache.
 */
export type Migration = { id: string; sql: string };

export type Database = {
  db: DatabaseSync;
  /** Runs `fn` in one IMMEDIATE transaction; rolls back on throw; on disk on return. Nested calls join the outer one. */
  transaction<T>(fn: () => T): T;
  /** Runs `fn` atomically in this turn's group transaction (see above); rolls back only `fn`'s writes on throw. */
  groupTransaction<T>(fn: () => T): T;
  /** Resolves once every write made so far is committed and on disk; rejects if that cannot be guaranteed. */
  durable(): Promise<void>;
  /** Commits pending grouped writes, syncs, then closes. */
  close(): void;
};

/** How the WAL file is synced; injectable so tests can hold an fsync back and see who waits for it. */
export type FileSync = { fsync(fd: number, done: (error: NodeJS.ErrnoException | null) => void): void; fsyncSync(fd: number): void };

export function openDatabase(parameters: { file: string; migrations: Record<string, readonly Migration[]>; fileSync?: FileSync }): Database {
  const inMemory = parameters.file === ":memory:";
  if (!inMemory) mkdirSync(path.dirname(parameters.file), { recursive: true });
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(parameters.file);
  } catch (cause) {
    throw new NsfError("NSF_STORE_OPEN_FAILED", {
      shortMessage: `Cannot open the relayer database ${parameters.file}`,
      details: "Check that the directory is writable and that no other relayer instance holds it.",
      cause,
    });
  }
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (module, id))");
  const sync: FileSync = parameters.fileSync ?? { fsync, fsyncSync };

  // ── WAL durability ─────────────────────────────────────────────────────────────────────────────────────────────
  /** Commits so far, and how many of them are known to be on disk. */
  let committed = 0;
  let synced = 0;
  let syncing = false;
  /** Set when an fsync failed: nothing written since can be promised durable (the kernel may have dropped pages). */
  let broken: NsfError | undefined;
  let walFd: number | undefined;
  let waiters: { upTo: number; resolve: () => void; reject: (error: unknown) => void }[] = [];

  const walDescriptor = (): number | undefined => {
    if (walFd === undefined) {
      try {
        walFd = openSync(`${parameters.file}-wal`, "r+");
      } catch {
        return undefined; // no WAL yet: nothing was written, nothing to sync
      }
    }
    return walFd;
  };
  const fail = (cause: unknown): NsfError =>
    (broken ??= new NsfError("NSF_STORE_SYNC_FAILED", {
      shortMessage: "The relayer database could not be synced to disk",
      details: "Writes since the last successful sync may be lost; no side effect waiting for them was performed. Check the disk; restart the relayer.",
      cause,
    }));
  const settle = () => {
    const pending = waiters;
    waiters = [];
    for (const w of pending) {
      if (broken) w.reject(broken);
      else if (w.upTo <= synced) w.resolve();
      else waiters.push(w);
    }
  };
  /** Starts one asynchronous fsync covering every commit so far, unless one is running (then it chains). */
  const requestSync = () => {
    // Only when a waiter's writes are all committed: an fsync now would not cover a still-open group.
    if (syncing || broken || !waiters.some((w) => w.upTo <= committed)) return;
    const target = committed;
    const fd = inMemory ? undefined : walDescriptor();
    if (fd === undefined) {
      synced = target;
      settle();
      return;
    }
    syncing = true;
    sync.fsync(fd, (error) => {
      syncing = false;
      if (error) fail(error);
      else synced = Math.max(synced, target);
      settle();
      requestSync();
    });
  };
  const syncNow = () => {
    if (broken) throw broken;
    const fd = inMemory ? undefined : walDescriptor();
    if (fd !== undefined) {
      try {
        sync.fsyncSync(fd);
      } catch (error) {
        throw fail(error);
      }
    }
    synced = committed;
    settle();
  };

  // ── transactions ───────────────────────────────────────────────────────────────────────────────────────────────
  let depth = 0;
  /** A group transaction is open (BEGIN done), to be committed at the end of the turn. */
  let groupOpen = false;
  /** A `transaction` nested in a grouped one asked for durability: commit and sync when the outer one returns. */
  let commitWhenDone = false;
  let flushScheduled = false;

  /** Commits the open group; on failure rolls it back and fails everyone waiting for it. */
  const commitGroup = () => {
    groupOpen = false;
    try {
      db.exec("COMMIT");
    } catch (error) {
      try {
        db.exec("ROLLBACK");
      } catch {
        // already rolled back by SQLite
      }
      const failure = new NsfError("NSF_STORE_COMMIT_FAILED", {
        shortMessage: "A group commit of the relayer database failed; its writes are lost",
        details: "The side effects waiting for them were not performed. Check the disk; restart the relayer.",
        cause: error,
      });
      // Waiters for earlier, already synced commits are fine; the others waited for what is now lost.
      const pending = waiters;
      waiters = [];
      for (const w of pending) {
        if (w.upTo <= synced) w.resolve();
        else w.reject(failure);
      }
      throw failure;
    }
    committed++;
  };

  const withSavepoint = <T>(fn: () => T): T => {
    db.exec("SAVEPOINT nsf_group");
    depth++;
    try {
      const result = fn();
      db.exec("RELEASE nsf_group");
      return result;
    } catch (error) {
      db.exec("ROLLBACK TO nsf_group");
      db.exec("RELEASE nsf_group");
      throw error;
    } finally {
      depth--;
    }
  };

  const transaction = <T>(fn: () => T): T => {
    if (depth > 0) {
      if (groupOpen) commitWhenDone = true;
      return fn();
    }
    if (groupOpen) {
      // Join the open group, then commit and sync all of it now: this caller wants durability on return.
      const result = withSavepoint(fn);
      commitGroup();
      syncNow();
      return result;
    }
    db.exec("BEGIN IMMEDIATE");
    depth++;
    let result: T;
    try {
      result = fn();
      db.exec("COMMIT");
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    } finally {
      depth--;
    }
    committed++;
    syncNow();
    return result;
  };

  const groupTransaction = <T>(fn: () => T): T => {
    if (depth > 0) return fn();
    if (!groupOpen) {
      db.exec("BEGIN IMMEDIATE");
      groupOpen = true;
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(() => {
          flushScheduled = false;
          if (!groupOpen) return;
          try {
            commitGroup();
          } catch {
            return; // reported to every durable() waiter; nobody else is there to catch it here
          }
          requestSync();
        });
      }
    }
    const result = withSavepoint(fn);
    if (commitWhenDone) {
      commitWhenDone = false;
      commitGroup();
      syncNow();
    }
    return result;
  };

  const durable = (): Promise<void> => {
    if (broken) return Promise.reject(broken);
    // The open group, if any, becomes commit number `committed + 1` at the end of this turn.
    const upTo = groupOpen ? committed + 1 : committed;
    if (upTo <= synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      waiters.push({ upTo, resolve, reject });
      if (!groupOpen) requestSync();
    });
  };

  const applied = db.prepare("SELECT 1 FROM schema_migrations WHERE module = ? AND id = ?");
  const record = db.prepare("INSERT INTO schema_migrations (module, id) VALUES (?, ?)");
  for (const [module, migrations] of Object.entries(parameters.migrations)) {
    for (const migration of migrations) {
      if (applied.get(module, migration.id)) continue;
      transaction(() => {
        db.exec(migration.sql);
        record.run(module, migration.id);
      });
    }
  }
  return {
    db,
    transaction,
    groupTransaction,
    durable,
    close: () => {
      if (groupOpen) commitGroup();
      if (committed > synced && !broken) syncNow();
      if (walFd !== undefined) closeSync(walFd);
      db.close();
    },
  };
}
