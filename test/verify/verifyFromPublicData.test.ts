import { expect } from "chai";
import { network } from "hardhat";
import { privateKeyToAccount } from "viem/accounts";
import { keccak256, toBytes, type Hex, type PublicClient } from "viem";
import type { BatchBundle } from "../../relayer/core/batching/batchBundle.js";
import type { VerificationReport } from "../../relayer/core/verify/VerificationReport.js";
import { VERIFICATION_CHECK_ORDER } from "../../relayer/core/verify/verificationChecks.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { devAccounts } from "../../relayer/devnet/devKeys.js";
import { registerDevNode } from "../../relayer/devnet/nodes.js";
import { createGatewayArweaveSource } from "../../relayer/verify/createGatewayArweaveSource.js";
import { createInMemoryArweaveSource, type InMemoryArweave } from "../../relayer/verify/createInMemoryArweaveSource.js";
import { createSandboxReplayer } from "../../relayer/verify/createSandboxReplayer.js";
import { verifyFromPublicData } from "../../relayer/verify/verifyFromPublicData.js";
import { gatherEvidence } from "../../relayer/verify/gatherEvidence.js";
import { verifyEvidence } from "../../relayer/core/verify/verifyEvidence.js";
import type { VerificationSubject } from "../../relayer/core/verify/VerificationReport.js";
import { publicClientOf } from "../aggregator/aggregatorFixture.js";
import { chainTime, type ClauseFixture } from "../helpers/fixtures.js";
import { agreedResultOf, anchorProposal, proposalOf, rehash, reseal, sourcesOf, verifyFixture, type VerifyFixture } from "./verifyFixture.js";

