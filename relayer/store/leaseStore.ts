import type { Database, Migration } from "./openDatabase.js";

export const leaseMigrations: readonly Migration[] = [
  {
    id: "001-lease",
    sql: `CREATE TABLE relayer_lease (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at_ms INTEGER NOT NULL, acquired_at_ms INTEGER NOT NULL)`,
  },
];

/**
 * The relayer's leadership lease (ADR 0018): one row, held by one instance id until it expires. Acquiring and renewing
 * are the same conditional upsert in one IMMEDIATE transaction, so two instances sharing the database file can never
 * both succeed for overlapping terms.
 */
export function createLeaseStore(database: Database, name = "relayer") {
  const { db } = database;
  const read = db.prepare("SELECT holder, expires_at_ms FROM relayer_lease WHERE name = ?");
  const insert = db.prepare("INSERT INTO relayer_lease (name, holder, expires_at_ms, acquired_at_ms) VALUES (?, ?, ?, ?)");
  const take = db.prepare("UPDATE relayer_lease SET holder = ?, expires_at_ms = ?, acquired_at_ms = ? WHERE name = ?");
  const extend = db.prepare("UPDATE relayer_lease SET expires_at_ms = ? WHERE name = ? AND holder = ?");
  const drop = db.prepare("UPDATE relayer_lease SET expires_at_ms = 0 WHERE name = ? AND holder = ?");
  return {
    /** Takes or extends the lease for `holder` until `nowMs + ttlMs`; false while another holder's term runs. */
    tryHold(holder: string, ttlMs: number, nowMs: number): boolean {
      return database.transaction(() => {
        const row = read.get(name) as { holder: string; expires_at_ms: number } | undefined;
        if (!row) {
          insert.run(name, holder, nowMs + ttlMs, nowMs);
          return true;
        }
        if (row.holder === holder) {
          extend.run(nowMs + ttlMs, name, holder);
          return true;
        }
        if (row.expires_at_ms > nowMs) return false;
        take.run(holder, nowMs + ttlMs, nowMs, name);
        return true;
      });
    },
    holder(nowMs: number): string | undefined {
      const row = read.get(name) as { holder: string; expires_at_ms: number } | undefined;
      return row && row.expires_at_ms > nowMs ? row.holder : undefined;
    },
    /** Ends our term at once (a clean stop), so a standby need not wait for the expiry. */
    release(holder: string): void {
      database.transaction(() => drop.run(name, holder));
    },
  };
}
export type LeaseStore = ReturnType<typeof createLeaseStore>;
