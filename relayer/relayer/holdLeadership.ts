import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { createLeaseStore, leaseMigrations } from "../store/leaseStore.js";
import { openDatabase } from "../store/openDatabase.js";

export type Leadership = {
  readonly holder: string;
  /** Settles if a renewal fails or finds the lease taken: the caller must stop acting at once. */
  readonly lost: Promise<string>;
  /** Stops renewing and releases the lease (clean stop). */
  release(): void;
};

/**
 * Waits until this instance holds the relayer lease in the shared database file, then keeps renewing it every
 * ttl/3 (ADR 0018). A standby polls every ttl/4. Uses its own connection, opened before any other part of the
 * relayer, because constructing the pipeline already writes (it abandons attempts a previous leader left open).
 */
export async function holdLeadership(parameters: { file: string; ttlMs: number; logger: Logger; signal: AbortSignal; now?: () => number }): Promise<Leadership | undefined> {
  const { ttlMs, logger, signal } = parameters;
  const now = parameters.now ?? Date.now;
  const database = openDatabase({ file: parameters.file, migrations: { lease: leaseMigrations } });
  const lease = createLeaseStore(database);
  const holder = randomUUID();
  let announced = false;
  while (!lease.tryHold(holder, ttlMs, now())) {
    if (!announced) {
      logger.info({ holder, leader: lease.holder(now()), ttlMs }, "standby: another relayer instance holds the lease");
      announced = true;
    }
    await new Promise((r) => setTimeout(r, Math.max(50, Math.floor(ttlMs / 4))));
    if (signal.aborted) {
      database.close();
      return undefined;
    }
  }
  logger.info({ holder, ttlMs }, "lease acquired: this relayer instance is the leader");
  let markLost: (reason: string) => void = () => undefined;
  const lost = new Promise<string>((resolve) => (markLost = resolve));
  const timer = setInterval(() => {
    try {
      if (!lease.tryHold(holder, ttlMs, now())) {
        clearInterval(timer);
        markLost(`lease taken by ${lease.holder(now()) ?? "another instance"}`);
      }
    } catch (error) {
      clearInterval(timer);
      markLost(`lease renewal failed: ${(error as Error).message}`);
    }
  }, Math.max(50, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    holder,
    lost,
    release() {
      clearInterval(timer);
      try {
        lease.release(holder);
      } finally {
        database.close();
      }
    },
  };
}
