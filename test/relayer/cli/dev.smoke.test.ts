import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DevSummary } from "../../../relayer/devnet/devSummary.js";
import { isAlive, spawnNsf } from "../../helpers/spawnNsf.js";
import { ROOT } from "../helpers/separateNodeFixture.js";

const hardhatPidOf = (stdout: string): number => {
  const match = /hardhat node http:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)\)/.exec(stdout);
  if (!match) throw new Error(`no hardhat node line in: ${stdout.slice(0, 1000)}`);
  return Number(match[2]);
};

const arlocalPidOf = (stdout: string): number => {
  const match = /arlocal http:\/\/127\.0\.0\.1:\d+ \(pid (\d+);/.exec(stdout);
  if (!match) throw new Error(`no arlocal line in: ${stdout.slice(0, 1000)}`);
  return Number(match[1]);
};

describe("nsf dev (the README's main command), run as its own process", function () {
  this.timeout(300_000);

  it("runs to completion: both jobs anchored, the flood execution proven and paid once, nothing left running", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "nsf-dev-smoke-"));
    const run = spawnNsf(["dev", "--out", out, "--executors", "5", "--block-time-ms", "500", "--batch-window-ms", "500", "--timeout", "120"]);
    const { code } = await run.exited;
    expect(code, `stdout: ${run.stdout().slice(-3000)}\nstderr: ${run.stderr().slice(-3000)}`).to.equal(0);

    const summary = JSON.parse(readFileSync(path.join(out, "summary.json"), "utf8")) as DevSummary;
    expect(summary.schema).to.equal("nsf.dev-summary/1");
    expect(summary.daos.map((d) => [d.name, d.jurisdiction])).to.deep.equal([["NetworkDAO", null], ["ReliefDAO", "KEN"], ["HealthDAO", "UGA"]]);
    expect(summary.proposals).to.have.length(3);
    expect(summary.nodes).to.have.length(5);
    expect(new Set(summary.nodes.map((n) => n.jurisdiction))).to.deep.equal(new Set(["KEN", "UGA"]));
    const flood = summary.jobs.find((j) => j.trigger.type === "sensor")!;
    const pandemic = summary.jobs.find((j) => j.clause === "WHO::Health::PandemicAlert@1.0.0")!;
    expect(flood.clause).to.equal("UNDRR::Disaster::FloodPayout@1.0.0");
    expect(flood.tenant.jurisdiction).to.equal("KEN");
    expect(flood.agreement.cacs).to.be.at.least(3);
    expect(flood.output).to.deep.equal({ status: 1, action: "Payout:FloodRelief", amounts: [(1_200n * 50_000_000n).toString()] });
    expect(pandemic.clause).to.equal("WHO::Health::PandemicAlert@1.0.0");
    expect(pandemic.tenant.jurisdiction).to.equal("UGA");
    expect(pandemic.agreement.cacs).to.be.at.least(2);
    expect(pandemic.output.action).to.match(/^Alert:PandemicLevel[123]$/);
    for (const b of summary.batches) {
      expect(b.anchorTx).to.match(/^0x[0-9a-f]{64}$/);
      expect(Number(b.gasUsed)).to.be.greaterThan(0);
      // Every anchored batch's bundle is on the local Arweave gateway, under the id the anchor carries.
      expect(b.arweave?.state).to.equal("confirmed");
      expect(b.arweave?.locator).to.equal(`0x${Buffer.from(b.arweave!.txId!, "base64url").toString("hex")}`);
    }
    expect(summary.arweave?.gatewayUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(run.stdout()).to.include(`gateway            ${summary.arweave!.gatewayUrl}`);
    // Two tenants (ReliefDAO × KEN, HealthDAO × UGA) through one relayer: each audit export, as written by
    // nsf audit export --tenant, holds only its tenant's entries, and among them its own job's.
    expect(summary.audits?.map((a) => a.label)).to.deep.equal(["ReliefDAO-KEN", "HealthDAO-UGA"]);
    for (const [audit, job, other] of [
      [summary.audits![0]!, flood, pandemic],
      [summary.audits![1]!, pandemic, flood],
    ] as const) {
      expect(audit.tenantId).to.equal(job.tenant.tenantId.toLowerCase());
      expect(run.stdout()).to.include(audit.file);
      const doc = JSON.parse(readFileSync(path.resolve(audit.file), "utf8")) as { tenant_id: string; entries: { entry: { tenant_id: string; job_id: string } }[] };
      expect(doc.tenant_id).to.equal(audit.tenantId);
      expect(doc.entries.length).to.equal(audit.entries).and.to.be.greaterThan(0);
      expect(doc.entries.every((e) => e.entry.tenant_id === audit.tenantId)).to.equal(true);
      expect(doc.entries.some((e) => e.entry.job_id === job.jobId.toLowerCase())).to.equal(true);
      expect(doc.entries.some((e) => e.entry.job_id === other.jobId.toLowerCase() || e.entry.tenant_id === other.tenant.tenantId.toLowerCase())).to.equal(false);
    }
    expect(summary.payout.paid).to.equal((1_200n * 50_000_000n).toString());
    expect(summary.payout.secondClaim).to.equal("ParametricPayoutAlreadyPaid");
    // The zk step: a private reading proven by the nodes, verified by the relayer and co-signers, paid on the proof once.
    const zk = summary.jobs.find((j) => j.clause === "UNDRR::Disaster::FloodPayoutZk@1.0.0")!;
    expect(zk.agreement.cacs).to.be.at.least(2);
    expect(zk.output).to.deep.equal({ status: 1, action: "Payout:FloodRelief", amounts: [(800n * 120_000_000n).toString()] });
    expect(summary.zk?.proofsVerifiedOffChain).to.equal(zk.agreement.cacs);
    expect(summary.zk?.paid).to.equal((800n * 120_000_000n).toString());
    expect(summary.zk?.secondClaim).to.equal("ParametricPayoutAlreadyPaid");
    expect(run.stdout()).to.include("[15/15] Done");
    expect(summary.explorer.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(run.stdout()).to.include(`explorer ${summary.explorer.url}`);
    expect(run.stdout()).to.include("refused (ParametricPayoutAlreadyPaid)");

    const pid = hardhatPidOf(run.stdout());
    expect(isAlive(pid), `hardhat node ${pid} still running`).to.equal(false);
    expect(isAlive(arlocalPidOf(run.stdout())), "arlocal still running").to.equal(false);
    const port = new URL(summary.chain.rpcUrl).port;
    expect(existsSync(path.join(ROOT, "ignition", "deployments", `nsf-dev-${port}`)), "the run's Ignition journal is removed").to.equal(false);
  });

  it("--keep-running: the explorer it prints serves its executions, each verified valid by the verification core", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "nsf-dev-explorer-"));
    const run = spawnNsf(["dev", "--out", out, "--executors", "5", "--block-time-ms", "500", "--batch-window-ms", "500", "--timeout", "120", "--keep-running"]);
    try {
      await run.waitFor("Ctrl-C stops everything", 240_000);
      const summary = JSON.parse(readFileSync(path.join(out, "summary.json"), "utf8")) as DevSummary;
      const page = await fetch(summary.explorer.url);
      expect(await page.text()).to.include('<div id="root">');
      const overview = (await (await fetch(new URL("/api/overview", summary.explorer.url))).json()) as { executions: { jobId: string }[] };
      expect(overview.executions.map((e) => e.jobId).sort()).to.deep.equal(summary.jobs.map((j) => j.jobId).sort());
      for (const job of summary.jobs) {
        const view = (await (await fetch(new URL(`/api/executions/${job.jobId}`, summary.explorer.url))).json()) as { report: { verdict: string; failed?: unknown } };
        expect(view.report.verdict, `${job.label}: ${JSON.stringify(view.report.failed)}`).to.equal("valid");
      }
    } finally {
      run.child.kill("SIGINT");
      // After the summary, Ctrl-C ends a --keep-running network normally (exit 0); 130 is for an interrupted run.
      const { code } = await run.exited;
      expect(code).to.equal(0);
    }
  });

  it("Ctrl-C (SIGINT) in the middle stops the relayer, the executor nodes and the hardhat node, and exits with 130", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "nsf-dev-sigint-"));
    const run = spawnNsf(["dev", "--out", out, "--executors", "5"]);
    await run.waitFor("[6/15]", 120_000);
    const pid = hardhatPidOf(run.stdout());
    expect(isAlive(pid)).to.equal(true);
    run.child.kill("SIGINT");
    const { code } = await run.exited;
    expect(code, run.stderr().slice(-2000)).to.equal(130);
    expect(run.stdout()).to.match(/SIGINT: stopping the relayer, the executor nodes and the Hardhat node/);
    expect(run.stdout()).to.match(/stopped: relayer, \d+ executor nodes, arlocal, hardhat node \(pid \d+\)/);
    expect(isAlive(pid), `hardhat node ${pid} still running`).to.equal(false);
    expect(isAlive(arlocalPidOf(run.stdout())), "arlocal still running").to.equal(false);
  });
});
