import { faultPoint } from "../faults/faultPoint.js";
import type { Address, Hex } from "viem";
import type { Common } from "../common/Common.js";
import { buildBatchBundle, bundleBytes, bundleHashOf, type AuditHead, type BundleEntry } from "../core/batching/batchBundle.js";
import { BatchCheckError } from "../core/batching/BatchCheckError.js";
import { buildBatchHeader } from "../core/batching/batchHeader.js";
import { buildBatchTree } from "../core/batching/batchTree.js";
import { fastLeafHash, leafOfResult } from "../core/batching/executionLeaf.js";
import { nobleKeccak, type Keccak } from "../core/batching/hashing.js";
import { assignResultSeqs, lastSeqOfCommitment } from "../core/batching/resultSequence.js";
import { canonicalJson } from "../core/formats/canonicalJson.js";
import { batchHeaderDigest, type BatchHeader, type Deployment } from "../core/formats/eip712.js";
import { batchCommitmentOf } from "../core/formats/leaf.js";
import { assembleQuorumProof } from "../core/quorum/quorumProof.js";
import type { BatchStore, StoredBatch } from "../store/batchStore.js";
import { AggregatorError } from "./AggregatorError.js";
import type { AnchorReader } from "./anchorReader.js";
import type { CoSignerClient } from "./createCoSigner.js";
import type { TxManager } from "./createTxManager.js";

export type BatcherParameters = {
  common: Common;
  store: BatchStore;
  /** The batcher's own chain reads (batch sequence, previous commitment, aggregator config). */
  reader: AnchorReader;
  anchor: Deployment;
  coSigners: readonly CoSignerClient[];
  txManager: TxManager;
  /** A batch is sealed this long after it opened (its first pending result)… */
  batchWindowMs: number;
  /** …or as soon as this many results are pending. */
  maxBatchSize: number;
  keccak?: Keccak;
  now?: () => number;
  /** Each tenant's audit-log head, anchored with every batch (bundle `audit_heads`, ADR 0012); default none. */
  auditHeads?: () => readonly AuditHead[];
  /**
   * Called for a signed batch before its anchor is submitted (ADR 0012: the Arweave transaction is signed and
   * persisted here so the anchor can carry its id). Must not wait on the network; a throw only logs and the anchor
   * proceeds with whatever locator the transaction manager is given.
   */
  beforeSubmit?: (batchSeq: bigint) => Promise<void>;
};

export type Batcher = {
  /** One pass of the state machine: open → seal → co-sign → submit → poll. Safe to call at any time, after any crash. */
  tick(): Promise<void>;
};

const ZERO = /^0x0{64}$/;

/**
 * Seals batches per window or size, collects the aggregator quorum's co-signatures and hands signed
 * batches to the transaction manager. Every step is persisted before its side effect: the batch number
 * and window start before sealing, the sequences + tree + bundle + header in one transaction before any
 * co-signer sees them, each signature as it arrives, the quorum proof before submission.
 */
