import { expect } from "chai";
import { network } from "hardhat";
import type { Hex, PublicClient } from "viem";
import { splitSignature } from "../../relayer/core/quorum/signature.js";
import type { BatchBundle } from "../../relayer/core/batching/batchBundle.js";
import { cacFromJson } from "../../relayer/core/cac/cacJson.js";
import type { AgreedResult } from "../../relayer/core/results/AgreedResult.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { createAggregator, type Aggregator } from "../../relayer/aggregator/createAggregator.js";
import { createBatcher } from "../../relayer/aggregator/createBatcher.js";
import { createTxManager, type TxManagerParameters } from "../../relayer/aggregator/createTxManager.js";
import type { CoSignerClient } from "../../relayer/aggregator/createCoSigner.js";
import { createBatchStore, type BatchStore } from "../../relayer/store/batchStore.js";
import type { Database } from "../../relayer/store/openDatabase.js";
import { deployPayout, MAX_PAYOUT, noActionOutput } from "../helpers/anchoredFixture.js";
import { clauseFixture, KEN, type ClauseFixture } from "../helpers/fixtures.js";
import type { DevStablecoin } from "../../typechain-types/index.js";
import { agreedResult, anchorOf, coSignerOf, fundedSubmitter, publicClientOf, readerOf, silentCommon, tempDatabase } from "./aggregatorFixture.js";

type Rig = { aggregator: Aggregator; store: BatchStore; database: Database };

