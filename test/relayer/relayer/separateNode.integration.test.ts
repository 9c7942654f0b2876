import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Hex } from "viem";
import { runClauseRegister } from "../../../relayer/cli/commands/clauseRegister.js";
import { runClauseTrigger } from "../../../relayer/cli/commands/clauseTrigger.js";
import { createCommon } from "../../../relayer/common/Common.js";
import { resolveRelayerConfig, type RelayerConfigInput } from "../../../relayer/config/relayerConfig.js";
import type { BatchBundle } from "../../../relayer/core/batching/batchBundle.js";
import { executionProofOf } from "../../../relayer/core/batching/executionProof.js";
import { decodeClauseOutput } from "../../../relayer/core/formats/output.js";
import { devDeploymentOf } from "../../../relayer/devnet/devDeployment.js";
import { devRelayerConfig } from "../../../relayer/devnet/devRelayerConfig.js";
import { silentProgress } from "../../../relayer/devnet/progress.js";
import { exampleClauseDir } from "../../../relayer/devnet/setUpDevNetwork.js";
import { waitForAnchors } from "../../../relayer/devnet/waitForAnchors.js";
import { createRelayer, type Relayer } from "../../../relayer/relayer/createRelayer.js";
import { batchMigrations, createBatchStore } from "../../../relayer/store/batchStore.js";
import { openDatabase } from "../../../relayer/store/openDatabase.js";
import { spawnNsf, type NsfProcess } from "../../helpers/spawnNsf.js";
import { separateNodeFixture, type SeparateNodeFixture } from "../helpers/separateNodeFixture.js";

