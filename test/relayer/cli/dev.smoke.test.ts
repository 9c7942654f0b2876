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
    const pandemic = summary.jobs.find((j) => j.trigger.type === "dao")!;
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
    }
    expect(summary.payout.paid).to.equal((1_200n * 50_000_000n).toString());
    expect(summary.payout.secondClaim).to.equal("ParametricPayoutAlreadyPaid");
    // The zk clause (docs/ZK.md): registered with its circuit by a ReliefDAO proposal, proved, verified, paid once.
    expect(summary.zkPayout?.clause).to.equal("UNDRR::Disaster::FloodPayoutZk@1.0.0");
    expect(summary.zkPayout?.paidUnits).to.equal("60000");
    expect(summary.zkPayout?.secondClaim).to.equal("ParametricPayoutAlreadyPaid");
    expect(run.stdout()).to.include("[13/13] Done");
    expect(run.stdout()).to.include("refused (ParametricPayoutAlreadyPaid)");

    const pid = hardhatPidOf(run.stdout());
    expect(isAlive(pid), `hardhat node ${pid} still running`).to.equal(false);
    const port = new URL(summary.chain.rpcUrl).port;
    expect(existsSync(path.join(ROOT, "ignition", "deployments", `nsf-dev-${port}`)), "the run's Ignition journal is removed").to.equal(false);
  });

  it("Ctrl-C (SIGINT) in the middle stops the relayer, the executor nodes and the hardhat node, and exits with 130", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "nsf-dev-sigint-"));
    const run = spawnNsf(["dev", "--out", out, "--executors", "5"]);
    await run.waitFor("[6/12]", 120_000);
    const pid = hardhatPidOf(run.stdout());
    expect(isAlive(pid)).to.equal(true);
    run.child.kill("SIGINT");
    const { code } = await run.exited;
    expect(code, run.stderr().slice(-2000)).to.equal(130);
    expect(run.stdout()).to.match(/SIGINT: stopping the relayer, the executor nodes and the Hardhat node/);
    expect(run.stdout()).to.match(/stopped: relayer, \d+ executor nodes, hardhat node \(pid \d+\)/);
    expect(isAlive(pid), `hardhat node ${pid} still running`).to.equal(false);
  });
});
