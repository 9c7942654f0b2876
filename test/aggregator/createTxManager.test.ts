import { expect } from "chai";
import { network } from "hardhat";
import { encodeFunctionData, type Hex, type PublicClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { anchorHeaderArg } from "../../relayer/core/batching/batchHeader.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { rollupAnchorAbi } from "../../relayer/core/abi/contractAbis.js";
import { createBatcher } from "../../relayer/aggregator/createBatcher.js";
import { createTxManager, type TxManager, type TxManagerParameters } from "../../relayer/aggregator/createTxManager.js";
import { createBatchStore, type BatchStore } from "../../relayer/store/batchStore.js";
import { clauseFixture, type ClauseFixture } from "../helpers/fixtures.js";
import { agreedResult, anchorOf, coSignerOf, fundedSubmitter, publicClientOf, readerOf, silentCommon, tempDatabase } from "./aggregatorFixture.js";

describe("createTxManager", () => {
  let connection: DevConnection;
  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
  });

  let f: ClauseFixture;
  let client: PublicClient;
  let submitter: PrivateKeyAccount;
  let store: BatchStore;
  let dbOpen: () => ReturnType<ReturnType<typeof tempDatabase>["open"]>;
  beforeEach(async () => {
    f = await connection.networkHelpers.loadFixture(clauseFixture);
    client = await publicClientOf(f);
    submitter = await fundedSubmitter(f);
    dbOpen = tempDatabase().open;
    store = createBatchStore({ database: dbOpen() });
  });
  afterEach(async () => {
    await connection.provider.request({ method: "evm_setAutomine", params: [true] });
  });

  const txManager = (extra: Partial<TxManagerParameters> = {}, s = store): TxManager =>
    createTxManager({ common: silentCommon(), store: s, publicClient: client, account: submitter, rollupAnchor: f.network.addresses.rollupAnchor, fees: { maxFeePerGasCap: 10n ** 13n, stuckAfterMs: 0 }, ...extra });

  /** Seals and co-signs batch 1 (three results) through the batcher, with a tx manager that never gets it. */
  async function signedBatch(s = store): Promise<void> {
    const idle: TxManager = { submit: async () => undefined, poll: async () => ({ anchored: [], conflicted: [], reorged: [] }) };
    const batcher = createBatcher({ common: silentCommon(), store: s, reader: readerOf(f, client), anchor: anchorOf(f), coSigners: f.roles.aggregators.slice(0, 3).map((a) => coSignerOf(f, client, a, s)), txManager: idle, batchWindowMs: 0, maxBatchSize: 10 });
    for (let i = 0; i < 3; i++) await s.addResult(await agreedResult(f, `tx-${i}`));
    await batcher.tick();
    expect(s.batch(1n)?.state).to.equal("signed");
  }

  const anchoredCount = async () => (await f.network.contracts.rollupAnchor.queryFilter(f.network.contracts.rollupAnchor.filters.BatchAnchored())).length;
  const mine = () => connection.provider.request({ method: "evm_mine", params: [] });
  const automine = (on: boolean) => connection.provider.request({ method: "evm_setAutomine", params: [on] });
  const anchorCalldata = () => {
    const batch = store.batch(1n)!;
    return encodeFunctionData({ abi: rollupAnchorAbi, functionName: "anchor", args: [anchorHeaderArg(batch.header!), `0x${"00".repeat(32)}`, batch.quorum!] });
  };

  it("anchors a signed batch once and records the mined transaction", async () => {
    await signedBatch();
    const manager = txManager();
    await manager.submit(1n);
    await manager.submit(1n); // idempotent
    const { anchored } = await manager.poll();
    expect(anchored).to.deep.equal([1n]);
    const batch = store.batch(1n)!;
    expect(batch.state).to.equal("anchored");
    expect(store.txsOfBatch(1n).map((t) => t.state)).to.deep.equal(["mined"]);
    expect(await anchoredCount()).to.equal(1);
  });

  it("crash after signing, before sending: the restart broadcasts the persisted bytes and anchors exactly once", async () => {
    await signedBatch();
    const crashing = txManager({ faults: { afterSign: () => { throw new Error("SIGKILL"); } } });
    await crashing.submit(1n).then(() => expect.fail("should crash"), (e: Error) => expect(e.message).to.equal("SIGKILL"));
    const persisted = store.txsOfBatch(1n);
    expect(persisted).to.have.length(1);
    expect(persisted[0]!.state).to.equal("signed");
    expect(await anchoredCount()).to.equal(0);

    const restarted = createBatchStore({ database: dbOpen() });
    const manager = txManager({}, restarted);
    await manager.poll(); // rebroadcast of the persisted transaction
    await manager.poll(); // receipt
    expect(restarted.batch(1n)!.state).to.equal("anchored");
    expect(restarted.batch(1n)!.anchorTx).to.equal(persisted[0]!.txHash);
    expect(await anchoredCount()).to.equal(1);
  });

  it("replaces an underpriced transaction with a fee bump (same nonce) and anchors once", async () => {
    await signedBatch();
    await automine(false);
    const manager = txManager({ fees: { maxFeePerGasCap: 10n ** 15n, stuckAfterMs: 0, priorityFeePerGas: 1_000_000_000n } });
    await manager.submit(1n);
    const first = store.txsOfBatch(1n)[0]!;
    // The next block's base fee jumps above the first transaction's cap: it cannot be included.
    await connection.provider.request({ method: "hardhat_setNextBlockBaseFeePerGas", params: [`0x${(first.maxFeePerGas * 3n).toString(16)}`] });
    await mine();
    expect(await client.getTransactionReceipt({ hash: first.txHash }).catch(() => undefined)).to.equal(undefined);
    for (let i = 0; i < 6 && store.batch(1n)!.state !== "anchored"; i++) {
      await manager.poll();
      await mine();
    }
    await manager.poll();
    const txs = store.txsOfBatch(1n);
    expect(store.batch(1n)!.state).to.equal("anchored");
    expect(txs.length).to.be.greaterThan(1);
    expect(new Set(txs.map((t) => t.nonce)).size).to.equal(1);
    expect(txs[1]!.maxFeePerGas).to.be.at.least((first.maxFeePerGas * 110n) / 100n);
    expect(store.batch(1n)!.anchorTx).to.not.equal(first.txHash);
    expect(await anchoredCount()).to.equal(1);
  });

  it("rebroadcasts a transaction dropped from the mempool", async () => {
    await signedBatch();
    await automine(false);
    const manager = txManager({ fees: { maxFeePerGasCap: 10n ** 15n, stuckAfterMs: 60_000 } });
    await manager.submit(1n);
    const first = store.txsOfBatch(1n)[0]!;
    await connection.provider.request({ method: "hardhat_dropTransaction", params: [first.txHash] });
    await manager.poll();
    await mine();
    await manager.poll();
    expect(store.batch(1n)!.state).to.equal("anchored");
    expect(store.batch(1n)!.anchorTx).to.equal(first.txHash);
  });

  it("re-syncs the nonce and rebuilds when another transaction used it", async () => {
    await signedBatch();
    await automine(false);
    const manager = txManager({ fees: { maxFeePerGasCap: 10n ** 15n, stuckAfterMs: 60_000 } });
    await manager.submit(1n);
    const first = store.txsOfBatch(1n)[0]!;
    await connection.provider.request({ method: "hardhat_dropTransaction", params: [first.txHash] });
    // Someone else with the same key (an operator's manual transfer) takes the nonce.
    const chainId = await client.getChainId();
    const block = await client.getBlock();
    const other = await submitter.signTransaction({ chainId, type: "eip1559", to: submitter.address, value: 1n, gas: 21_000n, nonce: first.nonce, maxFeePerGas: block.baseFeePerGas! * 2n + 1n, maxPriorityFeePerGas: 1n });
    await client.sendRawTransaction({ serializedTransaction: other });
    await mine();
    await manager.poll(); // nonce consumed by another tx → new tx, next nonce
    await mine();
    await manager.poll();
    const txs = store.txsOfBatch(1n);
    expect(store.batch(1n)!.state).to.equal("anchored");
    expect(txs[0]!.state).to.equal("failed");
    expect(txs[txs.length - 1]!.nonce).to.equal(first.nonce + 1);
    expect(await anchoredCount()).to.equal(1);
  });

  it("treats an anchor made by someone else with the same content as success (before sending)", async () => {
    await signedBatch();
    await (await f.actors.stranger.sendTransaction({ to: f.network.addresses.rollupAnchor, data: anchorCalldata() })).wait();
    const manager = txManager();
    await manager.submit(1n);
    expect(store.batch(1n)!.state).to.equal("anchored");
    expect(store.txsOfBatch(1n)).to.have.length(0);
    expect(await anchoredCount()).to.equal(1);
  });

  it("treats RollupAnchorBatchAlreadyAnchored on its own mined transaction as success", async () => {
    await signedBatch();
    await automine(false);
    const manager = txManager({ fees: { maxFeePerGasCap: 10n ** 15n, stuckAfterMs: 60_000, priorityFeePerGas: 1n } });
    await manager.submit(1n);
    // Another relayer's identical anchor with a higher tip lands first in the same block; ours reverts.
    await f.actors.stranger.sendTransaction({ to: f.network.addresses.rollupAnchor, data: anchorCalldata(), maxPriorityFeePerGas: 10n ** 9n, maxFeePerGas: 10n ** 11n, gasLimit: 500_000n });
    await mine();
    const ours = store.txsOfBatch(1n)[0]!;
    const receipt = await client.getTransactionReceipt({ hash: ours.txHash });
    expect(receipt.status).to.equal("reverted");
    await manager.poll();
    expect(store.batch(1n)!.state).to.equal("anchored");
    expect(await anchoredCount()).to.equal(1);
  });

  it("raises a typed conflict when the batch sequence holds other content", async () => {
    await signedBatch();
    // Another relayer anchored batch 1 with a different root (the quorum signed that one too).
    const { signHeader, headerArg } = await import("../helpers/anchoredFixture.js");
    const other = await signHeader(f, { batchSeq: 1n, lastSeq: 1n, root: `0x${"77".repeat(32)}` as Hex });
    await (await f.network.contracts.rollupAnchor.anchor(headerArg(other.header), `0x${"00".repeat(32)}`, other.proof)).wait();
    const error = await txManager().submit(1n).then(() => undefined, (e: unknown) => e);
    expect((error as { code?: string }).code).to.equal("NSF_AGG_BATCH_CONFLICT");
  });

  it("resubmits an anchor whose block was reorged out", async () => {
    await signedBatch();
    const snapshot = (await connection.provider.request({ method: "evm_snapshot", params: [] })) as string;
    const manager = txManager();
    await manager.submit(1n);
    await manager.poll();
    const firstBlock = store.batch(1n)!.anchorBlockHash;
    expect(store.batch(1n)!.state).to.equal("anchored");
    await connection.provider.request({ method: "evm_revert", params: [snapshot] });
    await mine();
    await mine();
    const { reorged } = await manager.poll();
    expect(reorged).to.deep.equal([1n]);
    expect(store.batch(1n)!.state).to.equal("signed");
    await manager.submit(1n);
    await manager.poll();
    expect(store.batch(1n)!.state).to.equal("anchored");
    expect(store.batch(1n)!.anchorBlockHash).to.not.equal(firstBlock);
    expect(await anchoredCount()).to.equal(1);
  });
});