describe("relayer (createRelayer, nsf relayer start) against a separately started `hardhat node` process", function () {
  this.timeout(240_000);
  let f: SeparateNodeFixture;

  before(async () => {
    f = await separateNodeFixture({ blockTimeMs: 500 });
  });
  after(async () => {
    await f?.close();
  });

  const tempDir = () => mkdtempSync(path.join(tmpdir(), "nsf-relayer-it-"));
  async function configFor(dir: string, overrides: { batchWindowMs?: number; maxBatchSize?: number } = {}) {
    return devRelayerConfig({
      rpcUrl: f.node.url,
      network: f.dev.network,
      nodes: f.executors,
      startBlock: await f.client.getBlockNumber(),
      databaseFile: path.join(dir, "relayer.db"),
      inputsDirectory: path.join(dir, "inputs"),
      batchWindowMs: overrides.batchWindowMs ?? 300,
      ...(overrides.maxBatchSize ? { maxBatchSize: overrides.maxBatchSize } : {}),
      pollIntervalMs: 100,
      httpPort: 0,
      logLevel: "silent",
    });
  }
  async function startInProcess(dir: string): Promise<Relayer> {
    const { input, env } = await configFor(dir);
    const relayer = await createRelayer({ common: createCommon({ logLevel: "silent" }), config: resolveRelayerConfig(input, env) });
    await relayer.start();
    return relayer;
  }
  const bundleOf = (relayer: Relayer, batchSeq: bigint) => JSON.parse(relayer.batches.bundleJson(batchSeq)!) as BatchBundle;

  it("anchors a sensor-triggered job end to end; the leaf verifies on-chain; /status and /metrics report it", async () => {
    const relayer = await startInProcess(tempDir());
    try {
      const jobId = await f.fireFlood(1_875n);
      const [anchored] = await waitForAnchors({ jobs: relayer.jobs, batches: relayer.batches, watch: [{ jobId, label: "flood" }], progress: silentProgress, signal: new AbortController().signal, timeoutMs: 60_000, pollMs: 50 });
      const proof = executionProofOf(bundleOf(relayer, anchored!.batchSeq), jobId);
      const anchor = f.dev.network.contracts.rollupAnchor;
      expect(await anchor.verifyInclusion(proof.batch, proof.leaf, proof.proof)).to.equal(true);
      await anchor.verifyExecution(proof.batch, proof.leaf, proof.proof, proof.ctx, proof.executors, { minExecutors: 3, jurisdiction: "0x4b454e" });
      expect(decodeClauseOutput(proof.output)).to.deep.equal({ status: 1, action: "Payout:FloodRelief", amounts: [1_200n * 50_000_000n] });
      const events = await anchor.queryFilter(anchor.filters.BatchAnchored(anchored!.batchSeq));
      expect(events).to.have.length(1);
      expect(events[0]!.args.root).to.equal(proof.batch.root);

      const status = (await (await fetch(`${relayer.statusUrl}/status`)).json()) as { schema: string; jobs: { byState: Record<string, number> }; batches: { lastAnchoredBatchSeq: string }; rpc: string };
      expect(status.schema).to.equal("nsf.relayer-status/1");
      expect(status.jobs.byState.agreed).to.equal(1);
      expect(status.batches.lastAnchoredBatchSeq).to.equal(anchored!.batchSeq.toString());
      expect(status.rpc).to.equal(new URL(f.node.url).origin);
      const metrics = await (await fetch(`${relayer.statusUrl}/metrics`)).text();
      expect(metrics).to.include('nsf_relayer_jobs{state="agreed"} 1');
      expect(metrics).to.include('nsf_aggregator_batches{state="anchored"} 1');
      expect(metrics).to.match(/nsf_relayer_job_transitions_total\{state="agreed",tenant="0x[0-9a-f]{64}"\} 1/);
      expect((await fetch(`${relayer.statusUrl}/healthz`)).status).to.equal(200);
    } finally {
      await relayer.stop();
    }
  });

  it("refuses a config for another chain and an unreachable RPC endpoint with typed errors, before anything starts", async () => {
    const { input, env } = await configFor(tempDir());
    const wrongChain = await createRelayer({ common: createCommon({ logLevel: "silent" }), config: resolveRelayerConfig({ ...input, chain: { ...input.chain, chainId: 1 } }, env) }).catch((e: unknown) => e);
    expect(wrongChain).to.have.property("code", "NSF_CONFIG_INVALID");
    expect((wrongChain as { details: string }).details).to.match(/^chain\.chainId: configured 1, but http:\/\/127\.0\.0\.1:\d+ serves chain 31337/);
    const down = await createRelayer({ common: createCommon({ logLevel: "silent" }), config: resolveRelayerConfig({ ...input, chain: { ...input.chain, rpcUrl: "http://127.0.0.1:9" } }, env) }).catch((e: unknown) => e);
    expect(down).to.have.property("code", "NSF_RPC_UNAVAILABLE");
    expect(down).to.have.property("retryable", true);
  });

  it("nsf clause register and nsf clause trigger pass real HealthDAO proposals; the relayer anchors the DAO-triggered job", async () => {
    const dir = tempDir();
    const relayer = await startInProcess(dir);
    try {
      const deployment = path.join(dir, "deployment.json");
      writeFileSync(deployment, JSON.stringify(await devDeploymentOf(f.dev, { rpcUrl: f.node.url, inputsDirectory: path.join(dir, "inputs"), relayerConfig: path.join(dir, "relayer.json"), statusUrl: relayer.statusUrl })));
      const quiet = () => undefined;
      const registered = await runClauseRegister({ deployment, dao: "HealthDAO", clause: exampleClauseDir("food-toxin"), jurisdiction: ["UGA"], quorum: "2/3", inCountry: true, priority: "disaster", write: quiet });
      expect(registered.owner).to.equal(f.dev.daos.health.timelockAddress);
      const triggered = await runClauseTrigger({ deployment, dao: "HealthDAO", clause: "CODEX::Food::ToxinThreshold@1.0.0", jurisdiction: "UGA", set: ["lot_id=42", "toxin_ppm_x1000=21"], write: quiet });
      const [anchored] = await waitForAnchors({ jobs: relayer.jobs, batches: relayer.batches, watch: [{ jobId: triggered.jobId, label: "toxin" }], progress: silentProgress, signal: new AbortController().signal, timeoutMs: 60_000, pollMs: 50 });
      const proof = executionProofOf(bundleOf(relayer, anchored!.batchSeq), triggered.jobId);
      expect(decodeClauseOutput(proof.output)).to.deep.equal({ status: 2, action: "Revoke:FoodExportVC", amounts: [42n, 21n, 15n] }); // lot, measured, limit (ppm × 1000)
      expect(proof.signers).to.have.length(2);
      expect(await f.dev.network.contracts.rollupAnchor.verifyInclusion(proof.batch, proof.leaf, proof.proof)).to.equal(true);
    } finally {
      await relayer.stop();
    }
  });

  it("kill -9 of the relayer process in the middle of a batch, twice, then restart: every execution is anchored exactly once", async () => {
    const dir = tempDir();
    const { input, env } = await configFor(dir, { batchWindowMs: 1_500, maxBatchSize: 3 });
    const configFile = path.join(dir, "relayer.json");
    writeFileSync(configFile, JSON.stringify(input as RelayerConfigInput));
    const databaseFile = path.join(dir, "relayer.db");
    const firstAnchoredBefore = await f.dev.network.contracts.rollupAnchor.queryFilter(f.dev.network.contracts.rollupAnchor.filters.BatchAnchored());
    const start = async (): Promise<NsfProcess> => {
      const child = spawnNsf(["relayer", "start", "--config", configFile], { env: { ...env, NSF_RELAYER_LOG_LEVEL: "info" } });
      await child.waitFor('"msg":"relayer started"', 60_000);
      return child;
    };
    // Reads the relayer's database from outside while the process runs (WAL: readers never block the writer).
    const look = () => {
      const db = new DatabaseSync(databaseFile, { readOnly: true });
      try {
        const one = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
        return {
          pending: one("SELECT COUNT(*) AS n FROM agg_results WHERE batch_seq IS NULL"),
          midBatch: one("SELECT COUNT(*) AS n FROM agg_batches WHERE state IN ('sealed','signed','submitted')"),
          signedNotSent: one("SELECT COUNT(*) AS n FROM agg_tx_outbox WHERE state = 'signed'"),
          anchoredJobs: (db.prepare("SELECT r.job_id AS j FROM agg_results r JOIN agg_batches b ON b.batch_seq = r.batch_seq WHERE b.state = 'anchored'").all() as { j: string }[]).map((r) => r.j),
        };
      } finally {
        db.close();
      }
    };
    const until = async (what: string, condition: () => boolean, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          if (condition()) return;
        } catch {
          // the database may not exist yet
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(safeLook())}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const safeLook = () => {
      try {
        return look();
      } catch {
        return undefined;
      }
    };
    const jobs: Hex[] = [];

    // Crash 1: agreed results are pending in an open batch window.
    let relayer = await start();
    for (let i = 0; i < 4; i++) jobs.push(await f.fireFlood());
    await until("results pending in a batch window", () => look().pending > 0);
    relayer.child.kill("SIGKILL");
    expect((await relayer.exited).signal).to.equal("SIGKILL");
    const atCrash1 = look();
    expect(atCrash1.anchoredJobs.length, "crash 1 happened before everything was anchored").to.be.lessThan(jobs.length);

    // Crash 2: a batch sealed, co-signed or submitted (or a signed anchor not yet sent), not anchored.
    relayer = await start();
    for (let i = 0; i < 3; i++) jobs.push(await f.fireFlood());
    await until("a batch in the middle of its life", () => {
      const s = look();
      return s.midBatch > 0 || s.signedNotSent > 0;
    });
    relayer.child.kill("SIGKILL");
    await relayer.exited;
    expect(look().anchoredJobs.length, "crash 2 happened before everything was anchored").to.be.lessThan(jobs.length);

    // Restart and let it finish; a clean stop exits 0.
    relayer = await start();
    await until("every job anchored", () => jobs.every((j) => look().anchoredJobs.includes(j)), 120_000);
    relayer.child.kill("SIGTERM");
    expect((await relayer.exited).code).to.equal(0);

    // The chain: batch sequences contiguous, each anchored once, ranges tiling 1..lastSeq; every job in exactly one leaf.
    const anchor = f.dev.network.contracts.rollupAnchor;
    const events = (await anchor.queryFilter(anchor.filters.BatchAnchored())).map((e) => ({ batchSeq: e.args.batchSeq, root: e.args.root as Hex, lastSeq: e.args.lastSeq }));
    expect(events.map((e) => e.batchSeq)).to.deep.equal(events.map((_, i) => BigInt(i + 1)));
    const store = createBatchStore({ database: openDatabase({ file: databaseFile, migrations: { batches: batchMigrations } }) });
    const seen = new Map<string, number>();
    let previousLastSeq = firstAnchoredBefore.length ? firstAnchoredBefore[firstAnchoredBefore.length - 1]!.args.lastSeq : 0n;
    for (const event of events.slice(firstAnchoredBefore.length)) {
      const bundle = JSON.parse(store.bundleJson(event.batchSeq)!) as BatchBundle;
      expect(BigInt(bundle.batch.first_seq)).to.equal(previousLastSeq + 1n);
      expect(BigInt(bundle.batch.last_seq)).to.equal(event.lastSeq);
      expect(bundle.batch.root).to.equal(event.root.toLowerCase());
      previousLastSeq = event.lastSeq;
      for (const result of bundle.results) {
        seen.set(result.job_id, (seen.get(result.job_id) ?? 0) + 1);
        const proof = executionProofOf(bundle, result.job_id as Hex);
        expect(await anchor.verifyInclusion(proof.batch, proof.leaf, proof.proof)).to.equal(true);
      }
    }
    for (const jobId of jobs) expect(seen.get(jobId), `job ${jobId} anchored exactly once`).to.equal(1);
    expect([...seen.keys()].sort()).to.deep.equal([...jobs].sort());
    expect(store.status().batches.conflicted).to.equal(0);
  });
});
