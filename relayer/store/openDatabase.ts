import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { NsfError } from "../core/errors/NsfError.js";

/**
 * The relayer's one embedded database (node:sqlite, no native build). Each store module owns its tables
 * and registers its migrations under its own name; `openDatabase` applies the ones not yet applied, in
 * order, each in a transaction. WAL + synchronous=FULL: a commit that returned is on disk (DESIGN.md §6.8).
 *
 * Two ways to write (docs/adr/0010-relayer-watch-to-agreement.md, addendum "group commit"):
 * - `transaction(fn)`: committed — and durable — when it returns. It also commits any grouped writes before it.
 * - `groupTransaction(fn)`: `fn` is atomic (a savepoint) inside one transaction shared by every grouped write of
 *   this event-loop turn, committed with ONE fsync at the end of the turn. Reads on this connection see the
 *   writes at once; other connections see them after the commit. A grouped write is durable once `durable()`
 *   resolves, so a caller awaits `durable()` before the side effect the write enables (sending a job token,
 *   handing a result on). A crash before that commit loses the grouped writes of that turn together, and no
 *   side effect depending on them has happened: the restart sees a consistent, earlier state.
 */
export type Migration = { id: string; sql: string };

export type Database = {
  db: DatabaseSync;
  /** Runs `fn` in one IMMEDIATE transaction; rolls back on throw; durable on return. Nested calls join the outer one. */
  transaction<T>(fn: () => T): T;
  /** Runs `fn` atomically in this turn's group transaction (see above); rolls back only `fn`'s writes on throw. */
  groupTransaction<T>(fn: () => T): T;
  /** Resolves once every write made so far is committed (on disk); rejects if that commit fails. */
  durable(): Promise<void>;
  /** Commits pending grouped writes, then closes. */
  close(): void;
};

export function openDatabase(parameters: { file: string; migrations: Record<string, readonly Migration[]> }): Database {
  if (parameters.file !== ":memory:") mkdirSync(path.dirname(parameters.file), { recursive: true });
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
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (module, id))");

  let depth = 0;
  /** A group transaction is open (BEGIN done), to be committed at the end of the turn. */
  let groupOpen = false;
  /** A `transaction` nested in a grouped one asked for durability: commit when the outer one returns. */
  let commitWhenDone = false;
  let flushScheduled = false;
  let waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  const settleWaiters = (error?: unknown) => {
    const pending = waiters;
    waiters = [];
    for (const w of pending) {
      if (error === undefined) w.resolve();
      else w.reject(error);
    }
  };

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
      settleWaiters(failure);
      throw failure;
    }
    settleWaiters();
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
      // Join the open group, then commit all of it now: this caller wants durability on return.
      const result = withSavepoint(fn);
      commitGroup();
      return result;
    }
    db.exec("BEGIN IMMEDIATE");
    depth++;
    try {
      const result = fn();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    } finally {
      depth--;
    }
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
          // A failure is reported to every `durable()` waiter; nobody else is there to catch it here.
          if (groupOpen) {
            try {
              commitGroup();
            } catch {
              // settled above
            }
          }
        });
      }
    }
    const result = withSavepoint(fn);
    if (commitWhenDone) {
      commitWhenDone = false;
      commitGroup();
    }
    return result;
  };

  const durable = (): Promise<void> => (groupOpen ? new Promise((resolve, reject) => waiters.push({ resolve, reject })) : Promise.resolve());

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
      db.close();
    },
  };
}
