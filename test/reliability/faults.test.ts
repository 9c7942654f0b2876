import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Hex } from "viem";
import { decodeClauseOutput } from "../../relayer/core/formats/output.js";
import { createFaultProxy, type FaultProxy } from "../../relayer/faults/createFaultProxy.js";
import { FAULT_CHECKPOINTS } from "../../relayer/faults/faultPoint.js";
import { spawnNsf, type NsfProcess } from "../helpers/spawnNsf.js";
import { separateNodeFixture, type SeparateNodeFixture } from "../relayer/helpers/separateNodeFixture.js";
import { readAnchorLedger, readJobOutcomes, type AnchorLedger } from "./harness/anchorLedger.js";
import { recordFaultOutcome } from "./harness/faultOutcomes.js";
import { startRelayerProcess, until, writeRelayerSetup, type RelayerSetup } from "./harness/relayerProcess.js";

/**
 * The fast fault suite (issue 7, ADR 0018): one local chain (`hardhat node` process, interval mining), five
 * executor nodes in Kenya (flood clause: 3 of 5, in-country), the relayer as an `nsf relayer start` process whose
 * RPC endpoint and node URLs are fault proxies. Scenarios run in order on one relayer database, so the final
 * ledger check covers every job of every scenario: each requested job anchored exactly once or rejected with a
 * reason, none lost.
 */
