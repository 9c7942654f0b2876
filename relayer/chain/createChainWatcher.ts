import { BaseError, BlockNotFoundError, decodeEventLog, getAddress, toEventSelector, type Address, type Hex, type Log, type PublicClient } from "viem";
import type { Common } from "../common/Common.js";
import type { BlockRef, ChainEvent, JobRouterLog, LogRef } from "../core/chain/ChainEvent.js";
import { finalizedBelow, findCommonAncestor, nextRange, tipMatches } from "../core/chain/reorg.js";
import { bloomMayContain } from "../core/chain/logsBloom.js";
import { RelayerError } from "../core/errors/RelayerError.js";
import type { JobStore } from "../store/jobStore.js";
import { jobRouterAbi } from "../core/abi/contractAbis.js";
import { rpcCall, type RetryRuntime, type RpcPolicy } from "./rpcCall.js";

export type ChainWatcherConfig = {
  jobRouter: Address;
  /** Act only on logs at least this many blocks below the head. */
  confirmations: number;
  /** Keep block hashes this far below the head to detect reorgs. */
  finalityDepth: number;
  /** First block to read when the store has no cursor. */
  startBlock: bigint;
  /** Blocks per eth_getLogs call. */
  maxBlockRange: number;
  /** Ranges per poll. */
  maxRangesPerPoll: number;
  rpc: RpcPolicy;
};

export type ChainWatcherParameters = {
  common: Common;
  client: Pick<PublicClient, "getBlockNumber" | "getBlock" | "getLogs">;
  store: JobStore;
  config: ChainWatcherConfig;
  /**
   * Applies one event. Called inside the store transaction that also moves the cursor (and the stored block
   * hashes), so the event's effects and the cursor commit together or not at all: nothing is missed or
   * applied twice across a crash. Must be synchronous.
   */
  onEvent: (event: ChainEvent) => void;
  runtime?: RetryRuntime;
};

export type PollResult = { head: bigint; cursor: bigint | undefined; blocks: number; logs: number; reorged: boolean };

export type ChainWatcher = {
  /** One round: detect a reorg and undo it, then read up to `maxRangesPerPoll` confirmed ranges. */
  poll(): Promise<PollResult>;
};

/** Reads of one block whose bloom keeps disagreeing with eth_getLogs before the bloom is taken as a false positive. */
const BLOOM_MISMATCH_LIMIT = 8;

const EVENTS = jobRouterAbi.filter((x) => x.type === "event");

/**
 * Polls the chain (viem PublicClient injected) and turns JobRouter logs into `ChainEvent`s (DESIGN.md §6.8):
 *
 * - only blocks at least `confirmations` deep are read; the cursor (last block read) is persisted with the
 *   effects of every event, so a restart resumes exactly after it, and a long downtime is backfilled in
 *   bounded ranges (`maxBlockRange` blocks per eth_getLogs, `maxRangesPerPoll` per poll);
 * - the hashes of read blocks are kept for `finalityDepth` blocks; each poll first checks that the stored tip is
 *   still canonical, and if not walks back to the common ancestor and emits `reorg` (the handler undoes what
 *   was derived above it) before re-reading from there;
 * - a range is accepted only if the chain did not move under the read (the range end's hash is the same before
 *   and after eth_getLogs, and the cursor block is still canonical after it); otherwise the poll fails with the
 *   retryable `NSF_CHAIN_INCONSISTENT` and the next poll starts over;
 * - RPC errors, timeouts and garbage become typed retryable errors with bounded jittered retries (rpcCall).
 */
