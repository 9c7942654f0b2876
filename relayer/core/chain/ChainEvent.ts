import type { Address, Hex } from "viem";

/** A block the watcher has seen, as far as reorg detection and chain time need it. */
export type BlockRef = { number: bigint; hash: Hex; timestamp: bigint };

/** Where a log sits: the reorg logic undoes by block number, the store dedups by (block hash, log index). */
export type LogRef = { blockNumber: bigint; blockHash: Hex; logIndex: number; transactionHash: Hex };

/** The JobRouter events the relayer acts on (IJobRouter.sol), decoded. */
export type JobRouterLog =
  | {
      type: "JobRequested";
      ref: LogRef;
      jobId: Hex;
      clauseId: Hex;
      tenantId: Hex;
      clauseVersion: number;
      triggerType: number;
      inputCommitment: Hex;
      deadline: bigint;
      dao: Address;
      /** bytes3, e.g. 0x4b454e. */
      jurisdiction: Hex;
      triggerNonce: Hex;
    }
  | { type: "SensorTriggerFired"; ref: LogRef; triggerId: bigint; jobId: Hex; feed: Address; roundId: bigint; answer: bigint; updatedAt: bigint }
  | { type: "SimulationResultPosted"; ref: LogRef; triggerId: bigint; jobId: Hex; simulator: Address; resultCommitment: Hex }
  | { type: "JobExpired"; ref: LogRef; jobId: Hex; tenantId: Hex; by: Address };

/**
 * What the watcher hands the pipeline (Ponder's realtime shape). Each event is applied in one store
 * transaction together with the cursor move it implies, so a crash never loses or repeats one.
 *
 * - `block`: a block at least `confirmations` deep, with the JobRouter logs it holds (ascending log index).
 *   Blocks without logs are reported only as range ends (to move the cursor).
 * - `reorg`: blocks above `commonAncestor` left the canonical chain; undo what was derived from them.
 * - `finalize`: blocks at or below `block.number` are deeper than the reorg window; their hashes are dropped.
 */
export type ChainEvent =
  | { type: "block"; block: BlockRef; logs: readonly JobRouterLog[] }
  | { type: "reorg"; commonAncestor: { number: bigint; hash: Hex } | undefined; removedFrom: bigint }
  | { type: "finalize"; block: { number: bigint } };