describe("reliability: fault injection against the relayer process (fast suite)", function () {
  this.timeout(300_000);
  let f: SeparateNodeFixture;
  let rpc: FaultProxy;
  let nodes: FaultProxy[];
  let setup: RelayerSetup;
  let relayer: NsfProcess | undefined;
  const fired: Hex[] = [];
  // The crash-free output of the flood clause for every answer these tests fire (all above the threshold).
  const expectedOutput = { status: 1, action: "Payout:FloodRelief", amounts: [1_200n * 50_000_000n] };
  const ledger = () => readAnchorLedger({ rollupAnchor: f.dev.network.contracts.rollupAnchor, databaseFile: setup.databaseFile });
  const anchoredSet = async () => new Set((await ledger()).leaves.map((l) => l.jobId));
  const fire = async (n = 1) => {
    for (let i = 0; i < n; i++) fired.push(await f.fireFlood());
    return fired.slice(-n);
  };
  const allAnchored = async (jobs: readonly Hex[], timeoutMs = 60_000) => {
    let last: Set<Hex> = new Set();
    await until(`${jobs.length} jobs anchored`, async () => {
      last = await anchoredSet();
      return jobs.every((j) => last.has(j));
    }, timeoutMs, () => ({ missing: jobs.filter((j) => !last.has(j)), outcomes: [...readJobOutcomes(setup.databaseFile)].filter(([j]) => jobs.includes(j)) }));
  };
  const ensureRelayer = async () => {
    if (relayer && relayer.child.exitCode === null && relayer.child.signalCode === null) return relayer;
    relayer = await startRelayerProcess(setup);
    return relayer;
  };
  const expectExactlyOnce = (l: AnchorLedger, jobs: readonly Hex[]) => {
    expect(l.problems, "ledger problems").to.deep.equal([]);
    expect(l.duplicates, "jobs anchored twice").to.deep.equal([]);
    const anchored = new Set(l.leaves.map((x) => x.jobId));
    for (const j of jobs) expect(anchored.has(j), `job ${j} anchored`).to.equal(true);
  };

  before(async () => {
    f = await separateNodeFixture({ blockTimeMs: 500, jurisdictions: ["KEN", "KEN", "KEN", "KEN", "KEN"] });
    rpc = await createFaultProxy({ target: f.node.url });
    nodes = await Promise.all(f.executors.map((e) => createFaultProxy({ target: e.url })));
    setup = await writeRelayerSetup(f, mkdtempSync(path.join(tmpdir(), "nsf-reliability-")), {
      rpcUrl: rpc.url,
      nodes: f.executors.map((e, i) => ({ url: nodes[i]!.url, enclaveKey: e.enclaveKey })),
      batchWindowMs: 400,
      maxBatchSize: 4,
      dispatch: { timeoutMs: 3_000, retry: { retries: 1, baseDelayMs: 100, maxDelayMs: 500 } },
    });
  });
  after(async () => {
    if (relayer && relayer.child.exitCode === null) {
      relayer.child.kill("SIGTERM");
      await relayer.exited;
    }
    await Promise.all([rpc, ...(nodes ?? [])].filter(Boolean).map((p) => p.close()));
    await f?.close();
  });

  it("kill -9 at each pipeline checkpoint, then restart: every job anchored exactly once with its crash-free output", async () => {
    const started = Date.now();
    for (const checkpoint of FAULT_CHECKPOINTS) {
      const child = await startRelayerProcess(setup, { killAt: checkpoint });
      await fire(2);
      const exit = await Promise.race([child.exited, new Promise<"alive">((r) => setTimeout(() => r("alive"), 60_000))]);
      expect(exit, `relayer reached ${checkpoint}`).to.not.equal("alive");
      expect((exit as { signal: string }).signal).to.equal("SIGKILL");
      expect(child.stderr()).to.include(`nsf fault: SIGKILL at ${checkpoint}`);
    }
    relayer = await startRelayerProcess(setup);
    await allAnchored(fired);
    const l = await ledger();
    expectExactlyOnce(l, fired);
    const outputs = new Set(l.leaves.map((x) => x.output));
    expect(outputs.size, "one output for identical inputs").to.equal(1);
    expect(decodeClauseOutput(l.leaves[0]!.output)).to.deep.equal(expectedOutput);
    recordFaultOutcome({ fault: "process-kill-each-checkpoint", observed: `${FAULT_CHECKPOINTS.length} kills (${FAULT_CHECKPOINTS.join(", ")}); ${fired.length} jobs, ${l.leaves.length} leaves in ${l.batches.length} batches, 0 duplicates, 0 lost`, ms: Date.now() - started });
  });

  it("RPC proxy faults (drops, truncated replies, empty eth_getLogs, reordered replies, a lagging node) lose nothing", async () => {
    const started = Date.now();
    await ensureRelayer();
    const jobs: Hex[] = [];
    const phases = [
      { drop: 0.2, truncate: 0.1 },
      { emptyLogs: 0.6, reorderMs: 40 },
      { lagBlocks: 3, emptyLogs: 0.3 },
    ];
    for (const faults of phases) {
      rpc.setFaults(faults);
      const phaseEnds = Date.now() + 3_000; // long enough for dozens of polls under each fault
      jobs.push(...(await fire(2)));
      await new Promise((r) => setTimeout(r, Math.max(0, phaseEnds - Date.now())));
    }
    await allAnchored(jobs, 90_000).finally(() => rpc.setFaults({}));
    expectExactlyOnce(await ledger(), jobs);
    expect(rpc.injected.drop + rpc.injected.truncate, "drops and truncations injected").to.be.greaterThan(0);
    expect(rpc.injected.emptyLogs, "empty eth_getLogs answers injected").to.be.greaterThan(0);
    expect(rpc.injected.lag).to.be.greaterThan(0);
    recordFaultOutcome({ fault: "rpc-proxy", observed: `injected ${JSON.stringify(rpc.injected)}; ${jobs.length} jobs anchored exactly once, 0 lost`, ms: Date.now() - started });
  });

  it("executors dying mid-job (the first two nodes a job reaches are cut after its request arrived, for good): fallback nodes complete it", async () => {
    const started = Date.now();
    await ensureRelayer();
    const dead = new Set<number>();
    nodes.forEach((p, i) =>
      p.setInterceptor(() => {
        if (dead.has(i)) return "cut";
        if (dead.size < 2) {
          dead.add(i);
          return "cut";
        }
        return undefined;
      }),
    );
    try {
      const jobs = await fire(2);
      await allAnchored(jobs);
      expectExactlyOnce(await ledger(), jobs);
      expect(dead.size, "two nodes died mid-request").to.equal(2);
      recordFaultOutcome({ fault: "executor-dies-mid-job", observed: `nodes ${[...dead].join(", ")} died on their first request of the job (connection cut after the request arrived, never back); each job agreed on 3 fallback nodes and was anchored exactly once`, ms: Date.now() - started });
    } finally {
      nodes.forEach((p) => p.setInterceptor(undefined));
    }
  });

  it("a partition below quorum posts no anchor; after healing, new work drains", async () => {
    const started = Date.now();
    await ensureRelayer();
    const before = (await ledger()).batches.length;
    for (const p of nodes.slice(0, 3)) p.setFaults({ partition: true });
    const cut = await fire(2);
    await until("the partitioned jobs settled", () => cut.every((j) => ["failed", "expired"].includes(readJobOutcomes(setup.databaseFile).get(j)?.state ?? "")), 60_000, () => cut.map((j) => readJobOutcomes(setup.databaseFile).get(j)));
    expect((await ledger()).batches.length, "no anchor while below quorum").to.equal(before);
    const reasons = cut.map((j) => readJobOutcomes(setup.databaseFile).get(j)!.code);
    for (const p of nodes) p.setFaults({});
    const healed = await fire(2);
    await allAnchored(healed);
    const l = await ledger();
    expectExactlyOnce(l, healed);
    for (const j of cut) expect(l.leaves.some((x) => x.jobId === j), "a job of the partition is never anchored").to.equal(false);
    recordFaultOutcome({ fault: "partition-below-quorum", observed: `no anchor during the partition; its ${cut.length} jobs ended failed (${[...new Set(reasons)].join(", ")}); after healing ${healed.length} new jobs anchored`, ms: Date.now() - started });
  });

  it("two relayer instances on one database with a lease: one leads, the standby takes over after kill -9, no double anchoring", async () => {
    const started = Date.now();
    if (relayer && relayer.child.exitCode === null) {
      relayer.child.kill("SIGTERM");
      await relayer.exited;
    }
    writeFileSync(setup.configFile, JSON.stringify({ ...setup.input, lease: { ttlMs: 2_000 } }));
    const spawnInstance = () => spawnNsf(["relayer", "start", "--config", setup.configFile], { env: { ...setup.env, NSF_RELAYER_LOG_LEVEL: "info" } });
    const a = spawnInstance();
    await a.waitFor('"msg":"relayer started"', 90_000);
    const b = spawnInstance();
    try {
      await b.waitFor("standby: another relayer instance holds the lease", 90_000);
      const first = await fire(2);
      await allAnchored(first);
      expect(b.stdout(), "the standby never starts while the leader holds the lease").to.not.include('"msg":"relayer started"');
      a.child.kill("SIGKILL");
      await a.exited;
      const killedAt = Date.now();
      await b.waitFor('"msg":"relayer started"', 90_000);
      const takeoverMs = Date.now() - killedAt;
      const second = await fire(2);
      await allAnchored(second);
      const l = await ledger();
      expectExactlyOnce(l, [...first, ...second]);
      recordFaultOutcome({ fault: "two-relayers-lease", observed: `leader killed -9; the standby held the lease and started ${takeoverMs} ms later (lease ttl 2 s); ${first.length + second.length} jobs anchored exactly once across both`, ms: Date.now() - started });
    } finally {
      b.child.kill("SIGTERM");
      await b.exited;
      writeFileSync(setup.configFile, JSON.stringify(setup.input));
    }
  });

  it("the ledger adds up: every requested job is anchored exactly once or rejected with a reason; none lost", async () => {
    const router = f.dev.network.contracts.jobRouter;
    const requested = (await router.queryFilter(router.filters.JobRequested())).map((e) => (e.args.jobId as string).toLowerCase() as Hex);
    for (const j of fired) expect(requested).to.include(j);
    const l = await ledger();
    const anchored = new Set(l.leaves.map((x) => x.jobId));
    const outcomes = readJobOutcomes(setup.databaseFile);
    const rejected = requested.filter((j) => !anchored.has(j) && ["failed", "expired", "disputed"].includes(outcomes.get(j)?.state ?? "") && outcomes.get(j)?.code);
    const lost = requested.filter((j) => !anchored.has(j) && !rejected.includes(j));
    expect(lost).to.deep.equal([]);
    expect(l.duplicates).to.deep.equal([]);
    recordFaultOutcome({ fault: "ledger", observed: `requested ${requested.length} = anchored ${anchored.size} + rejected ${rejected.length}; lost ${lost.length}`, ms: 0 });
  });
});
