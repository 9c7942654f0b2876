import { expect } from "chai";
import { writeFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { getAddress, type Hex } from "viem";
import { recoverCacSigner } from "../../../relayer/core/cac/cacJson.js";
import { verifyAuditChain } from "../../../relayer/core/audit/auditChain.js";
import { canonicalJsonHash } from "../../../relayer/core/formats/canonicalJson.js";
import { decodeClauseOutput } from "../../../relayer/core/formats/output.js";
import { tenantIdOf } from "../../../relayer/core/formats/ids.js";
import type { AgreedResult, ResultSink } from "../../../relayer/core/results/AgreedResult.js";
import type { DevConnection } from "../../../relayer/devnet/connection.js";
import { createHttpNodeTransport } from "../../../relayer/pipeline/createHttpNodeTransport.js";
import { createInMemoryResultSink } from "../../../relayer/pipeline/createInMemoryResultSink.js";
import type { NodeTransport } from "../../../relayer/pipeline/NodeTransport.js";
import { privateKeyToAccount } from "viem/accounts";
import { buildOpenDisputeCalldata } from "../../../relayer/core/agreement/disputeEvidence.js";
import { chainTime, UGA } from "../../helpers/fixtures.js";
import { fireFlood, relayerNetworkFixture, SCHEDULER_KEY, startRelayer, type RelayerNetworkFixture } from "../helpers/relayerNetworkFixture.js";

/** 1,200 insured households × 50 USDC (6 decimals) at tier 1 (>= 150.0 mm). */
const TIER1_PAYOUT = 1_200n * 50_000_000n;

describe("relayer pipeline on the in-process Hardhat network with real executor nodes", function () {
  this.timeout(180_000);
  let connection: DevConnection;
  let f: RelayerNetworkFixture;

  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
    f = await relayerNetworkFixture(connection);
  });
  after(async () => {
    await f?.close();
  });

  it("sensor trigger → job → 3 in-country nodes → AgreedResult with valid CACs in the sink", async () => {
    const sink = createInMemoryResultSink();
    const relayer = await startRelayer(f, { sink });
    const jobId = await fireFlood(f);
    await connection.networkHelpers.mine(1);
    await relayer.pipeline.runUntilIdle();

    const job = relayer.store.getJob(jobId)!;
    expect(job.state).to.equal("agreed");
    const result = sink.results.get(jobId)!;
    expect(result.clauseRef).to.equal("UNDRR::Disaster::FloodPayout@1.0.0");
    expect(result.tenantId).to.equal(f.tenantId);
    expect(result.jurisdiction).to.equal("KEN");
    expect(result.cacs, JSON.stringify(relayer.store.attemptsOf(jobId), (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).to.have.length(3);
    const output = decodeClauseOutput(result.output);
    expect(output).to.deep.equal({ status: 1, action: "Payout:FloodRelief", amounts: [TIER1_PAYOUT] });
    // The bundle the nodes hashed carries the on-chain commitment and the feed round.
    const bundle = result.inputBundle as { trigger: { commitment: Hex; answer: string }; values: Record<string, string> };
    expect(bundle.trigger.answer).to.equal("1875");
    expect(bundle.values).to.deep.equal({ insured_households: "1200", rainfall_72h_mm_x10: "1875" });
    expect(canonicalJsonHash(bundle)).to.equal(result.inputHash);
    const ken = f.honest.filter((e) => e.jurisdiction === "KEN").map((e) => e.enclave.address);
    for (const c of result.cacs) {
      expect(await recoverCacSigner(c.json, c.signature)).to.equal(c.signer);
      expect(ken).to.include(c.signer);
      expect(c.cac.configDigest).to.equal(((await f.network.contracts.clauseRegistry.getClause(f.clauseId)).configDigest as string).toLowerCase());
    }
    // NodeRegistry agrees that every signer counts for a KEN-only requirement at its CAC time.
    const words = result.cacs.map((c) => (BigInt(c.signer) << 64n) | c.cac.timestamp);
    await f.network.contracts.nodeRegistry.checkExecutors(words, "0x4b454e");
    // The UGA node was assessed and left out for the in-country policy, with the reason recorded.
    const uga = f.honest.find((e) => e.jurisdiction === "UGA")!.enclave.address;
    const assessment = (job.selection as { enclaveKey: string; reasons: string[] }[]).find((a) => a.enclaveKey === uga)!;
    expect(assessment.reasons[0]).to.equal("located in UGA, clause requires in-country (KEN)");
    expect(verifyAuditChain(f.tenantId, relayer.store.auditLog(f.tenantId)).ok).to.equal(true);
    await relayer.pipeline.stop();
  });

  it("never dispatches a job whose trigger block was reorged out (snapshot, fire, revert, re-mine without it)", async () => {
    const sink = createInMemoryResultSink();
    const relayer = await startRelayer(f, { sink });
    await connection.networkHelpers.mine(2);
    await relayer.pipeline.runUntilIdle();
    const snapshot = await connection.networkHelpers.takeSnapshot();
    const jobId = await fireFlood(f);
    await connection.networkHelpers.mine(1);
    // The watcher reads the (1-confirmation) trigger block and records the job, before anything acts on it.
    await relayer.pipeline.watcher.poll();
    expect(relayer.store.getJob(jobId)!.state).to.equal("seen");

    await snapshot.restore();
    await connection.networkHelpers.mine(4);
    await relayer.pipeline.runUntilIdle();

    expect(relayer.store.getJob(jobId)).to.equal(undefined);
    expect(relayer.store.attemptsOf(jobId)).to.have.length(0);
    expect(sink.calls).to.equal(0);
    const audit = relayer.store.auditLog(f.tenantId).filter((e) => e.entry.job_id === jobId).map((e) => e.entry.event);
    expect(audit).to.deep.equal(["job.seen", "job.reorged-out"]);
    expect(Number(await relayer.pipeline.metrics.reorgs.get().then((m) => m.values[0]?.value ?? 0))).to.be.greaterThan(0);
    await relayer.pipeline.stop();
  });

  it("after a crash right after dispatch, the restarted relayer completes the job exactly once", async () => {
    const sink = createInMemoryResultSink();
    const file = path.join(mkdtempSync(path.join(tmpdir(), "nsf-crash-")), "relayer.db");
    // First run: the transport accepts the requests and never answers (the process dies mid-flight).
    let sent = 0;
    const http = createHttpNodeTransport();
    const blackhole: NodeTransport = {
      payloadKey: (n, t, s) => http.payloadKey(n, t, s),
      execute: (_n, _r, signal) => {
        sent++;
        return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
      },
    };
    const first = await startRelayer(f, { sink, file, transport: blackhole });
    const jobId = await fireFlood(f);
    await connection.networkHelpers.mine(1);
    await first.pipeline.tick();
    for (let i = 0; i < 200 && sent < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sent).to.equal(3);
    expect(first.store.attemptsOf(jobId).map((a) => a.status)).to.deep.equal(["open", "open", "open"]);
    await first.pipeline.stop();
    first.store.database.close();

    // Second run on the same database file.
    const second = await startRelayer(f, { sink, file, startBlock: first.config.chain.startBlock });
    expect(second.store.attemptsOf(jobId).map((a) => a.status)).to.deep.equal(["abandoned", "abandoned", "abandoned"]);
    await second.pipeline.runUntilIdle();
    const job = second.store.getJob(jobId)!;
    expect(job.state).to.equal("agreed");
    expect(sink.calls).to.equal(1);
    expect(sink.results.get(jobId)!.cacs.map((c) => c.cac.attempt).sort()).to.deep.equal([4, 5, 6]);
    expect(second.store.transitionsOf(jobId).filter((t) => t.to === "agreed")).to.have.length(1);
    // Nothing was read twice: the job was seen once.
    expect(second.store.auditLog(f.tenantId).filter((e) => e.entry.job_id === jobId && e.entry.event === "job.seen")).to.have.length(1);
    await second.pipeline.stop();
  });

  it("after a crash between delivery and 'agreed', the restart re-delivers the same result (idempotent), never a second one", async () => {
    const inner = createInMemoryResultSink();
    let crash = true;
    const crashingSink: ResultSink = {
      async submit(result: AgreedResult) {
        await inner.submit(result);
        if (crash) throw new Error("simulated crash after the aggregator made the result durable");
      },
    };
    const file = path.join(mkdtempSync(path.join(tmpdir(), "nsf-crash2-")), "relayer.db");
    const first = await startRelayer(f, { sink: crashingSink, file });
    const jobId = await fireFlood(f);
    await connection.networkHelpers.mine(1);
    await first.pipeline.tick();
    await first.pipeline.dispatcher.idle();
    expect(first.store.getJob(jobId)!.state).to.equal("dispatched");
    expect(inner.results.size).to.equal(1);
    await first.pipeline.stop();
    first.store.database.close();

    crash = false;
    const second = await startRelayer(f, { sink: crashingSink, file, startBlock: first.config.chain.startBlock });
    await second.pipeline.runUntilIdle();
    expect(second.store.getJob(jobId)!.state).to.equal("agreed");
    expect(inner.results.size).to.equal(1);
    expect(inner.calls).to.equal(2);
    // No node was asked again: the three CACs stored before the crash were enough.
    expect(second.store.attemptsOf(jobId)).to.have.length(3);
    await second.pipeline.stop();
  });

  it("types bad node replies over HTTP (malformed, wrong key, other job, late), never counts them, and falls back", async () => {
    const sink = createInMemoryResultSink();
    const relayer = await startRelayer(f, { sink, executors: f.executors, config: { dispatch: { timeoutMs: 1_500, lateGraceMs: 20_000, retry: { retries: 0, baseDelayMs: 5, maxDelayMs: 20 } } } });
    f.lateStore.current = relayer.store;
    const jobId = await fireFlood(f);
    await connection.networkHelpers.mine(1);
    await relayer.pipeline.runUntilIdle();
    f.lateStore.current = undefined;

    expect(relayer.store.getJob(jobId)!.state).to.equal("agreed");
    const rejected = relayer.store.cacsOf(jobId).filter((c) => !c.valid).map((c) => c.code).sort();
    expect(rejected).to.deep.equal(["NSF_CAC_LATE", "NSF_CAC_OTHER_JOB", "NSF_CAC_WRONG_SIGNER", "NSF_NODE_REPLY_MALFORMED"]);
    const bad = f.misbehaving.map((e) => e.enclave.address);
    const agreed = sink.results.get(jobId)!.cacs.map((c) => c.signer);
    for (const signer of agreed) expect(bad).to.not.include(signer);
    expect(relayer.store.attemptsOf(jobId).filter((a) => a.status === "succeeded")).to.have.length(3);
    await relayer.pipeline.stop();
  });

  it("fails fast with 'quorum impossible: 1 of 3 eligible nodes in UGA' for an in-country clause with one UGA node", async () => {
    const sink = createInMemoryResultSink();
    const inputsDir = mkdtempSync(path.join(tmpdir(), "nsf-inputs-"));
    const relayer = await startRelayer(f, { sink, inputsDir, executors: f.executors });
    const dao = getAddress(await f.otherDao.getAddress());
    const document = { schema: "nsf.input-document/1", values: { rainfall_72h_mm_x10: "1900", insured_households: "10" } };
    const commitment = canonicalJsonHash(document);
    const tenantId = tenantIdOf(dao, "UGA");
    mkdirSync(path.join(inputsDir, tenantId), { recursive: true });
    writeFileSync(path.join(inputsDir, tenantId, `${commitment}.json`), JSON.stringify(document));
    const deadline = (await chainTime(connection)) + 3600n;
    const receipt = await (await f.network.contracts.jobRouter.connect(f.otherDao).requestJob(f.strictClauseId, UGA, `0x${"51".repeat(32)}`, commitment, deadline)).wait();
    const router = f.network.contracts.jobRouter;
    const jobId = (router.interface.parseLog(receipt!.logs[0]!)!.args.jobId as string).toLowerCase() as Hex;
    await connection.networkHelpers.mine(1);
    await relayer.pipeline.runUntilIdle();
    const job = relayer.store.getJob(jobId)!;
    expect(job.state).to.equal("failed");
    expect(job.outcome).to.deep.equal({ code: "NSF_QUORUM_IMPOSSIBLE", reason: "quorum impossible: 1 of 3 eligible nodes in UGA" });
    expect(relayer.store.attemptsOf(jobId)).to.have.length(0);
    const audit = relayer.store.auditLog(tenantId).map((e) => [e.entry.event, e.entry.code]);
    expect(audit).to.deep.equal([
      ["job.seen", undefined],
      ["job.resolved", undefined],
      ["job.failed", "NSF_QUORUM_IMPOSSIBLE"],
    ]);
    await relayer.pipeline.stop();
  });

  it("rejects a job of a paused clause with a governance alert and an audit entry (never silently)", async () => {
    const sink = createInMemoryResultSink();
    const { Writable } = await import("node:stream");
    const lines: Record<string, unknown>[] = [];
    const { createCommon } = await import("../../../relayer/common/Common.js");
    const common = createCommon({
      logLevel: "warn",
      destination: new Writable({
        write(chunk, _e, done) {
          for (const l of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(l));
          done();
        },
      }),
    });
    const relayer = await startRelayer(f, { sink, common });
    const jobId = await fireFlood(f);
    await (await f.network.contracts.clauseRegistry.connect(f.reliefTimelock).setClauseStatus(f.clauseId, 2)).wait();
    await connection.networkHelpers.mine(1);
    await relayer.pipeline.runUntilIdle();
    await (await f.network.contracts.clauseRegistry.connect(f.reliefTimelock).setClauseStatus(f.clauseId, 1)).wait();
    const job = relayer.store.getJob(jobId)!;
    expect(job.state).to.equal("rejected");
    expect(job.outcome!.code).to.equal("NSF_GOV_CLAUSE_NOT_ACTIVE");
    const alert = lines.find((l) => l.alert === "governance")!;
    expect(alert).to.include({ code: "NSF_GOV_CLAUSE_NOT_ACTIVE", tenant: f.tenantId, job: jobId });
    const entry = relayer.store.auditLog(f.tenantId).find((e) => e.entry.job_id === jobId && e.entry.event === "job.rejected")!;
    expect(entry.entry.code).to.equal("NSF_GOV_CLAUSE_NOT_ACTIVE");
    expect(sink.calls).to.equal(0);
    await relayer.pipeline.stop();
  });

  it("reads the registries over RPC: node list from NodeRegistry events, scheduler, tenancy, clause facts", async () => {
    const { createRegistryReader } = await import("../../../relayer/chain/createRegistryReader.js");
    const { createCommon } = await import("../../../relayer/common/Common.js");
    const reader = createRegistryReader({
      common: createCommon({ logLevel: "silent" }),
      client: f.client,
      contracts: f.network.addresses,
      rpc: { timeoutMs: 10_000, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
      cacheMs: 0,
      startBlock: 0n,
    });
    const nodes = await reader.listNodes();
    expect(nodes.map((n) => n.enclaveKey)).to.include.members(f.executors.map((e) => e.enclave.address));
    expect(nodes.find((n) => n.enclaveKey === f.executors[4]!.enclave.address)!.jurisdiction).to.equal("0x554741");
    expect(await reader.isScheduler(privateKeyToAccount(SCHEDULER_KEY).address)).to.equal(true);
    expect(await reader.isTenant(f.relief.timelockAddress, "0x4b454e")).to.equal(true);
    expect(await reader.isTenant(f.relief.timelockAddress, "0x554741")).to.equal(false);
    const clause = (await reader.getClause(f.clauseId))!;
    expect(clause).to.include({ quorumK: 3, quorumN: 5, policyFlags: 1, owner: f.relief.timelockAddress });
    expect(await reader.getClause(`0x${"77".repeat(32)}`)).to.equal(undefined);
    expect(await reader.chainTime()).to.equal(await chainTime(connection));
  });

  it("turns two disagreeing enclave-signed CACs into openDispute calldata that DisputeResolver accepts (runs last: freezes the clause)", async () => {
    const sink = createInMemoryResultSink();
    const relayer = await startRelayer(f, { sink });
    const jobId = await fireFlood(f);
    await connection.networkHelpers.mine(1);
    await relayer.pipeline.runUntilIdle();
    const [a, b] = sink.results.get(jobId)!.cacs;
    // Node B's enclave signs a different output for the same job and inputs (what a faulty enclave would do).
    const other = f.executors.find((e) => e.enclave.address === b!.signer)!;
    const anchor = { chainId: f.network.chainId, address: f.network.addresses.rollupAnchor };
    const bCac = { ...b!.cac, outputHash: `0x${"0d".repeat(32)}` as Hex };
    const evidenceB = { cac: bCac, signature: await other.enclave.signCac(anchor, bCac) };
    const calldata = buildOpenDisputeCalldata({ a: { cac: a!.cac, signature: a!.signature }, b: evidenceB, dao: f.relief.timelockAddress, jurisdiction: "0x4b454e" });
    const receipt = await (await f.actors.stranger.sendTransaction({ to: f.network.addresses.disputeResolver, data: calldata })).wait();
    const resolver = f.network.contracts.disputeResolver;
    const opened = receipt!.logs.map((l) => { try { return resolver.interface.parseLog(l); } catch { return null; } }).find((l) => l?.name === "DisputeOpened")!;
    expect((opened.args.jobId as string).toLowerCase()).to.equal(jobId);
    expect(opened.args.signerA).to.equal(a!.signer);
    expect(opened.args.signerB).to.equal(b!.signer);
    await relayer.pipeline.stop();
  });
});
