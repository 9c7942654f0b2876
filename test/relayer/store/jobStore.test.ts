import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getAddress, type Hex } from "viem";
import { verifyAuditChain } from "../../../relayer/core/audit/auditChain.js";
import { jurisdictionToBytes3, tenantIdOf } from "../../../relayer/core/formats/ids.js";
import { openDatabase } from "../../../relayer/store/openDatabase.js";
import { AttemptStatus, createJobStore, JOB_STORE_MIGRATIONS, type JobStore } from "../../../relayer/store/jobStore.js";
import { jobLog } from "../helpers/jobLog.js";

const DAO = getAddress("0x00000000000000000000000000000000000da0a0");
const DAO_B = getAddress("0x00000000000000000000000000000000000da0b0");
const NODE = getAddress("0x0000000000000000000000000000000000001001");
const hex = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;

const block = (n: number) => ({ number: BigInt(n), hash: hex(1000 + n), timestamp: 1_750_000_000n + BigInt(n) });

function open(file = ":memory:"): JobStore {
  return createJobStore({ database: openDatabase({ file, migrations: { jobs: JOB_STORE_MIGRATIONS } }) });
}

describe("relayer/store/jobStore", () => {
  it("inserts a job once, persists transitions with their history and audit entries", () => {
    const store = open();
    expect(store.insertJob(jobLog(1), block(1))).to.equal("inserted");
    expect(store.insertJob(jobLog(1), block(1))).to.equal("exists");
    store.applyTransition(hex(1), { type: "resolve", inputHash: hex(5) }, { patch: { inputHash: hex(5), inputBundle: { schema: "nsf.inputs/1", job_id: hex(1), trigger: { type: "sensor", commitment: hex(88) }, values: {} } } });
    const job = store.openAttempt({ jobId: hex(1), attempt: 1, node: NODE, dispatchedAt: 1n, expiresAt: 2n });
    expect(job.state).to.equal("dispatched");
    expect(job.attempt).to.equal(1);
    expect(store.getJob(hex(1))!.inputBundle!.job_id).to.equal(hex(1));
    expect(store.transitionsOf(hex(1)).map((t) => t.to)).to.deep.equal(["resolved", "dispatched"]);
    expect(() => store.applyTransition(hex(1), { type: "reject", code: "X", reason: "y" })).to.throw().with.property("code", "NSF_JOB_INVALID_TRANSITION");
    expect(store.getJob(hex(1))!.state).to.equal("dispatched");
  });

  it("returns from every transition the record a fresh read returns (patched JSON columns included), and reads JSON columns lazily", () => {
    for (const commit of ["immediate", "grouped"] as const) {
      const store = createJobStore({ database: openDatabase({ file: ":memory:", migrations: { jobs: JOB_STORE_MIGRATIONS } }), commit });
      store.insertJob(jobLog(1), block(1));
      store.setTrigger(hex(1), { type: "sensor", triggerId: 3n, feed: DAO, roundId: 7n, answer: -5n, updatedAt: 9n });
      const bundle = { schema: "nsf.inputs/1", job_id: hex(1), trigger: { type: "sensor", commitment: hex(88) }, values: { b: "2", a: "1" } } as const;
      const steps = [
        () => store.applyTransition(hex(1), { type: "resolve", inputHash: hex(5) }, { patch: { inputHash: hex(5), inputBundle: bundle } }),
        () => store.openAttempt({ jobId: hex(1), attempt: 1, node: NODE, dispatchedAt: 1n, expiresAt: 2n, selection: [{ enclaveKey: NODE, eligible: true, score: 10n }] }),
        () => store.openAttempt({ jobId: hex(1), attempt: 2, node: NODE, dispatchedAt: 1n, expiresAt: 2n }),
        () => store.applyTransition(hex(1), { type: "reorg" }),
        () => store.applyTransition(hex(1), { type: "reinstate" }),
        () => store.applyTransition(hex(1), { type: "fail", code: "NSF_X", reason: "why" }, { patch: { outcome: { code: "NSF_X", reason: "why" }, outputHash: hex(6) } }),
      ];
      let applied = 0;
      for (const step of steps) {
        let returned;
        try {
          returned = step();
        } catch {
          continue; // a transition the state machine refuses is not this test's subject
        }
        applied++;
        expect(returned, commit).to.deep.equal(store.getJob(hex(1)));
      }
      expect(applied).to.be.at.least(5);
      const read = store.getJob(hex(1))!;
      expect(Object.getOwnPropertyDescriptor(read, "selection")!.get, "selection parsed lazily").to.be.a("function");
      expect(read.selection).to.deep.equal([{ enclaveKey: NODE, eligible: true, score: "10" }]);
      expect(Object.getOwnPropertyDescriptor(read, "selection")!.value, "then a plain value").to.deep.equal(read.selection);
      expect(read.trigger).to.deep.equal({ type: "sensor", triggerId: 3n, feed: DAO, roundId: 7n, answer: -5n, updatedAt: 9n });
      read.inputBundle = undefined;
      expect(read.inputBundle).to.equal(undefined);
      expect(store.getJob(hex(1))!.inputBundle).to.deep.equal({ schema: "nsf.inputs/1", job_id: hex(1), trigger: { type: "sensor", commitment: hex(88) }, values: { a: "1", b: "2" } });
      expect(store.validSigners(hex(1))).to.deep.equal([]);
      expect(store.jobHead(hex(1))).to.deep.equal({ state: store.getJob(hex(1))!.state, clauseId: hex(77) });
    }
  });

  it("keeps node track records: open attempts are load, outcomes are reliability; late replies change nothing twice", () => {
    const store = open();
    store.insertJob(jobLog(1), block(1));
    store.applyTransition(hex(1), { type: "resolve", inputHash: hex(5) });
    store.openAttempt({ jobId: hex(1), attempt: 1, node: NODE, dispatchedAt: 1n, expiresAt: 2n });
    store.openAttempt({ jobId: hex(1), attempt: 2, node: NODE, dispatchedAt: 1n, expiresAt: 2n });
    expect(store.nodeLoads().get(NODE)).to.deep.equal({ successes: 0, failures: 0, open: 2 });
    expect(store.closeAttempt(hex(1), 1, AttemptStatus.Succeeded)).to.equal(true);
    expect(store.closeAttempt(hex(1), 1, AttemptStatus.Failed)).to.equal(false);
    expect(store.closeAttempt(hex(1), 2, AttemptStatus.TimedOut)).to.equal(true);
    expect(store.closeAttempt(hex(1), 2, AttemptStatus.Late)).to.equal(true);
    expect(store.nodeLoads().get(NODE)).to.deep.equal({ successes: 1, failures: 1, open: 0 });
    expect(store.attemptsOf(hex(1)).map((a) => a.status)).to.deep.equal(["succeeded", "late"]);
  });

  it("abandons attempts a previous process left open, on reopen of the same file", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "nsf-store-")), "relayer.db");
    const first = open(file);
    first.insertJob(jobLog(1), block(1));
    first.applyTransition(hex(1), { type: "resolve", inputHash: hex(5) });
    first.openAttempt({ jobId: hex(1), attempt: 1, node: NODE, dispatchedAt: 1n, expiresAt: 2n });
    first.database.close();
    const second = open(file);
    expect(second.abandonOpenAttempts().map((a) => a.attempt)).to.deep.equal([1]);
    expect(second.attemptsOf(hex(1))[0]!.status).to.equal("abandoned");
    expect(second.nodeLoads().get(NODE)!.open).to.equal(0);
    expect(second.getJob(hex(1))!.attempt).to.equal(1);
  });

  it("counts one valid CAC per signer and job, and keeps invalid ones with their reason", () => {
    const store = open();
    store.insertJob(jobLog(1), block(1));
    const cac = { jobId: hex(1), attempt: 1, node: NODE, valid: true, code: undefined, reason: undefined, signer: NODE, outputHash: hex(9), digest: hex(8), signature: "0x00" as Hex, reply: "{}" };
    store.recordCac(cac);
    expect(() => store.recordCac({ ...cac, attempt: 2 })).to.throw();
    store.recordCac({ ...cac, attempt: 3, valid: false, code: "NSF_CAC_OTHER_JOB", reason: "for another job" });
    expect(store.validCacs(hex(1))).to.have.length(1);
    expect(store.cacsOf(hex(1)).map((c) => c.code)).to.deep.equal([undefined, "NSF_CAC_OTHER_JOB"]);
  });

  it("undoes a reorg: removes jobs nothing was done for, marks the others, and reinstates a re-mined one", () => {
    const store = open();
    store.insertJob(jobLog(5), block(5));
    store.insertJob(jobLog(6), block(6));
    store.insertJob(jobLog(7), block(7));
    store.applyTransition(hex(7), { type: "reject", code: "NSF_GOV_NOT_TENANT", reason: "r" });
    const undone = store.undoAbove(5n);
    expect(undone.map((u) => [u.jobId, u.action])).to.deep.equal([
      [hex(7), "marked-reorged"],
      [hex(6), "removed"],
    ]);
    expect(store.getJob(hex(5))!.state).to.equal("seen");
    expect(store.getJob(hex(6))).to.equal(undefined);
    expect(store.getJob(hex(7))!.state).to.equal("reorged");
    expect(store.getJob(hex(7))!.reorgedFrom).to.equal("rejected");
    expect(store.insertJob(jobLog(7, { ref: { ...jobLog(7).ref, blockNumber: 9n, blockHash: hex(1009) } }), block(9))).to.equal("reinstated");
    expect(store.getJob(hex(7))!.state).to.equal("seen");
    expect(store.getJob(hex(7))!.block.number).to.equal(9n);
  });

  it("keeps one hash-chained audit log per tenant that never mixes tenants and verifies on export", () => {
    const store = open();
    const tenantB = tenantIdOf(DAO_B, "UGA");
    store.insertJob(jobLog(1), block(1));
    store.insertJob(jobLog(2, { tenantId: tenantB, dao: DAO_B, jurisdiction: jurisdictionToBytes3("UGA") }), block(2));
    store.applyTransition(hex(1), { type: "reject", code: "NSF_GOV_CLAUSE_NOT_ACTIVE", reason: "paused" }, { audit: { code: "NSF_GOV_CLAUSE_NOT_ACTIVE" } });
    const a = store.auditLog(tenantIdOf(DAO, "KEN"));
    const b = store.auditLog(tenantB);
    expect(a.map((e) => e.entry.event)).to.deep.equal(["job.seen", "job.rejected"]);
    expect(a[1]!.entry.code).to.equal("NSF_GOV_CLAUSE_NOT_ACTIVE");
    expect(b.map((e) => e.entry.job_id)).to.deep.equal([hex(2)]);
    expect(verifyAuditChain(tenantIdOf(DAO, "KEN"), a).ok).to.equal(true);
    expect(verifyAuditChain(tenantB, b).ok).to.equal(true);
  });

  it("persists the cursor and the unfinalised block hashes", () => {
    const store = open();
    expect(store.getCursor()).to.equal(undefined);
    store.setCursor(block(3));
    store.putBlock({ number: 2n, hash: hex(2) });
    store.putBlock({ number: 3n, hash: hex(3) });
    expect(store.getCursor()).to.deep.equal(block(3));
    expect(store.unfinalisedBlocks().map((b) => b.number)).to.deep.equal([3n, 2n]);
    store.pruneBlocksAtOrBelow(2n);
    store.deleteBlocksAbove(5n);
    expect(store.unfinalisedBlocks().map((b) => b.number)).to.deep.equal([3n]);
  });
});
