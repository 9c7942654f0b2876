import { expect } from "chai";
import { HttpRequestError, type Hex, type PublicClient } from "viem";
import { createCommon } from "../../../relayer/common/Common.js";
import { createChainWatcher, type ChainWatcherConfig } from "../../../relayer/chain/createChainWatcher.js";
import type { ChainEvent } from "../../../relayer/core/chain/ChainEvent.js";
import { openDatabase } from "../../../relayer/store/openDatabase.js";
import { createJobStore, JOB_STORE_MIGRATIONS, type JobStore } from "../../../relayer/store/jobStore.js";
import { createFakeChain, jobRequestedLog, ROUTER } from "../helpers/fakeChain.js";

const id = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;

function setup(overrides: Partial<ChainWatcherConfig> = {}, handler?: (e: ChainEvent) => void) {
  const chain = createFakeChain();
  const store = createJobStore({ database: openDatabase({ file: ":memory:", migrations: { jobs: JOB_STORE_MIGRATIONS } }) });
  const events: ChainEvent[] = [];
  const watcher = createChainWatcher({
    common: createCommon({ logLevel: "silent" }),
    client: chain.client as unknown as Pick<PublicClient, "getBlockNumber" | "getBlock" | "getLogs">,
    store,
    config: { jobRouter: ROUTER, confirmations: 2, finalityDepth: 8, startBlock: 1n, maxBlockRange: 10, maxRangesPerPoll: 2, rpc: { timeoutMs: 1_000, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } }, ...overrides },
    onEvent: (e) => {
      handler?.(e);
      events.push(e);
    },
    runtime: { sleep: async () => {}, random: () => 0.5 },
  });
  return { chain, store, events, watcher };
}

const jobIdsOf = (events: ChainEvent[]) => events.flatMap((e) => (e.type === "block" ? e.logs.map((l) => (l.type === "JobRequested" ? l.jobId : "")) : []));

