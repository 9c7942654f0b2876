import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { JWKInterface } from "arweave/node/lib/wallet.js";
import Arweave from "arweave";
import { keccak256, toBytes, type Hex } from "viem";
import { archiveMigrations, createArchiveStore } from "../../relayer/archive/archiveStore.js";
import { arweaveIdToLocator, locatorToArweaveId, NO_ARWEAVE_LOCATOR } from "../../relayer/archive/arweaveLocator.js";
import { ARCHIVE_APP_NAME } from "../../relayer/archive/bundleTags.js";
import { createArchiver, type Archiver } from "../../relayer/archive/createArchiver.js";
import { loadArweaveWallet } from "../../relayer/archive/loadArweaveWallet.js";
import { startLocalArweave, type LocalArweave } from "../../relayer/archive/startLocalArweave.js";
import { createCommon } from "../../relayer/common/Common.js";
import { buildBatchBundle, bundleBytes, bundleHashOf, type BundleEntry } from "../../relayer/core/batching/batchBundle.js";
import { canonicalJson } from "../../relayer/core/formats/canonicalJson.js";
import { batchMigrations, createBatchStore, type BatchStore } from "../../relayer/store/batchStore.js";
import { openDatabase, type Database } from "../../relayer/store/openDatabase.js";

const h = (s: string) => keccak256(toBytes(s));
const TENANT_A = h("tenant a");
const TENANT_B = h("tenant b");
const ANCHOR = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

/** A sealed batch in a real batch store (a synthetic bundle: the archiver handles bytes, not their meaning). */
function sealSyntheticBatch(store: BatchStore, batchSeq: bigint): { bundleHash: Hex; bytes: Uint8Array } {
  const entries: BundleEntry[] = [0, 1].map((i) => ({
    result: {
      jobId: h(`job ${batchSeq} ${i}`),
      clauseId: h("clause"),
      clauseRef: "UNDRR::Disaster::FloodPayout@1.0.0",
      tenantId: i === 0 ? TENANT_A : TENANT_B,
      dao: "0x000000000000000000000000000000000000dA0A",
      jurisdiction: "KEN",
      inputHash: h(`in ${i}`),
      outputHash: h("out"),
      output: "0x01",
      inputBundle: { schema: "nsf.inputs/1", n: i },
      cacs: [{ signer: "0x0000000000000000000000000000000000000001", cac: {} as never, digest: h("d"), signature: `0x${"11".repeat(65)}`, json: { i } }],
      agreedAt: 1_700_000_000n,
    },
    leaf: { jobId: h(`job ${batchSeq} ${i}`), resultSeq: batchSeq * 2n + BigInt(i), clauseId: h("clause"), tenantId: i === 0 ? TENANT_A : TENANT_B, inputHash: h(`in ${i}`), outputHash: h("out"), cacSetHash: h("set") },
    leafHash: h(`leaf ${i}`),
    proof: [h(`sibling ${i}`)],
  }));
  const fields = { chainId: 31337n, rollupAnchor: ANCHOR, batchSeq, firstSeq: batchSeq * 2n, lastSeq: batchSeq * 2n + 1n, prevCommitment: h("prev"), configDigest: h("cfg"), root: h(`root ${batchSeq}`) } as const;
  const bundle = buildBatchBundle(fields, entries, [{ tenantId: TENANT_A, seq: 3, head: h("head a") }]);
  const bytes = bundleBytes(bundle);
  const bundleHash = bundleHashOf(bytes);
  store.openBatch(batchSeq);
  store.sealBatch({
    batchSeq,
    header: { batchSeq, firstSeq: fields.firstSeq, lastSeq: fields.lastSeq, count: 2n, root: fields.root, prevCommitment: fields.prevCommitment, bundleHash, configDigest: fields.configDigest },
    bundleJson: canonicalJson(bundle),
    assignments: [],
  });
  return { bundleHash, bytes };
}