export function createBatcher(parameters: BatcherParameters): Batcher {
  const { store, reader, anchor, coSigners, txManager } = parameters;
  const keccak = parameters.keccak ?? nobleKeccak;
  const now = parameters.now ?? Date.now;
  const logger = parameters.common.logger.child({ component: "batcher" });

  async function openIfNeeded(): Promise<StoredBatch | undefined> {
    const open = store.batchesIn("open")[0];
    if (open) return open;
    if (store.pendingCount() === 0) return undefined;
    const latest = store.latestBatch();
    const chainNext = await reader.nextBatchSeq();
    const next = latest && latest.batchSeq + 1n > chainNext ? latest.batchSeq + 1n : chainNext;
    store.openBatch(next);
    logger.info({ batchSeq: next.toString() }, "batch opened");
    return store.batch(next);
  }

  /** The commitment batch `batchSeq` continues from: our own previous batch if we built it, else the chain's. */
  async function previousCommitment(batchSeq: bigint): Promise<Hex | undefined> {
    const prev = store.batch(batchSeq - 1n);
    if (prev && prev.state !== "conflicted" && prev.state !== "open" && prev.root && prev.lastSeq !== undefined) return batchCommitmentOf(prev.root, prev.lastSeq);
    const stored = await reader.batchCommitment(batchSeq - 1n);
    return ZERO.test(stored) ? undefined : stored;
  }

  async function sealIfDue(open: StoredBatch): Promise<void> {
    const pending = store.pendingCount();
    if (pending === 0) return;
    if (pending < parameters.maxBatchSize && now() - open.openedAtMs < parameters.batchWindowMs) return;
    const prevCommitment = await previousCommitment(open.batchSeq);
    if (!prevCommitment) return; // the previous batch is not built or anchored yet
    const config = await reader.aggregatorConfig();
    const results = store.pendingResults(parameters.maxBatchSize);
    const { range, assigned } = assignResultSeqs(lastSeqOfCommitment(prevCommitment), results.map((r) => ({ jobId: r.jobId, result: r })));
    const leaves = assigned.map(({ item, resultSeq }) => leafOfResult(item.result, resultSeq));
    const leafHashes = leaves.map((leaf) => fastLeafHash(leaf, keccak));
    const tree = buildBatchTree(leafHashes, keccak);
    const entries: BundleEntry[] = assigned.map(({ item }, i) => ({ result: item.result, leaf: leaves[i]!, leafHash: leafHashes[i]!, proof: tree.proofs[i]! }));
    // Read with no await before sealBatch: its transaction commits any grouped audit writes these heads include.
    const auditHeads = parameters.auditHeads?.() ?? [];
    const bundle = buildBatchBundle(
      { chainId: BigInt(anchor.chainId), rollupAnchor: anchor.address, batchSeq: open.batchSeq, firstSeq: range.firstSeq, lastSeq: range.lastSeq, prevCommitment, configDigest: config.configDigest, root: tree.root },
      entries,
      auditHeads,
    );
    const bytes = bundleBytes(bundle);
    const header = buildBatchHeader({ batchSeq: open.batchSeq, prevCommitment, count: range.count, root: tree.root, bundleHash: bundleHashOf(bytes, keccak), configDigest: config.configDigest });
    store.sealBatch({
      batchSeq: open.batchSeq,
      header,
      bundleJson: canonicalJson(bundle),
      assignments: assigned.map(({ item, resultSeq }, i) => ({ jobId: item.jobId, resultSeq, leafHash: leafHashes[i]! })),
    });
    logger.info({ batchSeq: open.batchSeq.toString(), firstSeq: range.firstSeq.toString(), lastSeq: range.lastSeq.toString(), root: tree.root }, "batch sealed");
    faultPoint("batch-built");
  }

  async function collectSignatures(batch: StoredBatch): Promise<void> {
    // Co-signers check the previous commitment against the chain, so signing waits for the previous anchor.
    if (ZERO.test(await reader.batchCommitment(batch.batchSeq - 1n))) return;
    const config = await reader.aggregatorConfig();
    let header = batch.header!;
    if (header.configDigest.toLowerCase() !== config.configDigest.toLowerCase()) {
      // The aggregator quorum changed since sealing: same tree and bundle content, header under the new digest.
      const rebuilt = rebuildHeader(batch, config.configDigest);
      header = rebuilt.header;
      store.replaceHeader(batch.batchSeq, header, rebuilt.bundleJson);
      logger.info({ batchSeq: batch.batchSeq.toString(), configDigest: config.configDigest }, "header re-issued under the current aggregator config");
    }
    const digest = batchHeaderDigest(anchor, header);
    const signatures = store.coSignatures(batch.batchSeq, digest);
    const members = new Set(config.signers.map((s) => s.toLowerCase()));
    for (const coSigner of coSigners) {
      if (signatures.size >= config.threshold) break;
      if (!members.has(coSigner.address.toLowerCase()) || signatures.has(coSigner.address)) continue;
      try {
        const bundle = JSON.parse(store.bundleJson(batch.batchSeq)!) as unknown;
        const signature = await coSigner.sign({ header, bundle });
        store.addCoSignature(batch.batchSeq, coSigner.address, digest, signature);
        signatures.set(coSigner.address, signature);
      } catch (error) {
        if (error instanceof BatchCheckError) {
          logger[error.retryable ? "info" : "error"]({ batchSeq: batch.batchSeq.toString(), cosigner: coSigner.address, check: error.check, code: error.code, details: error.details }, "co-signer refused the batch");
          continue;
        }
        logger.error({ batchSeq: batch.batchSeq.toString(), cosigner: coSigner.address, err: error }, "co-signer failed");
      }
    }
    if (signatures.size < config.threshold) return;
    const chosen = new Map<Address, Hex>([...signatures].slice(0, config.threshold));
    const quorum = assembleQuorumProof({ configVersion: config.configVersion, threshold: config.threshold, signers: config.signers, signatures: chosen });
    store.markSigned(batch.batchSeq, quorum);
    logger.info({ batchSeq: batch.batchSeq.toString(), signers: [...chosen.keys()] }, "batch co-signed by the aggregator quorum");
  }

  function rebuildHeader(batch: StoredBatch, configDigest: Hex): { header: BatchHeader; bundleJson: string } {
    const bundle = JSON.parse(store.bundleJson(batch.batchSeq)!) as { batch: { config_digest: string } };
    bundle.batch.config_digest = configDigest.toLowerCase();
    const json = canonicalJson(bundle);
    const old = batch.header!;
    const header = buildBatchHeader({ batchSeq: old.batchSeq, prevCommitment: old.prevCommitment, count: old.count, root: old.root, bundleHash: bundleHashOf(new TextEncoder().encode(json), keccak), configDigest });
    return { header, bundleJson: json };
  }

  async function submitSigned(): Promise<void> {
    for (const batch of store.batchesIn("signed")) {
      if (ZERO.test(await reader.batchCommitment(batch.batchSeq - 1n))) return;
      if (parameters.beforeSubmit) {
        try {
          await parameters.beforeSubmit(batch.batchSeq);
        } catch (error) {
          logger.error({ batchSeq: batch.batchSeq.toString(), err: error }, "before-submit step failed; anchoring anyway");
        }
      }
      try {
        await txManager.submit(batch.batchSeq);
      } catch (error) {
        if (error instanceof AggregatorError && error.kind === "BATCH_CONFLICT") {
          abandon(batch.batchSeq);
          return;
        }
        throw error;
      }
    }
  }

  function abandon(batchSeq: bigint): void {
    const abandoned = store.abandonFrom(batchSeq);
    logger.error({ batches: abandoned.map(String) }, "batch sequence anchored elsewhere with other content: results return to pending");
  }

  return {
    async tick() {
      const open = await openIfNeeded();
      if (open) await sealIfDue(open);
      for (const batch of store.batchesIn("sealed")) {
        await collectSignatures(batch);
        break; // in order: a later batch waits for the one before it
      }
      await submitSigned();
      const { conflicted } = await txManager.poll();
      for (const batchSeq of conflicted) abandon(batchSeq);
    },
  };
}
