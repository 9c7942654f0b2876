import type Arweave from "arweave";
import type { JWKInterface } from "arweave/node/lib/wallet.js";
import { Counter, Gauge } from "prom-client";
import type { Hex } from "viem";
import type { Common } from "../common/Common.js";
import { createPeriodicTask } from "../common/createPeriodicTask.js";
import { BatchBundleSchema } from "../core/batching/batchBundle.js";
import { backoffDelayMs } from "../core/retry/backoff.js";
import type { BatchStore } from "../store/batchStore.js";
import { ARCHIVE_STATES, type ArchiveStore, type ArchiveUpload } from "./archiveStore.js";
import { arweaveIdToLocator, NO_ARWEAVE_LOCATOR } from "./arweaveLocator.js";
import { bundleTags } from "./bundleTags.js";

export type ArchiverParameters = {
  common: Common;
  store: ArchiveStore;
  /** Where the sealed bundles are (the canonical bytes that were hashed into the signed header). */
  batches: BatchStore;
  /** An arweave-js client for the gateway uploads go to. */
  arweave: Arweave;
  /** The Arweave wallet that signs and pays (a dev wallet on arlocal; `archive.walletFile` in the relayer config). */
  wallet: JWKInterface;
  /** How often `start()` runs `tick()`; also the delay before re-checking a posted transaction. Default 1 s. */
  pollMs?: number;
  /** Backoff after a failed gateway request (exponential with jitter, never given up: nothing is dropped). */
  retry?: { baseDelayMs: number; maxDelayMs: number };
  /** Confirmations before an upload counts as archived. Default 1. */
  confirmations?: number;
  /**
   * A gateway anchor (`/tx_anchor`, a recent block) older than this is not used to sign: Arweave accepts block
   * anchors from the last 50 blocks (~100 min); default 30 min leaves room for an outage after signing.
   */
  anchorMaxAgeMs?: number;
  /** Rows handled per tick. Default 16. */
  batchSize?: number;
  now?: () => number;
  random?: () => number;
};