describe("nsf verify core: verifyFromPublicData (real chain, in-memory archive, real WASM replay)", function () {
  this.timeout(120_000);
  let connection: DevConnection;
  const replay = createSandboxReplayer();
  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
  });
  after(() => replay.close());

  let f: VerifyFixture;
  let client: PublicClient;
  let arweave: InMemoryArweave;
  beforeEach(async () => {
    f = await connection.networkHelpers.loadFixture(verifyFixture);
    client = await publicClientOf(f as unknown as ClauseFixture);
    arweave = createInMemoryArweaveSource();
  });

  const verify = (subject: VerificationSubject, options: { rollupAnchor?: Hex; chainId?: bigint; arweaveSource?: InMemoryArweave | ReturnType<typeof createGatewayArweaveSource> } = {}) =>
    verifyFromPublicData(subject, {
      sources: { ...sourcesOf(client, arweave), ...(options.arweaveSource ? { arweave: options.arweaveSource } : {}) },
      rollupAnchor: options.rollupAnchor ?? f.network.addresses.rollupAnchor,
      ...(options.chainId !== undefined ? { chainId: options.chainId } : {}),
      replay,
    });

  const honestBatch = async () => proposalOf(f, [await agreedResultOf(f, 0), await agreedResultOf(f, 1)]);
  const failures = (r: VerificationReport) => r.checks.filter((c) => c.status === "fail").map((c) => c.name);
  /** The tamper must fail exactly the named check first, and the report must say invalid. */
  function expectFirstFailure(report: VerificationReport, name: string) {
    expect(report.verdict, JSON.stringify(report.checks.filter((c) => c.status !== "pass"), null, 1)).to.equal("invalid");
    expect(report.failed?.name).to.equal(name);
  }

  describe("valid executions pass", () => {
    it("by anchor transaction: every check of every execution passes, including the real WASM replay", async () => {
      const anchored = await anchorProposal(f, await honestBatch(), arweave);
      const report = await verify({ kind: "anchor-tx", txHash: anchored.txHash }, { chainId: f.network.chainId });
      expect(report.verdict, JSON.stringify(report.checks.filter((c) => c.status !== "pass"))).to.equal("valid");
      expect(report.checks.every((c) => c.status === "pass")).to.equal(true);
      // Every check ran, batch checks once and execution checks once per execution.
      const names = new Set(report.checks.map((c) => c.name));
      expect([...names].sort()).to.deep.equal([...VERIFICATION_CHECK_ORDER].sort());
      expect(report.checks.filter((c) => c.name === "replay").map((c) => c.jobId)).to.deep.equal(f.jobs.map((j) => j.jobId));
      expect(report.executions).to.have.length(2);
      expect(report.batch?.arweaveTxId).to.equal(anchored.arweaveId);
    });

    it("by execution id and by Arweave transaction id", async () => {
      const anchored = await anchorProposal(f, await honestBatch(), arweave);
      const byJob = await verify({ kind: "execution", jobId: f.jobs[1]!.jobId });
      expect(byJob.verdict).to.equal("valid");
      expect(byJob.executions.map((e) => e.jobId)).to.deep.equal([f.jobs[1]!.jobId]);
      expect(byJob.batch?.anchorTx).to.equal(anchored.txHash);
      const byArweave = await verify({ kind: "arweave-tx", arweaveTxId: anchored.arweaveId });
      expect(byArweave.verdict).to.equal("valid");
      expect(byArweave.executions).to.have.length(2);
    });

    it("finds the bundle by its tags when the anchor carries no locator", async () => {
      await anchorProposal(f, await honestBatch(), arweave, { locator: false });
      const report = await verify({ kind: "execution", jobId: f.jobs[0]!.jobId });
      expect(report.verdict).to.equal("valid");
      expect(report.checks.find((c) => c.name === "bundle.available")!.reason).to.match(/found by tags/);
    });
  });

  describe("tampering is detected by the check that owns it", () => {
    it("a mutated CAC field (colluding aggregators anchor it): cac.json", async () => {
      const proposal = await honestBatch();
      const cac = proposal.bundle.results[0]!.cacs[1]!.cac as { outputs: { amounts: string[] } };
      cac.outputs.amounts = ["1"];
      const anchored = await anchorProposal(f, rehash(proposal), arweave);
      const report = await verify({ kind: "anchor-tx", txHash: anchored.txHash });
      expectFirstFailure(report, "cac.json");
      expect(report.failed?.jobId).to.equal(f.jobs[0]!.jobId);
      // The untouched execution still verifies in full.
      expect(report.checks.filter((c) => c.jobId === f.jobs[1]!.jobId).every((c) => c.status === "pass")).to.equal(true);
    });

    it("a swapped proof: merkle.inclusion (the tree of all leaves still has the root)", async () => {
      const proposal = await honestBatch();
      const [a, b] = proposal.bundle.results;
      [a!.proof, b!.proof] = [b!.proof, a!.proof];
      const anchored = await anchorProposal(f, rehash(proposal), arweave);
      const report = await verify({ kind: "execution", jobId: f.jobs[0]!.jobId });
      expectFirstFailure(report, "merkle.inclusion");
      expect(report.checks.find((c) => c.name === "merkle.root")!.status).to.equal("pass");
      expect(anchored.batchSeq).to.equal(1n);
    });

    it("a wrong bundle at the anchored locator (nothing archived hashes to the anchored bundleHash): bundle.hash", async () => {
      const honest = await honestBatch();
      const other = structuredClone(honest.bundle) as BatchBundle;
      other.results[0]!.agreed_at = "1";
      const anchored = await anchorProposal(f, honest, arweave, { archived: other });
      const report = await verify({ kind: "anchor-tx", txHash: anchored.txHash });
      expectFirstFailure(report, "bundle.hash");
      // Nothing is read from a bundle the anchor does not commit to.
      expect(report.checks.find((c) => c.name === "bundle.schema")!.status).to.equal("skipped");
    });

    it("a non-zk result that withholds its inputs as a zk result would (colluding aggregators anchor it): zk.proof", async () => {
      const proposal = await honestBatch();
      (proposal.bundle.results[0] as { input_bundle: unknown }).input_bundle = null;
      const anchored = await anchorProposal(f, rehash(proposal), arweave);
      const report = await verify({ kind: "anchor-tx", txHash: anchored.txHash });
      expectFirstFailure(report, "zk.proof");
      expect(report.failed?.jobId).to.equal(f.jobs[0]!.jobId);
      expect(report.failed?.reason).to.match(/is not zk, yet the result withholds its input bundle/);
    });

    it("a forged CAC signature: cac.signatures", async () => {
      const proposal = await honestBatch();
      const entry = proposal.bundle.results[1]!.cacs[0]!;
      const forger = privateKeyToAccount(keccak256(toBytes("NSF DEV KEY - verify test forger - public, never fund")));
      entry.signature = (await forger.sign({ hash: (entry.cac as { hash_graph: { cac_digest: Hex } }).hash_graph.cac_digest })).toLowerCase();
      const anchored = await anchorProposal(f, rehash(proposal), arweave);
      const report = await verify({ kind: "anchor-tx", txHash: anchored.txHash });
      expectFirstFailure(report, "cac.signatures");
      expect(report.failed?.jobId).to.equal(f.jobs[1]!.jobId);
      expect(report.failed?.reason).to.match(/recovers to/);
    });

    it("a duplicated signature (one executor counted twice): cac.signatures", async () => {
      const proposal = await honestBatch();
      const cacs = proposal.bundle.results[0]!.cacs;
      cacs[1] = structuredClone(cacs[0]!);
      const anchored = await anchorProposal(f, reseal(proposal), arweave);
      const report = await verify({ kind: "anchor-tx", txHash: anchored.txHash });
      expectFirstFailure(report, "cac.signatures");
      expect(report.failed?.reason).to.match(/duplicate or unsorted/);
    });

    it("an expired attestation (a signer's attestation had lapsed when it signed): executors.attestation", async () => {
      const now = await chainTime(f.connection);
      const [enclave] = devAccounts("verify-short-lived-enclave", 1);
      const shortLived = await registerDevNode(f.network, f.roles, { enclave: enclave!, operator: f.actors.stranger, jurisdiction: "KEN", sovereign: false }, now, 60n);
      await f.connection.networkHelpers.time.increase(600);
      const result = await agreedResultOf(f, 0, { nodes: [f.nodes[0]!, f.nodes[1]!, shortLived] });
      const anchored = await anchorProposal(f, await proposalOf(f, [result]), arweave);
      const report = await verify({ kind: "execution", jobId: f.jobs[0]!.jobId });
      expectFirstFailure(report, "executors.attestation");
      expect(report.failed?.reason).to.include(shortLived.enclave.address);
      expect(anchored.batchSeq).to.equal(1n);
    });

    it("a CAC whose runtime_info names a verdict the registry never held: executors.runtime", async () => {
      // The node itself signed these CACs (valid signatures), so only the comparison with NodeRegistry catches them.
      const forgedVerdict = { ...f.nodes[2]!, verdictId: keccak256(toBytes("a verdict nobody co-signed")) };
      const anchored = await anchorProposal(f, await proposalOf(f, [await agreedResultOf(f, 0, { nodes: [f.nodes[0]!, f.nodes[1]!, forgedVerdict] })]), arweave);
      const report = await verify({ kind: "anchor-tx", txHash: anchored.txHash });
      expectFirstFailure(report, "executors.runtime");
      expect(report.failed?.reason).to.include("runtime_info.verdict_id");
      expect(report.failed?.reason).to.include(forgedVerdict.enclave.address);
    });

    it("a CAC whose runtime_info names another measurement than the registered one: executors.runtime", async () => {
      const otherMeasurement = { ...f.nodes[1]!, measurement: keccak256(toBytes("another build")) };
      const second = await anchorProposal(f, await proposalOf(f, [await agreedResultOf(f, 1, { nodes: [f.nodes[0]!, otherMeasurement, f.nodes[2]!] })]), arweave);
      const measured = await verify({ kind: "anchor-tx", txHash: second.txHash });
      expectFirstFailure(measured, "executors.runtime");
      expect(measured.failed?.reason).to.include("runtime_info.measurement");
    });

    it("a node that re-attested after signing: executors.runtime checks the verdict in force at the CAC's time, not the newest", async () => {
      const result = await agreedResultOf(f, 0);
      await f.connection.networkHelpers.time.increase(10);
      const renewed = await registerDevNode(f.network, f.roles, { enclave: f.nodes[0]!.enclave, operator: f.actors.operators[0]!, jurisdiction: "KEN", sovereign: f.nodes[0]!.sovereign }, await chainTime(f.connection));
      expect(renewed.verdictId).to.not.equal(f.nodes[0]!.verdictId);
      const anchored = await anchorProposal(f, await proposalOf(f, [result]), arweave);
      const report = await verify({ kind: "anchor-tx", txHash: anchored.txHash });
      const runtime = report.checks.find((c) => c.name === "executors.runtime");
      expect(runtime?.status, runtime?.reason).to.equal("pass");
    });

    it("a root from another chain or contract: the bundle and CACs name another RollupAnchor (bundle.deployment, cac.domain)", async () => {
      const elsewhere = { chainId: 8453n, address: "0x00000000000000000000000000000000000a0c4e" as Hex };
      const results = [await agreedResultOf(f, 0, { anchor: elsewhere }), await agreedResultOf(f, 1, { anchor: elsewhere })];
      const proposal = await proposalOf(f, results);
      proposal.bundle.chain_id = "8453";
      proposal.bundle.rollup_anchor = elsewhere.address;
      const anchored = await anchorProposal(f, rehash(proposal), arweave);
      const report = await verify({ kind: "anchor-tx", txHash: anchored.txHash });
      expectFirstFailure(report, "bundle.deployment");
      expect(failures(report)).to.include("cac.domain");
    });

    it("an anchor from another RollupAnchor than the monitor trusts: deployment.contract; another chain: deployment.chain", async () => {
      const anchored = await anchorProposal(f, await honestBatch(), arweave);
      const other = await verify({ kind: "anchor-tx", txHash: anchored.txHash }, { rollupAnchor: f.network.addresses.nodeRegistry });
      expectFirstFailure(other, "deployment.contract");
      const chain = await verify({ kind: "anchor-tx", txHash: anchored.txHash }, { chainId: 1n });
      expectFirstFailure(chain, "deployment.chain");
    });

    it("a missing Arweave bundle: bundle.available (invalid, not merely unverifiable)", async () => {
      const anchored = await anchorProposal(f, await honestBatch(), arweave, { archive: false });
      const byTx = await verify({ kind: "anchor-tx", txHash: anchored.txHash });
      expectFirstFailure(byTx, "bundle.available");
      expect(byTx.failed?.reason).to.include(anchored.arweaveId);
      const byJob = await verify({ kind: "execution", jobId: f.jobs[0]!.jobId });
      expectFirstFailure(byJob, "bundle.available");
    });

    it("an execution that was never anchored: anchor.located", async () => {
      await anchorProposal(f, await proposalOf(f, [await agreedResultOf(f, 0)]), arweave);
      const report = await verify({ kind: "execution", jobId: f.jobs[1]!.jobId });
      expectFirstFailure(report, "anchor.located");
    });
  });

  describe("the aggregator quorum, checked off-chain from the calldata (gatherEvidence + verifyEvidence, as an explorer calls them)", () => {
    async function evidenceOfHonestAnchor() {
      const anchored = await anchorProposal(f, await honestBatch(), arweave);
      const evidence = await gatherEvidence({ kind: "anchor-tx", txHash: anchored.txHash }, sourcesOf(client, arweave), { rollupAnchor: f.network.addresses.rollupAnchor });
      expect((await verifyEvidence(evidence, { replay })).verdict).to.equal("valid");
      return evidence;
    }

    it("signatures over a header with another previous commitment do not recover to the config's aggregators: aggregator.signatures", async () => {
      const evidence = await evidenceOfHonestAnchor();
      if (evidence.anchor.status !== "found") throw new Error("no anchor");
      evidence.anchor.value.prevCommitment = `0x${"11".repeat(32)}`;
      const report = await verifyEvidence(evidence, { replay });
      expectFirstFailure(report, "aggregator.signatures");
    });

    it("a ConfigSet whose fields do not hash to its announced digest: aggregator.config", async () => {
      const evidence = await evidenceOfHonestAnchor();
      if (evidence.aggregatorConfig.status !== "found") throw new Error("no config");
      evidence.aggregatorConfig.value.threshold = 2;
      const report = await verifyEvidence(evidence, { replay });
      expectFirstFailure(report, "aggregator.config");
      expect(report.checks.find((c) => c.name === "aggregator.signatures")!.status).to.equal("skipped");
    });

    it("a replayed module that computes another output: replay", async () => {
      const evidence = await evidenceOfHonestAnchor();
      const report = await verifyEvidence(evidence, { replay: async () => ({ ok: true, output: "0x00" }) });
      expectFirstFailure(report, "replay");
    });
  });

  describe("unreachable data is 'unverifiable', never 'valid' or 'invalid'", () => {
    it("an Arweave gateway that does not answer", async () => {
      const anchored = await anchorProposal(f, await honestBatch(), arweave);
      const down = createGatewayArweaveSource({ gateway: "http://127.0.0.1:9", timeoutMs: 2_000 });
      const report = await verify({ kind: "anchor-tx", txHash: anchored.txHash }, { arweaveSource: down as unknown as InMemoryArweave });
      expect(report.verdict).to.equal("unverifiable");
      expect(report.failed?.name).to.equal("bundle.available");
      expect(report.checks.find((c) => c.name === "bundle.available")!.status).to.equal("unavailable");
    });
  });
});
