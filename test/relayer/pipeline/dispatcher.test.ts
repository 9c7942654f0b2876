import { expect } from "chai";
import { getAddress, type Hex } from "viem";
import { recoverCacSigner } from "../../../relayer/core/cac/cacJson.js";
import { verifyAuditChain } from "../../../relayer/core/audit/auditChain.js";
import { PolicyFlag } from "../../../relayer/core/formats/enums.js";
import { NodeStatus } from "../../../relayer/core/scheduling/types.js";
import { disputeCalldataFor } from "../../../relayer/pipeline/disputeEvidence.js";
import { createDispatchHarness, TENANT } from "../helpers/dispatchHarness.js";

const codes = (rows: { code?: string | undefined }[]) => rows.map((r) => r.code ?? "valid");

// The whole suite runs with both store commit modes: every write durable on return, and group commit (one
// transaction per event-loop turn, durable() awaited before each side effect; relayer/store/openDatabase.ts).
for (const commit of ["immediate", "grouped"] as const) {
  describe(`relayer/pipeline dispatcher + collector (simulated executors, in process; ${commit} commits)`, function () {
    const harness = (options: Parameters<typeof createDispatchHarness>[0] = {}) => createDispatchHarness({ commit, ...options });
    this.timeout(60_000);

    it("dispatches a 3-of-5 sensor job to three nodes and delivers one AgreedResult with valid, ascending CACs", async () => {
      const h = await harness();
      const jobId = h.addSensorJob(1n);
      await h.settle();
      const job = h.store.getJob(jobId)!;
      expect(job.state).to.equal("agreed");
      expect(h.sink.results.size).to.equal(1);
      const result = h.sink.results.get(jobId)!;
      expect(result.cacs).to.have.length(3);
      expect(result.clauseRef).to.equal("UNDRR::Disaster::FloodPayout@1.0.0");
      expect(result.jurisdiction).to.equal("KEN");
      expect(result.inputHash).to.equal(job.inputHash);
      const signers = result.cacs.map((c) => c.signer);
      expect(signers).to.deep.equal([...signers].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
      for (const c of result.cacs) {
        expect(await recoverCacSigner(c.json, c.signature)).to.equal(c.signer);
        expect(c.cac.outputHash).to.equal(result.outputHash);
      }
      expect(h.store.attemptsOf(jobId).map((a) => a.status)).to.deep.equal(["succeeded", "succeeded", "succeeded"]);
      expect(job.selection).to.be.an("array").with.length(5);
      expect(verifyAuditChain(TENANT, h.store.auditLog(TENANT)).ok).to.equal(true);
      expect(h.store.auditLog(TENANT).map((e) => e.entry.event)).to.deep.equal(["job.seen", "job.resolved", "job.dispatched", "job.dispatched", "job.dispatched", "job.agreed"]);
    });

    it("types bad replies (malformed, wrong key, other job), never counts them, and falls back", async () => {
      const h = await harness({ jurisdictions: ["KEN", "KEN", "KEN", "KEN", "KEN", "KEN", "KEN", "KEN"] });
      // Warm-up job: every node answers honestly once (the replay node keeps that reply).
      const first = h.addSensorJob(1n);
      h.behaviors.set(h.nodes[5]!, "down");
      h.behaviors.set(h.nodes[6]!, "down");
      h.behaviors.set(h.nodes[7]!, "down");
      await h.settle();
      expect(h.store.getJob(first)!.state).to.equal("agreed");
      const honest = h.sink.results.get(first)!.cacs.map((c) => c.signer);
      const others = h.nodes.filter((n) => !honest.includes(n));
      // Now the nodes that answered job 1 misbehave in every way; two more are down or refuse.
      h.behaviors.clear();
      h.behaviors.set(honest[0]!, "malformed");
      h.behaviors.set(honest[1]!, "wrong-key");
      h.behaviors.set(honest[2]!, "replay-other-job");
      const second = h.addSensorJob(2n);
      await h.settle();
      const job = h.store.getJob(second)!;
      expect(job.state).to.equal("agreed");
      const cacs = h.store.cacsOf(second);
      expect(codes(cacs.filter((c) => !c.valid)).sort()).to.deep.equal(["NSF_CAC_OTHER_JOB", "NSF_CAC_WRONG_SIGNER", "NSF_NODE_REPLY_MALFORMED"]);
      const agreed = h.sink.results.get(second)!.cacs.map((c) => c.signer);
      for (const bad of honest) expect(agreed).to.not.include(bad);
      expect(agreed.every((a) => others.includes(a))).to.equal(true);
    });

    it("gives up at once on a node that refuses (non-retryable) and retries an unreachable one once (retryable)", async () => {
      const h = await harness({ jurisdictions: ["KEN", "KEN", "KEN", "KEN", "KEN"] });
      const [refusing, unreachable] = [...h.nodes].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      h.behaviors.set(refusing!, "refuse");
      h.behaviors.set(unreachable!, "down");
      const jobId = h.addSensorJob(1n);
      await h.settle();
      expect(h.store.getJob(jobId)!.state).to.equal("agreed");
      const byNode = (n: string) => h.store.attemptsOf(jobId).filter((a) => getAddress(a.node) === n).map((a) => a.errorCode);
      expect(byNode(refusing!)).to.deep.equal(["NSF_NODE_REFUSED"]);
      expect(byNode(unreachable!).every((c) => c === "NSF_NODE_UNREACHABLE")).to.equal(true);
      expect(byNode(unreachable!).length).to.be.within(1, 2);
    });

    it("records a late reply as NSF_CAC_LATE, never counts it, and completes through a fallback node", async () => {
      const h = await harness({ jurisdictions: ["KEN", "KEN", "KEN", "KEN", "KEN"], dispatch: { timeoutMs: 150 } });
      // All nodes tie on rank, so the lowest address is picked first: it answers only after its attempt timed out.
      const first = [...h.nodes].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0]!;
      h.behaviors.set(first, "late");
      const jobId = h.addSensorJob(1n);
      await h.settle();
      expect(h.store.getJob(jobId)!.state).to.equal("agreed");
      const late = h.store.cacsOf(jobId).filter((c) => c.code === "NSF_CAC_LATE");
      expect(late).to.have.length(1);
      expect(getAddress(late[0]!.signer!)).to.equal(first);
      expect(late[0]!.valid).to.equal(false);
      expect(h.store.attemptsOf(jobId).find((a) => getAddress(a.node) === first)!.status).to.equal("late");
      expect(h.sink.results.get(jobId)!.cacs.map((c) => c.signer)).to.not.include(first);
      expect(h.store.nodeLoads().get(first)).to.deep.include({ successes: 0, failures: 1, open: 0 });
    });

    it("times a hung node out, retries it once after a backoff, then gives up on it", async () => {
      const h = await harness({ jurisdictions: ["KEN", "KEN", "KEN"], quorum: { k: 3, n: 3 }, dispatch: { timeoutMs: 100, lateGraceMs: 0 } });
      h.behaviors.set(h.nodes[0]!, "hang");
      const jobId = h.addSensorJob(1n);
      await h.settle();
      const job = h.store.getJob(jobId)!;
      expect(job.state).to.equal("failed");
      expect(job.outcome!.code).to.equal("NSF_QUORUM_UNREACHABLE");
      const hung = h.store.attemptsOf(jobId).filter((a) => getAddress(a.node) === h.nodes[0]);
      expect(hung.map((a) => [a.status, a.errorCode])).to.deep.equal([
        ["timed_out", "NSF_NODE_TIMEOUT"],
        ["timed_out", "NSF_NODE_TIMEOUT"],
      ]);
      const attempts = h.store.attemptsOf(jobId).map((a) => a.attempt);
      expect(attempts).to.deep.equal([1, 2, 3, 4]);
      expect(h.sink.results.size).to.equal(0);
    });

    it("fails fast with an actionable reason when fewer than k nodes are eligible (in-country clause)", async () => {
      const h = await harness({ policyFlags: PolicyFlag.InCountry });
      for (const n of h.nodes.slice(1, 3)) h.network.reader.setNode({ ...h.network.executors.find((e) => e.enclave.address === n)!.facts, status: NodeStatus.Revoked });
      const jobId = h.addSensorJob(1n);
      await h.settle();
      const job = h.store.getJob(jobId)!;
      expect(job.state).to.equal("failed");
      expect(job.outcome).to.deep.equal({ code: "NSF_QUORUM_IMPOSSIBLE", reason: "quorum impossible: 2 of 3 eligible nodes in KEN" });
      expect(h.store.attemptsOf(jobId)).to.have.length(0);
      const reasons = (job.selection as { reasons: string[] }[]).map((a) => a.reasons.join("; "));
      expect(reasons.some((r) => r.includes("status revoked"))).to.equal(true);
      expect(reasons.some((r) => r.includes("located in UGA, clause requires in-country (KEN)"))).to.equal(true);
    });

    it("agrees despite a dissenting CAC and keeps the dissent as dispute evidence (openDispute calldata from the store)", async () => {
      const h = await harness({ jurisdictions: ["KEN", "KEN", "KEN", "KEN", "KEN"] });
      // All nodes tie on rank, so the lowest address is among the first three dispatched.
      const dissenter = [...h.nodes].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0]!;
      h.behaviors.set(dissenter, "dishonest");
      const jobId = h.addSensorJob(1n);
      await h.settle();
      expect(h.store.getJob(jobId)!.state).to.equal("agreed");
      const result = h.sink.results.get(jobId)!;
      expect(result.cacs.map((c) => c.signer)).to.not.include(dissenter);
      expect(new Set(h.store.validCacs(jobId).map((c) => c.outputHash)).size).to.equal(2);
      const evidence = disputeCalldataFor(h.store, jobId)!;
      expect(evidence.b.signer).to.equal(dissenter);
      expect(evidence.a.cac.outputHash).to.equal(result.outputHash);
      const agreedEntry = h.store.auditLog(TENANT).find((e) => e.entry.event === "job.agreed")!;
      expect((agreedEntry.entry.detail as { dissent: unknown[] }).dissent).to.have.length(1);
    });

    it("disputes (never agrees) when executors split and no output can reach k", async () => {
      const h = await harness();
      h.behaviors.set(h.nodes[0]!, "dishonest");
      h.behaviors.set(h.nodes[1]!, "dishonest");
      h.behaviors.set(h.nodes[4]!, "down");
      const jobId = h.addSensorJob(1n);
      await h.settle();
      const job = h.store.getJob(jobId)!;
      expect(job.state).to.equal("disputed");
      expect(job.outcome!.code).to.equal("NSF_DISAGREEMENT");
      expect(h.sink.results.size).to.equal(0);
      expect(disputeCalldataFor(h.store, jobId)).to.not.equal(undefined);
    });

    it("hands a finished driver's slot to the next resolved job at once, without waiting for the next step", async () => {
      const h = await harness({ dispatch: { concurrency: 2 } });
      const jobs = Array.from({ length: 7 }, (_, i) => h.addSensorJob(BigInt(i + 1)));
      await h.scheduler.step();
      expect(h.dispatcher.step()).to.equal(2);
      await h.dispatcher.idle();
      expect(jobs.map((j) => h.store.getJob(j)!.state)).to.deep.equal(Array(7).fill("agreed"));
      expect(h.sink.results.size).to.equal(7);
    });

    it("expires a job whose deadline passes (chain time) before agreement, without dispatching", async () => {
      const h = await harness();
      const jobId = h.addSensorJob(1n);
      await h.scheduler.step();
      h.network.setChainTime(1_750_000_000n + 3601n);
      h.dispatcher.step();
      await h.dispatcher.idle();
      expect(h.store.getJob(jobId)!.state).to.equal("expired");
      expect(h.store.attemptsOf(jobId)).to.have.length(0);
    });

    it("lets a DAO job wait for its missing input document, then fails it with where the document was expected", async () => {
      const h = await harness();
      const jobId = h.addSensorJob(1n);
      // The same job shape, but DAO-triggered with a commitment no document matches yet.
      h.store.transaction(() => {
        h.store.database.db.prepare("UPDATE jobs SET trigger_type = 0, trigger_data = NULL WHERE job_id = ?").run(jobId);
      });
      await h.scheduler.step();
      expect(h.store.getJob(jobId)!.state).to.equal("seen");
      h.network.setChainTime(1_750_000_000n + 700n);
      await h.scheduler.step();
      const job = h.store.getJob(jobId)!;
      expect(job.state).to.equal("failed");
      expect(job.outcome!.code).to.equal("NSF_INPUT_MISSING");
      expect(job.outcome!.reason).to.match(/input document 0x[0-9a-f]{64} of tenant 0x[0-9a-f]{64} not found .*waited 710 s of chain time/);
    });
  });
}