export type Archiver = {
  /**
   * Signs the Arweave transaction of a signed batch's bundle and persists it before the anchor is submitted (the
   * batcher's `beforeSubmit`). Never waits on the network: it signs with the last gateway anchor and price the
   * uploader saw; without a fresh one the row is stored unsigned and the anchor carries no locator (zero).
   * Idempotent by (batchSeq, bundleHash).
   */
  prepare(batchSeq: bigint): Promise<void>;
  /** The 32-byte locator the anchor of `batchSeq` carries (the transaction manager's `arweaveTxId`); zero if none. */
  locatorOf(batchSeq: bigint): Hex;
  /** The upload row of the batch's current bundle (state, current tx id, posts, failures), if prepared. */
  uploadOf(batchSeq: bigint): ArchiveUpload | undefined;
  /** One pass: refresh the gateway anchor and price, sign unsigned rows, reconcile and post due rows. */
  tick(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  status(): ArchiveStatus;
};

export type ArchiveStatus = { unsigned: number; signed: number; posted: number; confirmed: number; failedAttempts: number; gateway: string };

/** Bundles up to this size are posted with their data in one request (arlocal and gateways accept far more). */
const IN_BODY_MAX_BYTES = 10 * 1024 * 1024;
const CHUNK_BYTES = 256 * 1024;

/**
 * The Arweave archive of batch bundles (ADR 0012). Order of operations per batch: the quorum signs the header
 * (which binds `bundleHash`) → `prepare` signs the Arweave transaction over the bundle bytes and persists it (its id,
 * the SHA-256 of the signature, is now fixed) → the anchor is submitted carrying that id → the upload happens
 * here, asynchronously, retried with backoff and reconciled against the gateway until it is confirmed.
 * The chain anchor never waits on Arweave, and a restart resumes from the persisted rows.
 *
 * Reconciliation per due row: ask the gateway for the transaction's status — confirmed: done; pending: check
 * again later; unknown (never arrived, or dropped): post it again (the same signed transaction, so the same
 * id: idempotent). A gateway refusing it as invalid (e.g. its anchor expired during a long outage) gets a
 * freshly signed transaction (new id); the on-chain locator then names the first id, and the bundle is still
 * found by its tags (Bundle-Hash), and bound by the signed bundleHash either way.
 */
export function createArchiver(parameters: ArchiverParameters): Archiver {
  const { store, batches, arweave, wallet } = parameters;
  const pollMs = parameters.pollMs ?? 1_000;
  const retry = { retries: Number.MAX_SAFE_INTEGER, ...(parameters.retry ?? { baseDelayMs: 500, maxDelayMs: 60_000 }) };
  const confirmations = Math.max(1, parameters.confirmations ?? 1);
  const anchorMaxAgeMs = parameters.anchorMaxAgeMs ?? 30 * 60_000;
  const batchSize = parameters.batchSize ?? 16;
  const now = parameters.now ?? Date.now;
  const random = parameters.random ?? Math.random;
  const gateway = `${arweave.api.config.protocol}://${arweave.api.config.host}:${arweave.api.config.port}`;
  const logger = parameters.common.logger.child({ component: "archiver", gateway });
  const metrics = registerArchiveMetrics(parameters.common, () => store.counts());

  let hints: { anchor: string; chunkPrice: bigint; atMs: number } | undefined;

  const bundleOf = (batchSeq: bigint): { bytes: Uint8Array; hash: Hex; bundle: ReturnType<typeof BatchBundleSchema.parse> } | undefined => {
    const batch = batches.batch(batchSeq);
    const json = batches.bundleJson(batchSeq);
    if (!batch?.bundleHash || !json) return undefined;
    return { bytes: new TextEncoder().encode(json), hash: batch.bundleHash.toLowerCase() as Hex, bundle: BatchBundleSchema.parse(JSON.parse(json)) };
  };

  async function sign(batchSeq: bigint, bundleHash: Hex): Promise<{ txId: string; txJson: string } | undefined> {
    if (!hints || now() - hints.atMs > anchorMaxAgeMs) return undefined;
    const found = bundleOf(batchSeq);
    if (!found || found.hash !== bundleHash.toLowerCase()) return undefined;
    // Reward as the gateway prices whole 256 KiB chunks, plus 10 %: enough however the price moves a little.
    const chunks = BigInt(Math.max(1, Math.ceil(found.bytes.length / CHUNK_BYTES)));
    const reward = (hints.chunkPrice * chunks * 11n) / 10n;
    const tx = await arweave.createTransaction({ data: found.bytes, last_tx: hints.anchor, reward: reward.toString() }, wallet);
    for (const tag of bundleTags(found.bundle, found.hash)) tx.addTag(tag.name, tag.value);
    await arweave.transactions.sign(tx, wallet);
    return { txId: tx.id, txJson: JSON.stringify(tx.toJSON()) };
  }

  async function refreshHints(): Promise<void> {
    try {
      const [anchor, price] = await Promise.all([arweave.api.get<string>("tx_anchor", { responseType: "text" }), arweave.api.get<string>(`price/${CHUNK_BYTES}`, { responseType: "text" })]);
      if (anchor.status !== 200 || price.status !== 200) throw new Error(`tx_anchor HTTP ${anchor.status}, price HTTP ${price.status}`);
      const anchorText = String(anchor.data).trim();
      if (!/^[A-Za-z0-9_-]{43,64}$/.test(anchorText)) throw new Error(`unexpected tx_anchor ${anchorText.slice(0, 80)}`);
      hints = { anchor: anchorText, chunkPrice: BigInt(String(price.data).trim()), atMs: now() };
    } catch (error) {
      logger.debug({ err: error }, "gateway anchor and price not refreshed (gateway unreachable?)");
    }
  }

  const backoff = (u: ArchiveUpload) => now() + backoffDelayMs(retry, u.failures, random());

  async function fail(u: ArchiveUpload, what: string, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const retryAt = backoff(u);
    store.markFailed(u, `${what}: ${message}`, retryAt);
    metrics.failures.inc();
    logger.warn({ batchSeq: u.batchSeq.toString(), txId: u.txId, attempt: u.failures + 1, retryInMs: retryAt - now(), error: `${what}: ${message}` }, "Arweave upload attempt failed; will retry");
  }

  async function reconcile(u: ArchiveUpload): Promise<void> {
    if (u.state === "unsigned") {
      const signed = await sign(u.batchSeq, u.bundleHash);
      if (!signed) return; // still no fresh gateway anchor: the row waits, nothing is lost
      store.markSigned(u, signed, false);
      logger.info({ batchSeq: u.batchSeq.toString(), txId: signed.txId }, "Arweave transaction signed after the anchor (the anchor carries no locator)");
      return reconcile(store.get(u.batchSeq, u.bundleHash)!);
    }
    let status: number;
    let confirmed = 0;
    try {
      const response = await arweave.api.get<{ number_of_confirmations?: number } | string>(`tx/${u.txId}/status`);
      status = response.status;
      if (status === 200 && typeof response.data === "object") confirmed = response.data.number_of_confirmations ?? 0;
    } catch (error) {
      return fail(u, "status", error);
    }
    if (status === 200 && confirmed >= confirmations) {
      store.markConfirmed(u);
      metrics.confirmed.inc();
      logger.info({ batchSeq: u.batchSeq.toString(), txId: u.txId, bundleHash: u.bundleHash, posts: u.posts }, "batch bundle archived on Arweave");
      return;
    }
    if (status === 200 || status === 202) {
      store.markPending(u, now() + pollMs);
      return;
    }
    if (status !== 404) return fail(u, "status", new Error(`HTTP ${status}`));
    await post(u);
  }

  async function post(u: ArchiveUpload): Promise<void> {
    let status: number;
    let body: unknown;
    try {
      const json = JSON.parse(u.txJson!) as Record<string, unknown>;
      if (Number(json.data_size) <= IN_BODY_MAX_BYTES) {
        const response = await arweave.api.post("tx", json);
        status = response.status;
        body = response.data;
      } else {
        const response = await arweave.transactions.post(u.txJson!);
        status = response.status;
        body = response.data;
      }
    } catch (error) {
      return fail(u, "post", error);
    }
    if (status === 200 || status === 208) {
      store.markPosted(u, now() + pollMs);
      metrics.posts.inc();
      logger.info({ batchSeq: u.batchSeq.toString(), txId: u.txId, bytes: JSON.parse(u.txJson!).data_size, post: u.posts + 1 }, "batch bundle posted to Arweave");
      return;
    }
    if (status === 400) {
      // The gateway refuses the transaction itself (typically an anchor that expired during an outage): sign anew.
      const signed = await sign(u.batchSeq, u.bundleHash);
      if (signed) {
        store.markSigned(u, signed, true);
        metrics.reissues.inc();
        logger.warn({ batchSeq: u.batchSeq.toString(), oldTxId: u.txId, txId: signed.txId, response: preview(body) }, "gateway refused the signed transaction; re-signed with a fresh anchor (new id; found by its Bundle-Hash tag)");
        return;
      }
    }
    return fail(u, "post", new Error(`HTTP ${status} ${preview(body)}`));
  }

  // Upload passes never overlap; the first runs at start (bundles a previous process left queued).
  const loop = createPeriodicTask({
    run: async () => {
      await refreshHints();
      for (const u of store.due(batchSize)) {
        try {
          await reconcile(u);
        } catch (error) {
          await fail(u, "reconcile", error);
        }
      }
    },
    intervalMs: pollMs,
    shutdown: parameters.common.shutdown,
    onError: (error) => logger.error({ err: error }, "archiver tick failed"),
    runAtStart: true,
  });

  return {
    async prepare(batchSeq) {
      const batch = batches.batch(batchSeq);
      if (!batch?.bundleHash) return;
      if (store.get(batchSeq, batch.bundleHash)) return;
      const signed = await sign(batchSeq, batch.bundleHash);
      const row = store.prepare({ batchSeq, bundleHash: batch.bundleHash, anchoredLocator: signed ? arweaveIdToLocator(signed.txId) : NO_ARWEAVE_LOCATOR, ...(signed ? { signed } : {}) });
      logger.info({ batchSeq: batchSeq.toString(), txId: row.txId, locator: row.anchoredLocator }, signed ? "Arweave transaction signed before the anchor" : "no fresh gateway anchor: bundle queued unsigned, the anchor carries no locator");
      // Upload at once in the background; the anchor does not wait for it.
      if (loop.started) void loop.tick().catch(() => undefined);
    },
    locatorOf(batchSeq) {
      const batch = batches.batch(batchSeq);
      if (!batch?.bundleHash) return NO_ARWEAVE_LOCATOR;
      return store.get(batchSeq, batch.bundleHash)?.anchoredLocator ?? NO_ARWEAVE_LOCATOR;
    },
    uploadOf(batchSeq) {
      const batch = batches.batch(batchSeq);
      return batch?.bundleHash ? store.get(batchSeq, batch.bundleHash) : undefined;
    },
    tick: loop.tick,
    start: loop.start,
    stop: loop.stop,
    status: () => ({ ...store.counts(), gateway }),
  };
}

function preview(body: unknown): string {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return (text ?? "").slice(0, 200);
}

/** Upload-queue metrics: rows by state (read at scrape time) and counters of posts, confirmations, failures, re-issues. */
function registerArchiveMetrics(common: Common, counts: () => Record<(typeof ARCHIVE_STATES)[number], number>) {
  const registry = common.metrics;
  const fresh = (name: string) => {
    if (registry.getSingleMetric(name)) registry.removeSingleMetric(name);
  };
  fresh("nsf_archive_uploads");
  new Gauge({
    name: "nsf_archive_uploads",
    help: "Arweave uploads of batch bundles, by state (unsigned, signed, posted = pending; confirmed = archived)",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const c = counts();
      for (const state of ARCHIVE_STATES) this.set({ state }, c[state]);
    },
  });
  const counter = (name: string, help: string) => {
    fresh(name);
    return new Counter({ name, help, registers: [registry] });
  };
  return {
    posts: counter("nsf_archive_posts_total", "Batch bundles posted to the Arweave gateway (re-posts included)"),
    confirmed: counter("nsf_archive_confirmed_total", "Batch bundles confirmed on Arweave"),
    failures: counter("nsf_archive_upload_failures_total", "Failed Arweave gateway requests (each retried with backoff)"),
    reissues: counter("nsf_archive_reissues_total", "Arweave transactions re-signed after the gateway refused them"),
  };
}
