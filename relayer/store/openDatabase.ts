import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { NsfError } from "../core/errors/NsfError.js";

/**
 * The relayer's one embedded database (node:sqlite, no native build). Each store module owns its tables
 * and registers its migrations under its own name; `openDatabase` applies the ones not yet applied, in
 * order, each in a transaction. WAL + synchronous=FULL: a state transition that returned is on disk
 * before the side effect that follows it (DESIGN.md §6.8: crash safety).
 */
export type Migration = { id: string; sql: string };

export type Database = {
  db: DatabaseSync;
  /** Runs `fn` in one IMMEDIATE transaction; rolls back on throw. Nested calls join the outer one. */
  transaction<T>(fn: () => T): T;
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
  const transaction = <T>(fn: () => T): T => {
    if (depth > 0) return fn();
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
  return { db, transaction, close: () => db.close() };
}