describe("createArchiver (against a real arlocal)", function () {
  this.timeout(120_000);
  let wallet: JWKInterface;
  let dir: string;
  let dbFile: string;
  let gateway: LocalArweave | undefined;
  const open = (): Database => openDatabase({ file: dbFile, migrations: { batches: batchMigrations, archive: archiveMigrations } });

  // One gateway for the tests that do not take it down (an arlocal start costs seconds).
  let shared: LocalArweave | undefined;
  const sharedGateway = async (): Promise<LocalArweave> => {
    if (!shared) {
      shared = await startLocalArweave();
      await shared.mint(await shared.arweave.wallets.jwkToAddress(wallet));
    }
    return shared;
  };
  before(async () => {
    wallet = await loadArweaveWallet("relayer/devnet/devArweaveWallet.json");
  });
  after(async () => {
    await shared?.stop();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "nsf-archive-test-"));
    dbFile = path.join(dir, "relayer.sqlite");
  });
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const archiverOn = (database: Database, arweave: Arweave, extra: Partial<Parameters<typeof createArchiver>[0]> = {}): Archiver =>
    createArchiver({
      common: createCommon({ logLevel: "silent" }),
      store: createArchiveStore({ database }),
      batches: createBatchStore({ database }),
      arweave,
      wallet,
      pollMs: 10,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      ...extra,
    });

  async function drain(archiver: Archiver, g: LocalArweave, rounds = 6): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      await archiver.tick();
      await g.mine();
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  it("signs before the anchor without the gateway, queues through an outage, then posts each bundle exactly once: tagged, found by GraphQL, bytes equal and hashing to bundleHash", async () => {
    const gatewayDir = path.join(dir, "gateway");
    gateway = await startLocalArweave({ dataDir: gatewayDir });
    await gateway.mint(await gateway.arweave.wallets.jwkToAddress(wallet));
    const database = open();
    const batches = createBatchStore({ database });
    const archiver = archiverOn(database, gateway.arweave);
    await archiver.tick(); // learns the gateway's anchor and price

    // The gateway goes down; three batches are signed by their quorum and anchored meanwhile.
    const port = gateway.port;
    await gateway.stop();
    const sealed = [1n, 2n, 3n].map((seq) => sealSyntheticBatch(batches, seq));
    for (const seq of [1n, 2n, 3n]) await archiver.prepare(seq);
    const locators = [1n, 2n, 3n].map((seq) => archiver.locatorOf(seq));
    for (const locator of locators) expect(locator).to.match(/^0x[0-9a-f]{64}$/).and.not.equal(NO_ARWEAVE_LOCATOR);
    expect(new Set(locators).size).to.equal(3);
    // Preparing again changes nothing (the anchor may be re-submitted after a crash or reorg).
    await archiver.prepare(2n);
    expect(archiver.locatorOf(2n)).to.equal(locators[1]);

    await archiver.tick();
    await archiver.tick();
    let status = archiver.status();
    expect(status.signed).to.equal(3);
    expect(status.failedAttempts).to.be.greaterThan(0);
    expect(status.confirmed).to.equal(0);

    // Back up (same data, same port): everything is posted, mined and confirmed.
    gateway = await startLocalArweave({ dataDir: gatewayDir, port });
    await drain(archiver, gateway);
    status = archiver.status();
    expect(status).to.include({ unsigned: 0, signed: 0, posted: 0, confirmed: 3 });
    const rows = createArchiveStore({ database }).all();
    expect(rows.map((r) => r.posts)).to.deep.equal([1, 1, 1]);

    for (const [i, seq] of [1n, 2n, 3n].entries()) {
      const txId = locatorToArweaveId(locators[i]!);
      const data = (await gateway.arweave.transactions.getData(txId, { decode: true })) as Uint8Array;
      expect(Buffer.from(data).equals(Buffer.from(sealed[i]!.bytes))).to.equal(true);
      expect(bundleHashOf(data)).to.equal(sealed[i]!.bundleHash);
      const found = await gateway.arweave.api.post("graphql", {
        query: `query($hash: String!, $seq: String!) { transactions(tags: [{ name: "App-Name", values: ["${ARCHIVE_APP_NAME}"] }, { name: "Bundle-Hash", values: [$hash] }, { name: "Batch-Seq", values: [$seq] }, { name: "Tenant-Id", values: ["${TENANT_B}"] }]) { edges { node { id tags { name value } } } } }`,
        variables: { hash: sealed[i]!.bundleHash, seq: seq.toString() },
      });
      const edges = found.data.data.transactions.edges as { node: { id: string; tags: { name: string; value: string }[] } }[];
      expect(edges.map((e) => e.node.id)).to.deep.equal([txId]);
      const tags = Object.fromEntries(edges[0]!.node.tags.filter((t) => t.name !== "Tenant-Id").map((t) => [t.name, t.value]));
      expect(tags).to.deep.include({ "Chain-Id": "31337", "Anchor-Contract": ANCHOR.toLowerCase(), "Batch-Seq": seq.toString(), "Merkle-Root": h(`root ${seq}`), "Content-Type": "application/json" });
      expect(edges[0]!.node.tags.filter((t) => t.name === "Tenant-Id").map((t) => t.value)).to.deep.equal([TENANT_A, TENANT_B].sort());
      // The on-chain locator is the transaction id: SHA-256 of its signature.
      const tx = await gateway.arweave.transactions.get(txId);
      expect(`0x${createHash("sha256").update(Buffer.from(tx.signature, "base64url")).digest("hex")}`).to.equal(locators[i]);
    }
    database.close();
  });

  it("resumes after a restart mid-queue: rows persisted before the crash are posted by the next process, once", async () => {
    const gateway = await sharedGateway();
    let database = open();
    sealSyntheticBatch(createBatchStore({ database }), 1n);
    sealSyntheticBatch(createBatchStore({ database }), 2n);
    const first = archiverOn(database, gateway.arweave);
    await first.tick();
    await first.prepare(1n);
    await first.prepare(2n);
    const locator = first.locatorOf(1n);
    // One upload pass for batch 1 only, then the process dies.
    const one = archiverOn(database, gateway.arweave, { batchSize: 1 });
    await one.tick();
    database.close();

    database = open();
    const second = archiverOn(database, gateway.arweave);
    expect(second.locatorOf(1n)).to.equal(locator);
    await drain(second, gateway);
    expect(second.status()).to.include({ confirmed: 2, signed: 0, posted: 0 });
    expect(createArchiveStore({ database }).all().map((r) => r.posts)).to.deep.equal([1, 1]);
    database.close();
  });

  it("with no gateway ever reached: the anchor carries no locator, the bundle waits unsigned and is archived once a gateway answers", async () => {
    const database = open();
    sealSyntheticBatch(createBatchStore({ database }), 1n);
    const unreachable = Arweave.init({ host: "127.0.0.1", port: 9, protocol: "http", logging: false });
    const offline = archiverOn(database, unreachable);
    await offline.tick();
    await offline.prepare(1n);
    expect(offline.locatorOf(1n)).to.equal(NO_ARWEAVE_LOCATOR);
    expect(offline.status().unsigned).to.equal(1);

    const gateway = await sharedGateway();
    const online = archiverOn(database, gateway.arweave);
    await drain(online, gateway);
    expect(online.status()).to.include({ confirmed: 1, unsigned: 0 });
    expect(online.locatorOf(1n)).to.equal(NO_ARWEAVE_LOCATOR);
    database.close();
  });

  it("converts Arweave ids to 32-byte locators and back, refusing malformed ones", () => {
    const id = "XW_VPsQFb9Oil2EHxSSJhXkuPvruKOpnKAJgq8nRhiE";
    expect(locatorToArweaveId(arweaveIdToLocator(id))).to.equal(id);
    expect(() => arweaveIdToLocator("short")).to.throw(/43 base64url/);
    expect(() => locatorToArweaveId("0x12" as Hex)).to.throw(/32 bytes/);
  });
});