describe("relayer/chain/createChainWatcher", () => {
  it("acts only on logs at least `confirmations` deep and persists the cursor with them", async () => {
    const { chain, store, events, watcher } = setup();
    chain.mine([jobRequestedLog(id(1))]);
    chain.mine();
    await watcher.poll();
    expect(jobIdsOf(events)).to.deep.equal([]);
    chain.mine();
    await watcher.poll();
    expect(jobIdsOf(events)).to.deep.equal([id(1)]);
    expect(store.getCursor()!.number).to.equal(1n);
    const decoded = (events[0] as Extract<ChainEvent, { type: "block" }>).logs[0]!;
    expect(decoded).to.include({ type: "JobRequested", clauseVersion: 2 ** 32, triggerType: 1, deadline: 1_750_003_600n });
  });

  it("backfills after downtime in bounded ranges and resumes exactly after the cursor", async () => {
    const { chain, store, events, watcher } = setup();
    for (let i = 1; i <= 30; i++) chain.mine(i % 7 === 0 ? [jobRequestedLog(id(i))] : []);
    const first = await watcher.poll();
    expect(first.blocks).to.equal(20);
    expect(store.getCursor()!.number).to.equal(20n);
    await watcher.poll();
    expect(store.getCursor()!.number).to.equal(28n);
    expect(jobIdsOf(events)).to.deep.equal([id(7), id(14), id(21), id(28)]);
    const blocksSeen = events.filter((e) => e.type === "block").map((e) => (e as { block: { number: bigint } }).block.number);
    expect(blocksSeen).to.deep.equal([7n, 10n, 14n, 20n, 21n, 28n]);
  });

  it("detects a reorg below the cursor, reports the common ancestor, and re-reads the new fork", async () => {
    const { chain, store, events, watcher } = setup({ confirmations: 0 });
    chain.mine();
    chain.mine([jobRequestedLog(id(2))]);
    chain.mine([jobRequestedLog(id(3))]);
    await watcher.poll();
    expect(jobIdsOf(events)).to.deep.equal([id(2), id(3)]);
    chain.rewind(1n);
    chain.mine([jobRequestedLog(id(20))]);
    chain.mine();
    chain.mine();
    const result = await watcher.poll();
    expect(result.reorged).to.equal(true);
    const reorg = events.find((e) => e.type === "reorg") as Extract<ChainEvent, { type: "reorg" }>;
    expect(reorg.commonAncestor!.number).to.equal(1n);
    expect(reorg.removedFrom).to.equal(2n);
    expect(jobIdsOf(events.slice(events.indexOf(reorg)))).to.deep.equal([id(20)]);
    expect(store.getCursor()!.hash).to.equal(chain.head().hash);
  });

  it("handles a chain that got shorter (evm_revert) as a reorg", async () => {
    const { chain, events, watcher } = setup({ confirmations: 0 });
    chain.mineEmpty(3);
    await watcher.poll();
    chain.mineEmpty(2);
    await watcher.poll();
    chain.rewind(2n);
    await watcher.poll();
    const reorg = events.find((e) => e.type === "reorg") as Extract<ChainEvent, { type: "reorg" }>;
    expect(reorg.commonAncestor!.number).to.be.at.most(2n);
  });

  it("fails a reorg deeper than the kept window loudly (not retryable) instead of guessing", async () => {
    const { chain, watcher } = setup({ confirmations: 0, finalityDepth: 2 });
    chain.mineEmpty(10);
    await watcher.poll();
    chain.rewind(3n);
    chain.mineEmpty(8);
    const error = await watcher.poll().catch((e: unknown) => e);
    expect(error).to.have.property("code", "NSF_CHAIN_INCONSISTENT");
    expect(error).to.have.property("retryable", false);
  });

  it("forgets block hashes deeper than finalityDepth but always keeps the cursor's", async () => {
    const { chain, store, events, watcher } = setup({ confirmations: 0, finalityDepth: 3, maxBlockRange: 1, maxRangesPerPoll: 100 });
    chain.mineEmpty(10);
    await watcher.poll();
    expect(store.unfinalisedBlocks().map((b) => b.number)).to.deep.equal([10n, 9n, 8n]);
    expect(events.some((e) => e.type === "finalize")).to.equal(true);
  });

  it("retries RPC failures with backoff and then surfaces a typed, retryable error", async () => {
    const { chain, watcher } = setup();
    chain.mineEmpty(5);
    chain.failNext("getBlockNumber", 2, () => new HttpRequestError({ url: "http://rpc", details: "ECONNREFUSED" }));
    await watcher.poll();
    chain.failNext("getBlockNumber", 5, () => new HttpRequestError({ url: "http://rpc", details: "ECONNREFUSED" }));
    const error = await watcher.poll().catch((e: unknown) => e);
    expect(error).to.have.property("code", "NSF_RPC_UNAVAILABLE");
    expect(error).to.have.property("retryable", true);
  });

  it("types garbage logs as NSF_RPC_INVALID_RESPONSE and does not move the cursor", async () => {
    const { chain, store, watcher } = setup({ confirmations: 0 });
    chain.mine([{ ...jobRequestedLog(id(1)), data: "0x1234" }]);
    const error = await watcher.poll().catch((e: unknown) => e);
    expect(error).to.have.property("code", "NSF_RPC_INVALID_RESPONSE");
    expect(store.getCursor()).to.equal(undefined);
  });

  it("times out a hung RPC call with NSF_RPC_TIMEOUT", async () => {
    const { chain, watcher } = setup({ rpc: { timeoutMs: 20, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } } });
    chain.client.getBlockNumber = () => new Promise(() => {});
    const error = await watcher.poll().catch((e: unknown) => e);
    expect(error).to.have.property("code", "NSF_RPC_TIMEOUT");
  });

  it("refuses a range read while the chain moved under it (retryable NSF_CHAIN_INCONSISTENT)", async () => {
    const { chain, store, watcher } = setup({ confirmations: 0 });
    chain.mineEmpty(3);
    chain.duringGetLogs(() => {
      chain.rewind(1n);
      chain.mineEmpty(2);
    });
    const error = await watcher.poll().catch((e: unknown) => e);
    expect(error).to.have.property("code", "NSF_CHAIN_INCONSISTENT");
    expect(error).to.have.property("retryable", true);
    expect(store.getCursor()).to.equal(undefined);
  });

  it("re-reads a range when eth_getLogs answers [] for a block whose logs bloom holds a JobRequested (lagging RPC node)", async () => {
    const { chain, store, events, watcher } = setup({ confirmations: 0 });
    chain.mine([jobRequestedLog(id(7))]);
    chain.emptyLogsNext(2);
    for (let i = 1; i <= 2; i++) {
      const error = await watcher.poll().catch((e: unknown) => e);
      expect(error, `poll ${i}`).to.have.property("code", "NSF_CHAIN_INCONSISTENT");
      expect(error).to.have.property("retryable", true);
      expect(store.getCursor(), "the cursor does not pass the block").to.equal(undefined);
    }
    await watcher.poll();
    expect(jobIdsOf(events)).to.deep.equal([id(7)]);
    expect(store.getCursor()!.number).to.equal(1n);
  });

  it("takes a bloom that keeps claiming a JobRequested no read returns as a false positive after 8 reads, and moves on", async () => {
    const { chain, store, watcher } = setup({ confirmations: 0 });
    const block = chain.mine();
    chain.setBloom(block.number, `0x${"ff".repeat(256)}`);
    for (let i = 1; i < 8; i++) expect(await watcher.poll().catch((e: unknown) => e)).to.have.property("code", "NSF_CHAIN_INCONSISTENT");
    await watcher.poll();
    expect(store.getCursor()!.number).to.equal(1n);
  });

  it("halves the eth_getLogs range after a range read fails (a body too large for the client), then grows it back", async () => {
    const { chain, store, events, watcher } = setup({ confirmations: 0, maxBlockRange: 8, maxRangesPerPoll: 1 });
    for (let i = 1; i <= 12; i++) chain.mine([jobRequestedLog(id(i))]);
    chain.failNext("getLogs", 3, () => new HttpRequestError({ url: "http://rpc", details: "HTTP response body exceeded the size limit." }));
    expect(await watcher.poll().catch((e: unknown) => e)).to.have.property("code");
    expect(store.getCursor()).to.equal(undefined);
    await watcher.poll();
    expect(store.getCursor()!.number, "the retry reads half the range").to.equal(4n);
    await watcher.poll();
    expect(store.getCursor()!.number, "then a range of 8 again").to.equal(12n);
    expect(jobIdsOf(events)).to.deep.equal(Array.from({ length: 12 }, (_, i) => id(i + 1)));
  });

  it("commits an event and the cursor together: a handler that throws leaves both unapplied", async () => {
    let explode = true;
    const { chain, store, events, watcher } = setup({ confirmations: 0 }, (e) => {
      if (e.type === "block" && e.logs.length > 0 && explode) throw new Error("crash inside the handler");
    });
    chain.mine([jobRequestedLog(id(1))]);
    await watcher.poll().catch(() => undefined);
    expect(store.getCursor()).to.equal(undefined);
    explode = false;
    await watcher.poll();
    expect(jobIdsOf(events)).to.deep.equal([id(1)]);
    expect(store.getCursor()!.number).to.equal(1n);
  });
});