export function createChainWatcher(parameters: ChainWatcherParameters): ChainWatcher {
  const { client, store, config, onEvent } = parameters;
  const logger = parameters.common.logger.child({ component: "chain-watcher" });
  const runtime = { ...parameters.runtime, signal: parameters.runtime?.signal ?? parameters.common.shutdown, logger };
  const call = <T>(what: string, fn: () => Promise<T>) => rpcCall(what, fn, config.rpc, runtime);
  const router = getAddress(config.jobRouter);

  // The bloom check (ADR 0018): a block whose logs bloom says it may hold a JobRequested of the router, while
  // eth_getLogs returned none for it, is re-read (an RPC behind a load balancer that lags or drops logs answers []).
  const jobRequestedBloomItems = [router as Hex, toEventSelector(EVENTS.find((e) => e.name === "JobRequested")!)];
  type Header = BlockRef & { parentHash: Hex; mayHoldJobRequested?: boolean };
  /** Consecutive bloom mismatches per block: after BLOOM_MISMATCH_LIMIT the bloom is taken to be a false positive. */
  const bloomMismatches = new Map<bigint, number>();
  /** Blocks per eth_getLogs now: maxBlockRange, halved after a failed range read, doubled back after a good one. */
  let rangeSize = config.maxBlockRange;

  async function header(number: bigint): Promise<Header | undefined> {
    try {
      const block = await call(`eth_getBlockByNumber(${number})`, () => client.getBlock({ blockNumber: number }));
      if (block.hash === null || block.number === null) throw new RelayerError("RPC_INVALID_RESPONSE", `block ${number} came back pending`);
      if (block.number !== number) throw new RelayerError("RPC_INVALID_RESPONSE", `asked for block ${number}, got ${block.number}`);
      const mayHoldJobRequested = typeof block.logsBloom === "string" ? bloomMayContain(block.logsBloom, jobRequestedBloomItems) : undefined;
      return { number: block.number, hash: block.hash.toLowerCase() as Hex, parentHash: block.parentHash.toLowerCase() as Hex, timestamp: block.timestamp, ...(mayHoldJobRequested !== undefined ? { mayHoldJobRequested } : {}) };
    } catch (error) {
      // A height above the head (e.g. after evm_revert) is an answer: the block is not there.
      const cause = error instanceof RelayerError ? error.cause : error;
      if (cause instanceof BaseError && cause.walk((e) => e instanceof BlockNotFoundError)) return undefined;
      throw error;
    }
  }

  async function requireHeader(number: bigint): Promise<Header> {
    const block = await header(number);
    if (!block) throw new RelayerError("CHAIN_INCONSISTENT", `block ${number} disappeared while reading`);
    return block;
  }

  /** Headers of `from..to` ascending, fetched a few at a time. */
  async function headers(from: bigint, to: bigint): Promise<Header[]> {
    const out: Header[] = [];
    for (let n = from; n <= to; n += 8n) {
      const last = n + 7n < to ? n + 7n : to;
      const batch: Promise<Header>[] = [];
      for (let m = n; m <= last; m++) batch.push(requireHeader(m));
      out.push(...(await Promise.all(batch)));
    }
    return out;
  }

  async function detectReorg(head: bigint): Promise<boolean> {
    const stored = store.unfinalisedBlocks();
    const cursor = store.getCursor();
    const tip = stored[0] ?? (cursor ? { number: cursor.number, hash: cursor.hash } : undefined);
    if (!tip) return false;
    const canonical = tip.number > head ? undefined : (await header(tip.number))?.hash;
    if (tipMatches(tip, canonical)) return false;

    const ancestor = await findCommonAncestor(stored, async (n) => (n > head ? undefined : (await header(n))?.hash));
    if (!ancestor) {
      throw new RelayerError(
        "CHAIN_INCONSISTENT",
        `reorg deeper than the ${config.finalityDepth}-block window kept (no stored block is canonical any more); raise chain.finalityDepth and re-sync from chain.startBlock`,
        { retryable: false },
      );
    }
    const ancestorRef = await requireHeader(ancestor.number);
    store.transaction(() => {
      onEvent({ type: "reorg", commonAncestor: { number: ancestor.number, hash: ancestor.hash }, removedFrom: ancestor.number + 1n });
      store.deleteBlocksAbove(ancestor.number);
      store.resetCursor(toRef(ancestorRef));
    });
    logger.warn({ commonAncestor: ancestor.number.toString(), previousTip: tip.number.toString(), head: head.toString() }, "reorg detected; derived state above the common ancestor undone");
    return true;
  }

  function decode(raw: Log): JobRouterLog {
    if (raw.blockNumber === null || raw.blockHash === null || raw.logIndex === null || raw.transactionHash === null) {
      throw new RelayerError("RPC_INVALID_RESPONSE", "eth_getLogs returned a pending log for a confirmed range");
    }
    if (getAddress(raw.address) !== router) throw new RelayerError("RPC_INVALID_RESPONSE", `eth_getLogs returned a log of ${raw.address}`);
    let decoded;
    try {
      decoded = decodeEventLog({ abi: EVENTS, data: raw.data, topics: raw.topics, strict: true });
    } catch (cause) {
      throw new RelayerError("RPC_INVALID_RESPONSE", `undecodable JobRouter log at block ${raw.blockNumber}, index ${raw.logIndex}`, { cause });
    }
    const ref: LogRef = { blockNumber: raw.blockNumber, blockHash: raw.blockHash.toLowerCase() as Hex, logIndex: raw.logIndex, transactionHash: raw.transactionHash.toLowerCase() as Hex };
    switch (decoded.eventName) {
      case "JobRequested": {
        const a = decoded.args;
        return {
          type: "JobRequested",
          ref,
          jobId: a.jobId.toLowerCase() as Hex,
          clauseId: a.clauseId.toLowerCase() as Hex,
          tenantId: a.tenantId.toLowerCase() as Hex,
          clauseVersion: a.clauseVersion,
          triggerType: a.triggerType,
          inputCommitment: a.inputCommitment.toLowerCase() as Hex,
          deadline: a.deadline,
          dao: getAddress(a.dao),
          jurisdiction: a.jurisdiction.toLowerCase() as Hex,
          triggerNonce: a.triggerNonce.toLowerCase() as Hex,
        };
      }
      case "SensorTriggerFired": {
        const a = decoded.args;
        return { type: "SensorTriggerFired", ref, triggerId: a.triggerId, jobId: a.jobId.toLowerCase() as Hex, feed: getAddress(a.feed), roundId: a.roundId, answer: a.answer, updatedAt: a.updatedAt };
      }
      case "SimulationResultPosted": {
        const a = decoded.args;
        return { type: "SimulationResultPosted", ref, triggerId: a.triggerId, jobId: a.jobId.toLowerCase() as Hex, simulator: getAddress(a.simulator), resultCommitment: a.resultCommitment.toLowerCase() as Hex };
      }
      case "JobExpired": {
        const a = decoded.args;
        return { type: "JobExpired", ref, jobId: a.jobId.toLowerCase() as Hex, tenantId: a.tenantId.toLowerCase() as Hex, by: getAddress(a.by) };
      }
      default: {
        const unknown: never = decoded;
        throw new RelayerError("RPC_INVALID_RESPONSE", `unexpected event ${JSON.stringify(unknown)}`);
      }
    }
  }

  const toRef = (h: Header): BlockRef => ({ number: h.number, hash: h.hash, timestamp: h.timestamp });

  function commit(block: BlockRef, logs: readonly JobRouterLog[]): void {
    store.transaction(() => {
      onEvent({ type: "block", block, logs });
      store.putBlock({ number: block.number, hash: block.hash });
      store.setCursor(block);
    });
  }

  async function readRange(from: bigint, to: bigint, head: bigint, cursor: BlockRef | undefined): Promise<{ logs: number }> {
    const before = await requireHeader(to);
    const raw = await call(`eth_getLogs(${from}..${to})`, () => client.getLogs({ address: router, events: EVENTS, fromBlock: from, toBlock: to }));
    const after = await requireHeader(to);
    if (after.hash !== before.hash) throw new RelayerError("CHAIN_INCONSISTENT", `block ${to} changed from ${before.hash} to ${after.hash} during eth_getLogs`);
    if (cursor) {
      const still = await header(cursor.number);
      if (!still || still.hash !== cursor.hash.toLowerCase()) throw new RelayerError("CHAIN_INCONSISTENT", `block ${cursor.number} was replaced during the read`);
    }
    if (!Array.isArray(raw)) throw new RelayerError("RPC_INVALID_RESPONSE", "eth_getLogs did not return a list");

    // Every block inside the reorg window gets its hash kept, so a later reorg finds its exact common ancestor.
    // The headers must link up by parent hash (to each other, to the range end, and to the cursor).
    const windowStart = head - BigInt(config.finalityDepth) > from ? head - BigInt(config.finalityDepth) : from;
    const dense = windowStart <= to - 1n ? [...(await headers(windowStart, to - 1n)), after] : [after];
    for (let i = 1; i < dense.length; i++) {
      if (dense[i]!.parentHash !== dense[i - 1]!.hash) throw new RelayerError("CHAIN_INCONSISTENT", `block ${dense[i]!.number} does not link to block ${dense[i - 1]!.number}`);
    }
    if (cursor && dense[0]!.number === cursor.number + 1n && dense[0]!.parentHash !== cursor.hash.toLowerCase()) {
      throw new RelayerError("CHAIN_INCONSISTENT", `block ${dense[0]!.number} does not link to the cursor block ${cursor.number}`);
    }
    const known = new Map(dense.map((h) => [h.number, h]));

    const decoded = (raw as Log[]).map(decode).sort((a, b) => (a.ref.blockNumber === b.ref.blockNumber ? a.ref.logIndex - b.ref.logIndex : a.ref.blockNumber < b.ref.blockNumber ? -1 : 1));
    const byBlock = new Map<bigint, JobRouterLog[]>();
    for (const log of decoded) {
      if (log.ref.blockNumber < from || log.ref.blockNumber > to) throw new RelayerError("RPC_INVALID_RESPONSE", `log of block ${log.ref.blockNumber} outside ${from}..${to}`);
      const list = byBlock.get(log.ref.blockNumber) ?? [];
      list.push(log);
      byBlock.set(log.ref.blockNumber, list);
    }
    for (const [number, logs] of byBlock) {
      const block = known.get(number) ?? (await requireHeader(number));
      known.set(number, block);
      for (const log of logs) {
        if (log.ref.blockHash !== block.hash) throw new RelayerError("CHAIN_INCONSISTENT", `log names block ${log.ref.blockHash}, block ${number} is ${block.hash}`);
      }
    }
    for (const h of known.values()) {
      if (h.mayHoldJobRequested !== true || byBlock.get(h.number)?.some((l) => l.type === "JobRequested")) {
        bloomMismatches.delete(h.number);
        continue;
      }
      const seen = (bloomMismatches.get(h.number) ?? 0) + 1;
      if (seen < BLOOM_MISMATCH_LIMIT) {
        bloomMismatches.set(h.number, seen);
        throw new RelayerError("CHAIN_INCONSISTENT", `eth_getLogs(${from}..${to}) returned no JobRequested for block ${h.number}, whose logs bloom says it may hold one (attempt ${seen})`);
      }
      bloomMismatches.delete(h.number);
      logger.warn({ block: h.number.toString(), attempts: seen }, "logs bloom false positive assumed: no JobRequested after repeated reads");
    }
    for (const [number, logs] of byBlock) if (number !== to) commit(toRef(known.get(number)!), logs);
    store.transaction(() => {
      onEvent({ type: "block", block: toRef(after), logs: byBlock.get(to) ?? [] });
      for (const h of dense) store.putBlock({ number: h.number, hash: h.hash });
      store.setCursor(toRef(after));
    });
    return { logs: decoded.length };
  }

  return {
    async poll() {
      const head = await call("eth_blockNumber", () => client.getBlockNumber({ cacheTime: 0 }));
      const reorged = await detectReorg(head);
      let blocks = 0;
      let logs = 0;
      for (let i = 0; i < config.maxRangesPerPoll; i++) {
        const cursor = store.getCursor();
        const range = nextRange({ cursor: cursor?.number, startBlock: config.startBlock, head, confirmations: config.confirmations, maxRange: rangeSize });
        if (!range) break;
        let read: { logs: number };
        try {
          read = await readRange(range.from, range.to, head, cursor);
        } catch (error) {
          // A range too big for the endpoint (a body over the client's size limit, "query returned more than N
          // results") fails the same way every time: halve it, so the next poll makes progress (ADR 0018).
          if (error instanceof RelayerError && error.code !== "NSF_CHAIN_INCONSISTENT" && rangeSize > 1) {
            rangeSize = Math.max(1, Math.floor(rangeSize / 2));
            logger.warn({ code: error.code, from: range.from.toString(), to: range.to.toString(), nextRangeBlocks: rangeSize }, "range read failed: halving the eth_getLogs range");
          }
          throw error;
        }
        // Grow back towards maxBlockRange after each successful read.
        rangeSize = Math.min(config.maxBlockRange, rangeSize * 2);
        blocks += Number(range.to - range.from + 1n);
        logs += read.logs;
      }
      const cursor = store.getCursor();
      if (cursor) {
        // Forget hashes deeper than the window, but always keep the cursor's: it anchors the next reorg check.
        const limit = finalizedBelow(head, config.finalityDepth);
        const prune = limit < cursor.number ? limit : cursor.number - 1n;
        const oldest = store.unfinalisedBlocks().at(-1);
        if (oldest && oldest.number <= prune) {
          store.transaction(() => {
            onEvent({ type: "finalize", block: { number: prune } });
            store.pruneBlocksAtOrBelow(prune);
          });
        }
      }
      if (blocks > 0) logger.debug({ head: head.toString(), cursor: cursor?.number.toString(), blocks, logs }, "chain read");
      return { head, cursor: cursor?.number, blocks, logs, reorged };
    },
  };
}
