import { faultPoint } from "../faults/faultPoint.js";
import {
  BaseError,
  encodeFunctionData,
  keccak256,
  NonceTooLowError,
  TransactionNotFoundError,
  TransactionReceiptNotFoundError,
  type Abi,
  type Address,
  type Hex,
  type LocalAccount,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import type { Common } from "../common/Common.js";
import { anchorHeaderArg } from "../core/batching/batchHeader.js";
import { batchCommitmentOf } from "../core/formats/leaf.js";
import type { BatchStore, OutboxTx, StoredBatch } from "../store/batchStore.js";
import { AggregatorError } from "./AggregatorError.js";
import { rollupAnchorAbi } from "../core/abi/contractAbis.js";
import { artifactAbi, decodeRevert } from "./revertDecoding.js";

export type FeePolicy = {
  /** Never sign a transaction whose maxFeePerGas exceeds this (wei). */
  maxFeePerGasCap: bigint;
  /** Tip for a fresh transaction; default: the node's eth_maxPriorityFeePerGas. */
  priorityFeePerGas?: bigint;
  /** Fee bump of a replacement, in basis points over the stuck transaction (≥ 1000: nodes require +10%). */
  bumpBps?: number;
  /** A sent transaction not mined after this long is replaced with higher fees. */
  stuckAfterMs?: number;
};

export type TxManagerParameters = {
  common: Common;
  store: BatchStore;
  publicClient: PublicClient;
  /** The submitter key: pays gas, authorises nothing (the quorum proof is the authority). One writer per key. */
  account: LocalAccount;
  rollupAnchor: Address;
  /** Blocks on top of (and including) the anchor's block before the batch counts as anchored. */
  confirmations?: number;
  /** How far back anchored batches are re-checked for reorgs (blocks). */
  reorgDepth?: number;
  fees: FeePolicy;
  arweaveTxId?: (batchSeq: bigint) => Hex;
  now?: () => number;
  /** Test hooks that stand in for a crash at a precise point (thrown errors propagate to the caller). */
  faults?: { afterSign?: (tx: { batchSeq: bigint; txHash: Hex }) => void };
};

export type TxManager = {
  /** Signs (persisting the raw transaction first) and broadcasts the anchor of a signed batch. Idempotent by batchSeq. */
  submit(batchSeq: bigint): Promise<void>;
  /** Advances every in-flight anchor: receipts and confirmations, rebroadcast, fee bump, nonce re-sync, reorgs. */
  poll(): Promise<{ anchored: bigint[]; conflicted: bigint[]; reorged: bigint[] }>;
};

const ZERO32 = `0x${"00".repeat(32)}` as Hex;
const ZERO = /^0x0{64}$/;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The anchor transaction manager (ADR 0007): one writer per submitter key, nonces tracked, EIP-1559 fees with
 * bounded fee-bump replacement, idempotent by batch sequence (RollupAnchor refuses a second anchor of a
 * sequence; before sending and after any revert the stored commitment is compared with ours), and safe after a
 * crash between signing and sending (the raw signed transaction is in the outbox before it is broadcast).
 */
export function createTxManager(parameters: TxManagerParameters): TxManager {
  const { store, publicClient, account, rollupAnchor } = parameters;
  const confirmations = BigInt(Math.max(1, parameters.confirmations ?? 1));
  const reorgDepth = BigInt(parameters.reorgDepth ?? 64);
  const bumpBps = BigInt(Math.max(1000, parameters.fees.bumpBps ?? 1250));
  const stuckAfterMs = parameters.fees.stuckAfterMs ?? 30_000;
  const now = parameters.now ?? Date.now;
  const logger = parameters.common.logger.child({ component: "tx-manager", submitter: account.address });
  const abi = [...(artifactAbi("RollupAnchor") ?? rollupAnchorAbi)] as Abi;
  let chainId: number | undefined;
  // One writer per key: every operation runs after the previous one finished.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const ours = (batch: StoredBatch) => batchCommitmentOf(batch.root!, batch.lastSeq!);
  const readCommitment = async (batchSeq: bigint): Promise<Hex> => {
    try {
      return await publicClient.readContract({ address: rollupAnchor, abi: rollupAnchorAbi, functionName: "batchCommitment", args: [batchSeq] });
    } catch (cause) {
      throw new AggregatorError("CHAIN_UNAVAILABLE", `RollupAnchor.batchCommitment(${batchSeq})`, { cause });
    }
  };

  /** Equal commitment: done (whoever sent it). Other content: a conflict. Zero: not anchored. */
  async function anchoredState(batch: StoredBatch): Promise<"ours" | "none"> {
    const stored = await readCommitment(batch.batchSeq);
    if (ZERO.test(stored)) return "none";
    if (same(stored, ours(batch))) return "ours";
    throw new AggregatorError("BATCH_CONFLICT", `batch ${batch.batchSeq}: chain holds ${stored}, ours is ${ours(batch)}`);
  }

  function calldata(batch: StoredBatch): Hex {
    if (!batch.header || !batch.quorum) throw new AggregatorError("NOT_SIGNED", `batch ${batch.batchSeq} has no header or quorum proof`);
    const arweave = parameters.arweaveTxId?.(batch.batchSeq) ?? ZERO32;
    return encodeFunctionData({ abi: rollupAnchorAbi, functionName: "anchor", args: [anchorHeaderArg(batch.header), arweave, batch.quorum] });
  }

  async function fees(floor?: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }): Promise<{ maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }> {
    const block = await publicClient.getBlock({ blockTag: "latest" });
    const baseFee = block.baseFeePerGas ?? 0n;
    let tip = parameters.fees.priorityFeePerGas ?? (await publicClient.estimateMaxPriorityFeePerGas());
    let maxFee = baseFee * 2n + tip;
    if (floor) {
      // A replacement must raise both caps by at least the bump over the transaction it replaces.
      const bump = (x: bigint) => x + (x * bumpBps + 9_999n) / 10_000n;
      tip = tip > bump(floor.maxPriorityFeePerGas) ? tip : bump(floor.maxPriorityFeePerGas);
      maxFee = maxFee > bump(floor.maxFeePerGas) ? maxFee : bump(floor.maxFeePerGas);
    }
    if (maxFee > parameters.fees.maxFeePerGasCap) {
      throw new AggregatorError("FEE_CAP_REACHED", `needs maxFeePerGas ${maxFee}, cap ${parameters.fees.maxFeePerGasCap} (base fee ${baseFee})`);
    }
    if (tip > maxFee) tip = maxFee;
    return { maxFeePerGas: maxFee, maxPriorityFeePerGas: tip };
  }

  /** eth_call the anchor first: a revert is decoded into its custom error before any gas is spent. */
  async function simulate(batch: StoredBatch, data: Hex): Promise<bigint> {
    try {
      return await publicClient.estimateGas({ account: account.address, to: rollupAnchor, data });
    } catch (cause) {
      const revert = decodeRevert(cause) ?? (await decodeByCall(data));
      if (revert?.name === "RollupAnchorBatchAlreadyAnchored") throw new AlreadyAnchored();
      if (revert?.name === "RollupAnchorPreviousBatchMissing") throw new AggregatorError("PREVIOUS_BATCH_MISSING", `batch ${batch.batchSeq}`, { cause, revertName: revert.name });
      if (revert) throw new AggregatorError("ANCHOR_REVERTED", `batch ${batch.batchSeq}: ${revert.name}`, { cause, revertName: revert.name });
      throw new AggregatorError("CHAIN_UNAVAILABLE", `estimateGas for batch ${batch.batchSeq}`, { cause });
    }
  }

  async function decodeByCall(data: Hex): Promise<{ name: string } | undefined> {
    try {
      await publicClient.call({ account: account.address, to: rollupAnchor, data });
      return undefined;
    } catch (error) {
      return decodeRevert(error);
    }
  }

  async function signAndPersist(batch: StoredBatch, nonce: number, feeFloor?: { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }, gasHint?: bigint): Promise<OutboxTx> {
    const data = calldata(batch);
    const gas = gasHint ?? ((await simulate(batch, data)) * 12n) / 10n;
    const fee = await fees(feeFloor);
    chainId ??= await publicClient.getChainId();
    const rawTx = await account.signTransaction({ chainId, type: "eip1559", to: rollupAnchor, data, gas, nonce, ...fee });
    const txHash = keccak256(rawTx);
    // Persist first: after a crash from here on, the restart finds this exact transaction and rebroadcasts it.
    store.insertTx({ batchSeq: batch.batchSeq, submitter: account.address, nonce, rawTx, txHash, ...fee });
    if (batch.state !== "submitted") store.markSubmitted(batch.batchSeq);
    logger.info({ batchSeq: batch.batchSeq.toString(), nonce, txHash, maxFeePerGas: fee.maxFeePerGas.toString(), replacement: Boolean(feeFloor) }, "anchor transaction signed");
    parameters.faults?.afterSign?.({ batchSeq: batch.batchSeq, txHash });
    faultPoint("tx-signed");
    return store.txsOfBatch(batch.batchSeq).find((t) => t.txHash === txHash)!;
  }

  /** Broadcasts a persisted transaction. Returns "nonce-used" when the nonce was consumed by another transaction. */
  async function broadcast(tx: OutboxTx): Promise<"sent" | "nonce-used"> {
    try {
      await publicClient.sendRawTransaction({ serializedTransaction: tx.rawTx });
    } catch (error) {
      const known = error instanceof BaseError && /already known|already imported|known transaction/i.test(error.details ?? error.message);
      if (!known) {
        const nonceLow = error instanceof BaseError && (error.walk((e) => e instanceof NonceTooLowError) || /nonce too low/i.test(error.details ?? error.message));
        if (nonceLow) {
          // Either our own transaction was mined meanwhile (the receipt tells) or another one took the nonce.
          if (await receiptOf(tx.txHash)) return "sent";
          return "nonce-used";
        }
        throw new AggregatorError("BROADCAST_FAILED", `batch ${tx.batchSeq}, nonce ${tx.nonce}, tx ${tx.txHash}`, { cause: error });
      }
    }
    store.markTxSent(tx.txHash);
    faultPoint("tx-sent");
    return "sent";
  }

  async function receiptOf(hash: Hex): Promise<TransactionReceipt | undefined> {
    try {
      return await publicClient.getTransactionReceipt({ hash });
    } catch (error) {
      if (error instanceof TransactionReceiptNotFoundError || (error instanceof BaseError && error.walk((e) => e instanceof TransactionReceiptNotFoundError))) return undefined;
      throw new AggregatorError("CHAIN_UNAVAILABLE", `eth_getTransactionReceipt(${hash})`, { cause: error });
    }
  }

  async function inMempool(hash: Hex): Promise<boolean> {
    try {
      await publicClient.getTransaction({ hash });
      return true;
    } catch (error) {
      if (error instanceof TransactionNotFoundError || (error instanceof BaseError && error.walk((e) => e instanceof TransactionNotFoundError))) return false;
      throw new AggregatorError("CHAIN_UNAVAILABLE", `eth_getTransactionByHash(${hash})`, { cause: error });
    }
  }

  async function freshNonce(): Promise<number> {
    // 'pending' counts our own transactions still in the mempool; with one writer per key that is the next free nonce.
    return publicClient.getTransactionCount({ address: account.address, blockTag: "pending" });
  }

  async function sendNew(batch: StoredBatch): Promise<void> {
    let tx: OutboxTx;
    try {
      tx = await signAndPersist(batch, await freshNonce());
    } catch (error) {
      if (error instanceof AlreadyAnchored) return settleExternally(batch);
      throw error;
    }
    if ((await broadcast(tx)) === "nonce-used") {
      store.setTxState(tx.txHash, "failed");
      await sendNew(store.batch(batch.batchSeq)!);
    }
  }

  /** Anchored by someone (another relayer, or a transaction of ours that reverted as a duplicate). */
  async function settleExternally(batch: StoredBatch): Promise<void> {
    const state = await anchoredState(batch); // throws BATCH_CONFLICT on other content
    if (state === "none") throw new AggregatorError("ANCHOR_REVERTED", `batch ${batch.batchSeq} reported as already anchored but has no commitment`);
    store.markAnchored(batch.batchSeq, {});
    logger.info({ batchSeq: batch.batchSeq.toString() }, "batch already anchored with our content: done");
  }

  async function submit(batchSeq: bigint): Promise<void> {
    const batch = store.batch(batchSeq);
    if (!batch) throw new AggregatorError("NOT_SIGNED", `no batch ${batchSeq}`);
    if (batch.state === "submitted" || batch.state === "anchored") return;
    if (batch.state !== "signed") throw new AggregatorError("NOT_SIGNED", `batch ${batchSeq} is ${batch.state}`);
    // Idempotent by batchSeq: a batch already anchored with our content is a success without a transaction.
    if ((await anchoredState(batch)) === "ours") {
      store.markAnchored(batchSeq, {});
      return;
    }
    await sendNew(batch);
  }

  async function advance(batch: StoredBatch, latest: bigint): Promise<"anchored" | "pending"> {
    const txs = store.txsOfBatch(batch.batchSeq).filter((t) => t.state !== "failed");
    for (const tx of [...txs].reverse()) {
      const receipt = await receiptOf(tx.txHash);
      if (!receipt) continue;
      if (receipt.status === "success") {
        if (latest - receipt.blockNumber + 1n < confirmations) return "pending";
        faultPoint("receipt-seen");
        for (const other of txs) if (other.txHash !== tx.txHash) store.setTxState(other.txHash, "replaced");
        store.setTxState(tx.txHash, "mined");
        store.markAnchored(batch.batchSeq, { txHash: tx.txHash, blockNumber: receipt.blockNumber, blockHash: receipt.blockHash });
        logger.info({ batchSeq: batch.batchSeq.toString(), txHash: tx.txHash, block: receipt.blockNumber.toString() }, "batch anchored");
        return "anchored";
      }
      // Reverted: most likely someone anchored the same batch first (RollupAnchorBatchAlreadyAnchored).
      store.setTxState(tx.txHash, "failed");
      const state = await anchoredState(batch);
      if (state === "ours") {
        store.markAnchored(batch.batchSeq, {});
        return "anchored";
      }
      const revert = await decodeByCall(calldata(batch));
      logger.warn({ batchSeq: batch.batchSeq.toString(), txHash: tx.txHash, revert: revert?.name }, "anchor transaction reverted; resubmitting");
      await sendNew({ ...batch, state: "submitted" });
      return "pending";
    }

    if ((await anchoredState(batch)) === "ours") {
      store.markAnchored(batch.batchSeq, {});
      return "anchored";
    }
    const current = txs[txs.length - 1];
    if (!current) {
      await sendNew(batch);
      return "pending";
    }
    const minedNonce = await publicClient.getTransactionCount({ address: account.address, blockTag: "latest" });
    if (minedNonce > current.nonce) {
      // None of our transactions for this nonce was mined, yet the nonce is used: someone else took it.
      logger.warn({ batchSeq: batch.batchSeq.toString(), nonce: current.nonce }, "nonce used by another transaction: re-syncing and rebuilding");
      for (const tx of txs) store.setTxState(tx.txHash, "failed");
      await sendNew(batch);
      return "pending";
    }
    if (current.state === "signed" || !(await inMempool(current.txHash))) {
      // Signed before a crash, or dropped from the mempool: the persisted bytes go out again (same hash).
      logger.info({ batchSeq: batch.batchSeq.toString(), txHash: current.txHash }, "rebroadcasting persisted anchor transaction");
      if ((await broadcast(current)) === "nonce-used") {
        store.setTxState(current.txHash, "failed");
        await sendNew(batch);
      }
      return "pending";
    }
    if (now() - (current.sentAtMs ?? current.createdAtMs) >= stuckAfterMs) {
      try {
        const replacement = await signAndPersist(batch, current.nonce, current);
        const outcome = await broadcast(replacement);
        if (outcome === "nonce-used") store.setTxState(replacement.txHash, "failed");
      } catch (error) {
        if (error instanceof AggregatorError && error.kind === "FEE_CAP_REACHED") {
          logger.warn({ batchSeq: batch.batchSeq.toString(), details: error.details }, "cannot bump the stuck anchor further: fee cap reached");
        } else if (error instanceof AlreadyAnchored) {
          await settleExternally(batch);
          return "anchored";
        } else throw error;
      }
    }
    return "pending";
  }

  async function checkReorgs(latest: bigint): Promise<bigint[]> {
    const reorged: bigint[] = [];
    for (const batch of store.batchesIn("anchored")) {
      if (batch.anchorBlock === undefined || batch.anchorBlockHash === undefined) continue;
      if (latest - batch.anchorBlock > reorgDepth) continue;
      const block = await publicClient.getBlock({ blockNumber: batch.anchorBlock }).catch(() => undefined);
      if (block && same(block.hash, batch.anchorBlockHash)) continue;
      const receipt = batch.anchorTx ? await receiptOf(batch.anchorTx) : undefined;
      if (receipt?.status === "success") {
        store.markAnchored(batch.batchSeq, { txHash: batch.anchorTx, blockNumber: receipt.blockNumber, blockHash: receipt.blockHash });
        continue;
      }
      const stored = await readCommitment(batch.batchSeq);
      if (same(stored, ours(batch))) continue;
      logger.warn({ batchSeq: batch.batchSeq.toString(), block: batch.anchorBlock.toString() }, "anchor reorged out: resubmitting");
      for (const tx of store.txsOfBatch(batch.batchSeq)) if (tx.state !== "failed") store.setTxState(tx.txHash, "failed");
      store.markReorged(batch.batchSeq);
      reorged.push(batch.batchSeq);
    }
    return reorged;
  }

  return {
    submit: (batchSeq) => serial(() => submit(batchSeq)),
    poll: () =>
      serial(async () => {
        const anchored: bigint[] = [];
        const conflicted: bigint[] = [];
        const latest = await publicClient.getBlockNumber({ cacheTime: 0 });
        for (const batch of store.batchesIn("submitted")) {
          try {
            if ((await advance(batch, latest)) === "anchored") anchored.push(batch.batchSeq);
          } catch (error) {
            if (error instanceof AggregatorError && error.kind === "BATCH_CONFLICT") conflicted.push(batch.batchSeq);
            else throw error;
          }
        }
        const reorged = await checkReorgs(latest);
        return { anchored, conflicted, reorged };
      }),
  };
}

class AlreadyAnchored extends Error {}