describe("aggregator end to end (in-process Hardhat network)", () => {
  let connection: DevConnection;
  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
  });

  let f: ClauseFixture;
  let client: PublicClient;
  beforeEach(async () => {
    f = await connection.networkHelpers.loadFixture(clauseFixture);
    client = await publicClientOf(f);
  });

  async function rig(file: () => Database, options: { maxBatchSize?: number; coSigners?: (store: BatchStore) => CoSignerClient[]; tx?: Partial<TxManagerParameters> } = {}): Promise<Rig> {
    const database = file();
    const store = createBatchStore({ database });
    const common = silentCommon();
    const coSigners = options.coSigners?.(store) ?? f.roles.aggregators.slice(0, 4).map((a) => coSignerOf(f, client, a, store));
    const txManager = createTxManager({ common, store, publicClient: client, account: await fundedSubmitter(f), rollupAnchor: f.network.addresses.rollupAnchor, fees: { maxFeePerGasCap: 10n ** 12n }, ...options.tx });
    const batcher = createBatcher({ common, store, reader: readerOf(f, client), anchor: anchorOf(f), coSigners, txManager, batchWindowMs: 0, maxBatchSize: options.maxBatchSize ?? 4 });
    return { aggregator: createAggregator({ common, store, batcher }), store, database };
  }

  async function drain(r: Rig, rounds = 40): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      await r.aggregator.tick();
      const s = r.aggregator.status();
      if (s.pendingResults === 0 && s.batches.open + s.batches.sealed + s.batches.signed + s.batches.submitted === 0) return;
    }
    throw new Error(`not drained: ${JSON.stringify(r.aggregator.status(), (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
  }

  async function anchoredEvents(): Promise<{ batchSeq: bigint; root: Hex; lastSeq: bigint }[]> {
    const anchor = f.network.contracts.rollupAnchor;
    const logs = await anchor.queryFilter(anchor.filters.BatchAnchored());
    return logs.map((l) => ({ batchSeq: l.args.batchSeq, root: l.args.root as Hex, lastSeq: l.args.lastSeq }));
  }

  /** Every result of `results` is in exactly one anchored batch, sequences tile 1..N, and each leaf verifies on-chain. */
  async function expectAllAnchoredOnce(store: BatchStore, results: AgreedResult[]): Promise<Map<Hex, { bundle: BatchBundle; index: number }>> {
    const events = await anchoredEvents();
    const seqs = new Set(events.map((e) => e.batchSeq));
    expect(seqs.size, "one BatchAnchored per batch sequence").to.equal(events.length);
    const where = new Map<Hex, { bundle: BatchBundle; index: number }>();
    let expectedFirst = 1n;
    for (const event of [...events].sort((a, b) => (a.batchSeq < b.batchSeq ? -1 : 1))) {
      const bundle = JSON.parse(store.bundleJson(event.batchSeq)!) as BatchBundle;
      expect(BigInt(bundle.batch.first_seq)).to.equal(expectedFirst);
      expect(BigInt(bundle.batch.last_seq)).to.equal(event.lastSeq);
      expect(bundle.batch.root).to.equal(event.root.toLowerCase());
      expectedFirst = event.lastSeq + 1n;
      bundle.results.forEach((r, index) => {
        expect(where.has(r.job_id as Hex), `job ${r.job_id} anchored once`).to.equal(false);
        where.set(r.job_id as Hex, { bundle, index });
      });
    }
    expect(where.size).to.equal(results.length);
    for (const result of results) {
      const at = where.get(result.jobId.toLowerCase() as Hex)!;
      expect(at, `job ${result.jobId} anchored`).to.not.equal(undefined);
      const entry = at.bundle.results[at.index]!;
      const batch = { batchSeq: BigInt(at.bundle.batch.batch_seq), root: at.bundle.batch.root, lastSeq: BigInt(at.bundle.batch.last_seq) };
      expect(await f.network.contracts.rollupAnchor.verifyInclusion(batch, leafOf(entry), entry.proof)).to.equal(true);
      await f.network.contracts.rollupAnchor.verifyExecution(batch, leafOf(entry), entry.proof, ctxOf(entry), executorsOf(entry), { minExecutors: 3, jurisdiction: "0x000000" });
    }
    return where;
  }

  it("anchors N submitted results in contiguous batches; every leaf verifies and a triggered one is paid", async () => {
    const r = await rig(tempDatabase().open, { maxBatchSize: 4 });
    const results: AgreedResult[] = [];
    for (let i = 0; i < 10; i++) results.push(await agreedResult(f, `e2e-${i}`, i % 3 === 2 ? { output: noActionOutput } : {}));
    for (const result of results) await r.aggregator.submit(result);
    await r.aggregator.submit(results[0]!); // idempotent by job id
    expect(r.aggregator.status().pendingResults).to.equal(10);
    await drain(r);
    const where = await expectAllAnchoredOnce(r.store, results);
    expect(r.aggregator.status().batches.anchored).to.equal(3);

    const stablecoin = (await connection.ethers.deployContract("DevStablecoin")) as unknown as DevStablecoin;
    const payout = await deployPayout(f, stablecoin, {});
    await (await stablecoin.mint(await payout.getAddress(), MAX_PAYOUT)).wait();
    const at = where.get(results[4]!.jobId.toLowerCase() as Hex)!;
    const entry = at.bundle.results[at.index]!;
    const batch = { batchSeq: BigInt(at.bundle.batch.batch_seq), root: at.bundle.batch.root, lastSeq: BigInt(at.bundle.batch.last_seq) };
    const beneficiary = await f.actors.beneficiary.getAddress();
    const before = await stablecoin.balanceOf(beneficiary);
    await (await payout.claim(batch, leafOf(entry), entry.proof, executorsOf(entry), entry.output)).wait();
    expect((await stablecoin.balanceOf(beneficiary)) - before).to.be.greaterThan(0n);
    expect(KEN).to.equal("0x4b454e");
  });

  it("survives a kill -9 in the middle of a batch: reopen the database, every result anchored exactly once", async () => {
    const db = tempDatabase();
    let signaturesBeforeCrash = 1;
    const crashing = (store: BatchStore): CoSignerClient[] =>
      f.roles.aggregators.slice(0, 3).map((a) => {
        const real = coSignerOf(f, client, a, store);
        return {
          address: real.address,
          async sign(proposal) {
            if (signaturesBeforeCrash-- <= 0) throw new Error("SIGKILL");
            return real.sign(proposal);
          },
        };
      });
    const first = await rig(db.open, { maxBatchSize: 3, coSigners: crashing });
    const results: AgreedResult[] = [];
    for (let i = 0; i < 7; i++) results.push(await agreedResult(f, `crash-${i}`));
    for (const result of results) await first.aggregator.submit(result);
    await first.aggregator.tick().catch(() => undefined);
    // The process dies here: one co-signature persisted, the batch sealed, nothing anchored.
    first.database.close();
    expect(await anchoredEvents()).to.have.length(0);

    const second = await rig(db.open, { maxBatchSize: 3 });
    expect(second.aggregator.status().batches.sealed).to.equal(1);
    for (const result of results.slice(0, 3)) await second.aggregator.submit(result); // the pipeline re-submits after its own restart
    await drain(second);
    await expectAllAnchoredOnce(second.store, results);
  });
});

const leafOf = (entry: BatchBundle["results"][number]) => ({
  jobId: entry.job_id,
  resultSeq: BigInt(entry.result_seq),
  clauseId: entry.clause_id,
  tenantId: entry.tenant.tenant_id,
  inputHash: entry.input_hash,
  outputHash: entry.output_hash,
  cacSetHash: entry.cac_set_hash,
});

const ctxOf = (entry: BatchBundle["results"][number]) => {
  const { cac } = cacFromJson(entry.cacs[0]!.cac);
  return { clauseVersion: cac.clauseVersion, codeHash: cac.codeHash, configDigest: cac.configDigest };
};

const executorsOf = (entry: BatchBundle["results"][number]) =>
  entry.cacs.map((c) => {
    const { cac } = cacFromJson(c.cac);
    return { attempt: cac.attempt, runtimeHash: cac.runtimeHash, timestamp: cac.timestamp, ...splitSignature(c.signature as Hex) };
  });
