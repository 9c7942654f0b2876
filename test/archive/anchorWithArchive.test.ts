import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { keccak256, toBytes, type Hex, type PublicClient } from "viem";
import { createAggregator } from "../../relayer/aggregator/createAggregator.js";
import { createBatcher } from "../../relayer/aggregator/createBatcher.js";
import { createTxManager } from "../../relayer/aggregator/createTxManager.js";
import { archiveMigrations, createArchiveStore } from "../../relayer/archive/archiveStore.js";
import { locatorToArweaveId, NO_ARWEAVE_LOCATOR } from "../../relayer/archive/arweaveLocator.js";
import { createArchiver } from "../../relayer/archive/createArchiver.js";
import { loadArweaveWallet } from "../../relayer/archive/loadArweaveWallet.js";
import { startLocalArweave } from "../../relayer/archive/startLocalArweave.js";
import { BatchBundleSchema, bundleHashOf } from "../../relayer/core/batching/batchBundle.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { DEV_ARWEAVE_WALLET_FILE } from "../../relayer/devnet/devRelayerConfig.js";
import { batchMigrations, createBatchStore } from "../../relayer/store/batchStore.js";
import { openDatabase } from "../../relayer/store/openDatabase.js";
import { clauseFixture, type ClauseFixture } from "../helpers/fixtures.js";
import { agreedResult, anchorOf, coSignerOf, fundedSubmitter, publicClientOf, readerOf, silentCommon } from "../aggregator/aggregatorFixture.js";

/**
 * The archive wired as in createRelayer: the batcher's beforeSubmit signs the Arweave transaction, the tx manager's
 * arweaveTxId carries its id. Real chain (in-process Hardhat), real co-signers, real arlocal taken down before anchoring.
 */
describe("anchoring with the Arweave archive (real chain, real arlocal)", function () {
  this.timeout(180_000);
  let connection: DevConnection;
  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
  });

  let f: ClauseFixture;
  let client: PublicClient;
  let dir: string;
  beforeEach(async () => {
    f = await connection.networkHelpers.loadFixture(clauseFixture);
    client = await publicClientOf(f);
    dir = mkdtempSync(path.join(tmpdir(), "nsf-anchor-archive-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("anchors while the gateway is down with the pre-signed transaction's id and the tenants' audit heads; once it is back the bundle is archived under that id, hashing to the anchored bundleHash", async () => {
    const gatewayDir = path.join(dir, "gateway");
    let gateway = await startLocalArweave({ dataDir: gatewayDir });
    const wallet = await loadArweaveWallet(DEV_ARWEAVE_WALLET_FILE);
    await gateway.mint(await gateway.arweave.wallets.jwkToAddress(wallet));

    const database = openDatabase({ file: path.join(dir, "relayer.sqlite"), migrations: { batches: batchMigrations, archive: archiveMigrations } });
    const common = silentCommon();
    const store = createBatchStore({ database });
    const archiver = createArchiver({ common, store: createArchiveStore({ database }), batches: store, arweave: gateway.arweave, wallet, pollMs: 10, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
    const txManager = createTxManager({ common, store, publicClient: client, account: await fundedSubmitter(f), rollupAnchor: f.network.addresses.rollupAnchor, fees: { maxFeePerGasCap: 10n ** 12n }, arweaveTxId: (seq) => archiver.locatorOf(seq) });
    const tenantHead = { tenantId: f.tenantId, seq: 4, head: keccak256(toBytes("tenant head")) };
    const batcher = createBatcher({
      common,
      store,
      reader: readerOf(f, client),
      anchor: anchorOf(f),
      coSigners: f.roles.aggregators.slice(0, 3).map((a) => coSignerOf(f, client, a, store)),
      txManager,
      batchWindowMs: 0,
      maxBatchSize: 2,
      auditHeads: () => [tenantHead],
      beforeSubmit: (seq) => archiver.prepare(seq),
    });
    const aggregator = createAggregator({ common, store, batcher });
    await archiver.tick(); // the uploader has seen the gateway (anchor and price) ...
    const port = gateway.port;
    await gateway.stop(); // ... and then it goes down.

    for (let i = 0; i < 4; i++) await aggregator.submit(await agreedResult(f, `archived-${i}`));
    for (let i = 0; i < 30 && aggregator.status().batches.anchored < 2; i++) await aggregator.tick();
    expect(aggregator.status().batches.anchored).to.equal(2);

    const anchor = f.network.contracts.rollupAnchor;
    const events = (await anchor.queryFilter(anchor.filters.BatchAnchored())).map((l) => ({ batchSeq: l.args.batchSeq, bundleHash: l.args.bundleHash as Hex, arweaveTxId: l.args.arweaveTxId as Hex }));
    expect(events).to.have.length(2);
    for (const e of events) {
      expect(e.arweaveTxId).to.not.equal(NO_ARWEAVE_LOCATOR);
      expect(e.arweaveTxId).to.equal(archiver.locatorOf(e.batchSeq));
      const bundle = BatchBundleSchema.parse(JSON.parse(store.bundleJson(e.batchSeq)!));
      expect(bundle.audit_heads).to.deep.equal([{ tenant_id: f.tenantId.toLowerCase(), seq: "4", head: tenantHead.head }]);
    }
    expect(archiver.status()).to.include({ signed: 2, posted: 0, confirmed: 0 });

    gateway = await startLocalArweave({ dataDir: gatewayDir, port });
    try {
      for (let i = 0; i < 8 && archiver.status().confirmed < 2; i++) {
        await archiver.tick();
        await gateway.mine();
      }
      expect(archiver.status()).to.include({ confirmed: 2 });
      for (const e of events) {
        const data = (await gateway.arweave.transactions.getData(locatorToArweaveId(e.arweaveTxId), { decode: true })) as Uint8Array;
        expect(bundleHashOf(data)).to.equal(e.bundleHash.toLowerCase());
      }
    } finally {
      await gateway.stop();
      database.close();
    }
  });
});
