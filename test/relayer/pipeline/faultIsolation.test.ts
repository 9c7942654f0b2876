import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { getAddress, type Hex } from "viem";
import { createCommon } from "../../../relayer/common/Common.js";
import { clauseIdOf } from "../../../relayer/core/formats/clauseRef.js";
import { PriorityClass } from "../../../relayer/core/formats/enums.js";
import { tenantIdOf } from "../../../relayer/core/formats/ids.js";
import { JobState } from "../../../relayer/core/jobs/jobStateMachine.js";
import type { WorkloadFault } from "../../../relayer/pipeline/FaultReporter.js";
import { createDispatchHarness, DAO, TENANT } from "../helpers/dispatchHarness.js";

const OTHER_DAO = getAddress("0x00000000000000000000000000000000000da0b0");
const OTHER_TENANT = tenantIdOf(OTHER_DAO, "KEN");
const OTHER_CLAUSE = "WHO::Health::PandemicAlertKen@1.0.0";
const OTHER_CLAUSE_ID = clauseIdOf(OTHER_CLAUSE);

/**
 * Fault isolation and cross-tenant leakage (DESIGN.md §7, invariant 9; ADR 0014): two tenants share the same five
 * nodes; one tenant's workload faults in the sandbox on every node.
 */
describe("relayer/pipeline fault isolation and tenant leakage (two tenants on shared nodes)", () => {
  async function twoTenants() {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const common = createCommon({ logLevel: "debug", destination: sink });
    const faults: WorkloadFault[] = [];
    const h = await createDispatchHarness({
      common,
      aliases: [{ clause: OTHER_CLAUSE, priority: PriorityClass.Disaster, owner: OTHER_DAO }],
      faults: { reportWorkloadFault: async (f) => void faults.push(f) },
    });
    h.network.reader.setTenant(OTHER_DAO, "0x4b454e", true);
    return { h, lines, faults };
  }

  it("a workload that traps on k nodes fails at once, is reported for suspension, and is logged and audited only for its tenant", async () => {
    const { h, lines, faults } = await twoTenants();
    // Tenant A's flood workload traps everywhere; tenant B's health workload runs on the same nodes.
    const trapped = new Set<Hex>();
    const failing = h.addSensorJob(1n);
    trapped.add(failing);
    for (const node of h.nodes) h.behaviors.set(node, "trap");
    await h.scheduler.step();
    h.dispatcher.step();
    await h.dispatcher.idle();
    for (const node of h.nodes) h.behaviors.set(node, "honest");
    const healthy = h.addSensorJob(2n, 1875n, { clauseId: OTHER_CLAUSE_ID, dao: OTHER_DAO });
    await h.settle();

    const failed = h.store.getJob(failing)!;
    expect(failed.state).to.equal(JobState.Failed);
    expect(failed.outcome!.code).to.equal("NSF_WORKLOAD_FAULT");
    expect(h.store.attemptsOf(failing)).to.have.length(3); // k = 3 nodes agreed it is the workload; nodes 4 and 5 never tried
    expect(faults).to.deep.equal([{ jobId: failing, tenantId: TENANT, clauseId: h.network.clause.clauseId, code: "NSF_CLAUSE_TRAPPED" }]);
    expect(h.store.getJob(healthy)!.state).to.equal(JobState.Agreed);

    // Audit traces: the failure and its three refused attempts only in A's; B's names only its own job.
    const auditA = h.store.auditLog(TENANT).map((e) => e.entry);
    const auditB = h.store.auditLog(OTHER_TENANT).map((e) => e.entry);
    expect(auditA.filter((e) => e.event === "attempt.failed")).to.have.length(3);
    expect(auditA.some((e) => e.event === "job.failed" && e.code === "NSF_WORKLOAD_FAULT")).to.equal(true);
    expect(auditB.every((e) => e.job_id === healthy.toLowerCase() && e.tenant_id === OTHER_TENANT.toLowerCase())).to.equal(true);
    expect(JSON.stringify(auditB)).to.not.match(/TRAPPED|WORKLOAD_FAULT/);
    expect(JSON.stringify(auditB).toLowerCase()).to.not.include(failing.slice(2).toLowerCase());
    expect(JSON.stringify(auditA).toLowerCase()).to.not.include(healthy.slice(2).toLowerCase());

    // Log lines: every line about a job carries that job's tenant; none about A's failure is tagged with B.
    const jobLines = lines.filter((l) => typeof l.job === "string");
    expect(jobLines.length).to.be.greaterThan(0);
    for (const l of jobLines) {
      const tenant = l.job === failing ? TENANT : l.job === healthy ? OTHER_TENANT : undefined;
      if (tenant === undefined || l.tenant === undefined) continue;
      expect(l.tenant, JSON.stringify(l)).to.equal(tenant);
    }
    const bLines = JSON.stringify(lines.filter((l) => l.tenant === OTHER_TENANT)).toLowerCase();
    expect(bLines).to.not.include(failing.slice(2).toLowerCase());
    expect(bLines).to.not.match(/trapped|workload_fault/);

    // Replies: every CAC recorded for B's job names B's tenant only.
    for (const cac of h.store.cacsOf(healthy)) {
      const reply = JSON.parse(cac.reply!) as { cac: { tenant_info: { tenant_id: string } } };
      expect(reply.cac.tenant_info.tenant_id.toLowerCase()).to.equal(OTHER_TENANT.toLowerCase());
      expect(cac.reply!.toLowerCase()).to.not.include(TENANT.slice(2).toLowerCase());
    }
  });

  it("a suspended workload is refused at queue time until its DAO re-authorises it; the other tenant is unaffected", async () => {
    const { h } = await twoTenants();
    h.network.reader.setWorkloadSuspended(TENANT, h.network.clause.clauseId, true);
    const refused = h.addSensorJob(3n);
    const other = h.addSensorJob(4n, 1875n, { clauseId: OTHER_CLAUSE_ID, dao: OTHER_DAO });
    await h.settle();
    expect(h.store.getJob(refused)!.state).to.equal(JobState.Rejected);
    expect(h.store.getJob(refused)!.outcome!.code).to.equal("NSF_GOV_WORKLOAD_SUSPENDED");
    expect(h.store.getJob(other)!.state).to.equal(JobState.Agreed);
    h.network.reader.setWorkloadSuspended(TENANT, h.network.clause.clauseId, false);
    const again = h.addSensorJob(5n);
    await h.settle();
    expect(h.store.getJob(again)!.state).to.equal(JobState.Agreed);
    expect(DAO).to.not.equal(OTHER_DAO);
  });

  it("a fault report lost between the job's failure and its on-chain report is sent after a restart, exactly once", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nsf-fault-report-"));
    const file = path.join(dir, "relayer.db");
    try {
      // First run: the workload traps on k nodes; the report never reaches the chain (the process dies or the RPC
      // refuses right then). The job is failed and the report is left pending in the store, with the failure.
      const attempted: WorkloadFault[] = [];
      const first = await createDispatchHarness({ file, faults: { reportWorkloadFault: async (f) => (attempted.push(f), Promise.reject(new Error("RPC unreachable"))) } });
      const failing = first.addSensorJob(1n);
      for (const node of first.nodes) first.behaviors.set(node, "trap");
      await first.scheduler.step();
      first.dispatcher.step();
      await first.dispatcher.idle();
      expect(first.store.getJob(failing)!.outcome!.code).to.equal("NSF_WORKLOAD_FAULT");
      expect(attempted.map((f) => f.jobId)).to.deep.equal([failing]);
      expect(first.store.pendingFaultReports().map((f) => f.jobId)).to.deep.equal([failing.toLowerCase()]);
      first.store.database.close();

      // Restart on the same database: the pending report is sent once, then nothing is pending any more.
      const reported: WorkloadFault[] = [];
      const second = await createDispatchHarness({ file, faults: { reportWorkloadFault: async (f) => void reported.push(f) } });
      expect(await second.dispatcher.reportPendingFaults()).to.equal(1);
      expect(await second.dispatcher.reportPendingFaults()).to.equal(0);
      expect(reported).to.deep.equal([{ jobId: failing.toLowerCase(), tenantId: TENANT.toLowerCase(), clauseId: second.network.clause.clauseId.toLowerCase(), code: "NSF_CLAUSE_TRAPPED" }]);
      expect(second.store.pendingFaultReports()).to.deep.equal([]);
      second.store.database.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
