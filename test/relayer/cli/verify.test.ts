import { expect } from "chai";
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { network as hardhatNetwork } from "hardhat";
import { startLocalArweave, type LocalArweave } from "../../../relayer/archive/startLocalArweave.js";
import type { VerificationReport } from "../../../relayer/core/verify/VerificationReport.js";
import type { DevConnection } from "../../../relayer/devnet/connection.js";
import { startLocalNode, type LocalNode } from "../../../relayer/devnet/localNode.js";
import { spawnNsf } from "../../helpers/spawnNsf.js";
import { arlocalArchive } from "../../verify/arlocalArchive.js";
import { agreedResultOf, anchorProposal, proposalOf, verifyFixture, type Anchored, type VerifyFixture } from "../../verify/verifyFixture.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * `nsf verify` end to end, as a monitor runs it: its own process, a separately started hardhat node (RPC URL) and a
 * real arlocal gateway, nothing else. Batch 1 (job 0) is archived and anchored with its locator; batch 2 (job 1) is
 * anchored with a locator whose bundle was never posted. Exit codes 0 / 1 / 2.
 */
describe("nsf verify (CLI, separate hardhat node + arlocal)", function () {
  this.timeout(240_000);
  let node: LocalNode;
  let gateway: LocalArweave;
  let f: VerifyFixture;
  let archived: Anchored;
  let missing: Anchored;
  const deploymentId = `test-nsf-verify-${process.pid}`;

  before(async () => {
    node = await startLocalNode({ cwd: ROOT });
    gateway = await startLocalArweave();
    const connection = (await hardhatNetwork.create({ network: "localhost", override: { url: node.url } })) as unknown as DevConnection;
    f = await verifyFixture(connection, { deploymentId });
    const archive = await arlocalArchive(gateway);
    archived = await anchorProposal(f, await proposalOf(f, [await agreedResultOf(f, 0)]), archive);
    missing = await anchorProposal(f, await proposalOf(f, [await agreedResultOf(f, 1)], 2n), archive, { archive: false });
  });
  after(async () => {
    await gateway?.stop();
    await node?.stop();
    rmSync(path.join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
  });

  const verify = async (target: string, extra: string[] = []) => {
    const run = spawnNsf(["verify", target, "--rpc", node.url, "--gateway", gateway.url, "--anchor", f.network.addresses.rollupAnchor, ...extra]);
    const { code } = await run.exited;
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  };

  it("exit 0 for a valid execution: every check ✓, replay included (by execution id as text, by Arweave id as JSON)", async () => {
    const text = await verify(f.jobs[0]!.jobId, ["--chain-id", f.network.chainId.toString()]);
    if (process.env.NSF_SHOW_VERIFY) process.stdout.write(text.stdout);
    expect(text.code, text.stdout + text.stderr).to.equal(0);
    expect(text.stdout).to.match(/✓ replay\s+re-execution/);
    expect(text.stdout).to.match(/✓ aggregator\.signatures/);
    expect(text.stdout).to.not.include("✗");
    expect(text.stdout).to.match(/^VALID: \d+ checks passed$/m);

    const json = await verify(archived.arweaveId, ["--json"]);
    expect(json.code, json.stdout + json.stderr).to.equal(0);
    const report = JSON.parse(json.stdout) as VerificationReport;
    expect(report.verdict).to.equal("valid");
    expect(report.subject).to.deep.equal({ kind: "arweave-tx", arweaveTxId: archived.arweaveId });
    expect(report.batch?.anchorTx).to.equal(archived.txHash);
    expect(report.executions.map((e) => e.jobId)).to.deep.equal([f.jobs[0]!.jobId]);
  });

  it("exit 1 naming bundle.available when the anchored bundle is not on Arweave (by anchor transaction)", async () => {
    const text = await verify(missing.txHash);
    if (process.env.NSF_SHOW_VERIFY) process.stdout.write(text.stdout);
    expect(text.code, text.stdout + text.stderr).to.equal(1);
    expect(text.stdout).to.match(/✗ bundle\.available/);
    expect(text.stdout).to.match(/^INVALID: bundle\.available failed/m);
  });

  it("exit 2 for an unreachable RPC and for an argument that is no id (typed, nothing verified)", async () => {
    const run = spawnNsf(["verify", f.jobs[0]!.jobId, "--rpc", "http://127.0.0.1:9", "--gateway", gateway.url, "--anchor", f.network.addresses.rollupAnchor]);
    expect((await run.exited).code).to.equal(2);
    expect(run.stderr()).to.include("NSF_VERIFY_CHAIN_UNAVAILABLE");
    const bad = await verify("not-an-id");
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include("NSF_VERIFY_USAGE");
  });

  it("exit 2 naming bundle.available when the Arweave gateway is down", async () => {
    await gateway.stop();
    const json = await verify(archived.txHash, ["--json"]);
    expect(json.code, json.stdout + json.stderr).to.equal(2);
    const report = JSON.parse(json.stdout) as VerificationReport;
    expect(report.verdict).to.equal("unverifiable");
    expect(report.failed?.name).to.equal("bundle.available");
  });
});
