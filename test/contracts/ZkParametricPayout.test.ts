import { expect } from "chai";
import type { Signer } from "ethers";
import { network } from "hardhat";
import { keccak256, stringToHex, type Address, type Hex } from "viem";
import { ExecutionModel } from "../../relayer/core/formats/enums.js";
import { clauseIdOf } from "../../relayer/core/formats/clauseRef.js";
import { jurisdictionToBytes3 } from "../../relayer/core/formats/ids.js";
import { actionToBytes32 } from "../../relayer/core/formats/output.js";
import { type ParsedZkProof, toSolidityProof } from "../../relayer/core/zk/zkProofEnvelope.js";
import { BN254_BASE_FIELD, fieldBinding, publicSignalsToArray, SNARK_SCALAR_FIELD } from "../../relayer/core/zk/zkPublicSignals.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { loadZkCircuit } from "../../relayer/zk/loadZkCircuit.js";
import { poseidonCommitment } from "../../relayer/zk/poseidonCommitment.js";
import { proveZkClause } from "../../relayer/zk/proveZkClause.js";
import type { DevStablecoin, ZkParametricPayout } from "../../typechain-types/index.js";
import { baseFixture, clauseSpec, impersonate, ZERO32, type BaseFixture } from "../helpers/fixtures.js";
import { terminateSnarkjsCurve } from "../zk/zkTestKit.js";

const ZK_FLOOD_ID = "UNDRR::Disaster::FloodPayoutZk@1.0.0";
const ZK_FLOOD_V2_ID = "UNDRR::Disaster::FloodPayoutZk@2.0.0";
const MAX_PAYOUT = 10n ** 12n;
const SALT = 0xfeed_beefn;
const circuit = loadZkCircuit("flood_payout");

type ZkFixture = BaseFixture & {
  payout: ZkParametricPayout;
  payoutAddress: Address;
  stablecoin: DevStablecoin;
  verifier: Address;
  clauseId: Hex;
  attester: Signer;
};

describe("ZkParametricPayout: a Groth16 proof for a registered zk clause version pays", function () {
  this.timeout(120_000);
  let connection: DevConnection;
  // Proofs are made once (≈150 ms each on an idle machine) and reused across tests.
  const proofs = new Map<string, ParsedZkProof>();
  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
  });
  after(terminateSnarkjsCurve);

  async function zkFixture(): Promise<ZkFixture> {
    const base = await baseFixture(connection);
    const { network: net, reliefTimelock } = base;
    const registry = net.contracts.clauseRegistry.connect(reliefTimelock);
    for (const id of [ZK_FLOOD_ID, ZK_FLOOD_V2_ID]) {
      await (await registry.registerClause(clauseSpec(id, { model: ExecutionModel.Zk, quorumK: 1, quorumN: 1 }))).wait();
    }
    const verifier = (await (await connection.ethers.deployContract("FloodPayoutVerifier")).getAddress()) as Address;
    const binding = { circuitHash: circuit.manifest.circuit_hash, vkeyHash: circuit.manifest.vkey_hash, verifier };
    for (const id of [ZK_FLOOD_ID, ZK_FLOOD_V2_ID]) await (await registry.setZkBinding(clauseIdOf(id), binding)).wait();

    const stablecoin = (await connection.ethers.deployContract("DevStablecoin")) as unknown as DevStablecoin;
    const attester = base.actors.operators[0]!;
    const payout = (await connection.ethers.deployContract("ZkParametricPayout", [
      net.addresses.rollupAnchor,
      await stablecoin.getAddress(),
      net.addresses.clauseRegistry,
      clauseIdOf(ZK_FLOOD_ID),
      base.relief.timelockAddress,
      jurisdictionToBytes3("KEN"),
      await base.actors.beneficiary.getAddress(),
      actionToBytes32("Payout:FloodRelief"),
      MAX_PAYOUT,
      true,
      await attester.getAddress(),
    ])) as unknown as ZkParametricPayout;
    const payoutAddress = (await payout.getAddress()) as Address;
    await (await stablecoin.mint(payoutAddress, MAX_PAYOUT)).wait();
    return { ...base, payout, payoutAddress, stablecoin, verifier, clauseId: clauseIdOf(ZK_FLOOD_ID), attester };
  }
  const load = () => connection.networkHelpers.loadFixture(zkFixture);

  const jobA = keccak256(stringToHex("zk job A"));
  const jobB = keccak256(stringToHex("zk job B"));
  async function proof(key: string, inputs: { rainfall: bigint; households: bigint }, clauseId: string, jobId: Hex): Promise<ParsedZkProof> {
    if (!proofs.has(key)) {
      proofs.set(
        key,
        await proveZkClause(circuit, {
          inputs: { rainfall_72h_mm_x10: inputs.rainfall, insured_households: inputs.households, salt: SALT },
          clauseIdHash: keccak256(stringToHex(clauseId)),
          jobId,
        }),
      );
    }
    return proofs.get(key)!;
  }
  const severe = () => proof("severe-A", { rainfall: 2700n, households: 4n }, ZK_FLOOD_ID, jobA);
  type ProofArg = { a: [bigint, bigint]; b: [[bigint, bigint], [bigint, bigint]]; c: [bigint, bigint] };
  const args = (p: ParsedZkProof, signals: readonly bigint[] = publicSignalsToArray(p.publicSignals)): [ProofArg, bigint[]] => {
    const s = toSolidityProof(p.proof);
    return [{ a: s.a, b: s.b, c: s.c }, [...signals]];
  };
  const attest = async (f: ZkFixture, jobId: Hex, commitment: bigint) =>
    (await f.payout.connect(f.attester).attestInputCommitment(jobId, commitment)).wait();

  it("pays the proven amount once for the attested commitment (ZkPayoutReleased); a second claim reverts AlreadyPaid", async () => {
    const f = await load();
    const p = await severe();
    expect(p.publicSignals.input_commitment).to.equal(await poseidonCommitment([2700n, 4n, SALT]));
    await attest(f, jobA, p.publicSignals.input_commitment);
    await expect(f.payout.connect(f.actors.stranger).claimWithProof(jobA, ...args(p)))
      .to.emit(f.payout, "ZkPayoutReleased")
      .withArgs(jobA, await f.actors.beneficiary.getAddress(), 4n * 120_000_000n, f.verifier);
    expect(await f.stablecoin.balanceOf(await f.actors.beneficiary.getAddress())).to.equal(4n * 120_000_000n);
    expect(await f.payout.isPaid(jobA)).to.equal(true);
    await expect(f.payout.claimWithProof(jobA, ...args(p))).to.be.revertedWithCustomError(f.payout, "ParametricPayoutAlreadyPaid").withArgs(jobA);
  });

  it("forged outputs (a larger amount, status flipped) revert ZkPayoutInvalidProof(verifier)", async () => {
    const f = await load();
    const p = await severe();
    await attest(f, jobA, p.publicSignals.input_commitment);
    const signals = publicSignalsToArray(p.publicSignals);
    const larger = [...signals];
    larger[1] = signals[1]! * 2n;
    await expect(f.payout.claimWithProof(jobA, ...args(p, larger))).to.be.revertedWithCustomError(f.payout, "ZkPayoutInvalidProof").withArgs(f.verifier);
    // A no-action run whose status and amount the claimant rewrites to a tier-1 payout.
    const noAction = await proof("dry-B", { rainfall: 100n, households: 4n }, ZK_FLOOD_ID, jobB);
    await attest(f, jobB, noAction.publicSignals.input_commitment);
    const flipped = publicSignalsToArray(noAction.publicSignals);
    flipped[0] = 1n;
    flipped[1] = 4n * 50_000_000n;
    await expect(f.payout.claimWithProof(jobB, ...args(noAction, flipped))).to.be.revertedWithCustomError(f.payout, "ZkPayoutInvalidProof").withArgs(f.verifier);
    expect(await f.stablecoin.balanceOf(f.payoutAddress)).to.equal(MAX_PAYOUT);
  });

  it("a proof over another commitment than the attested one reverts ZkPayoutCommitmentMismatch; none attested → CommitmentNotAttested", async () => {
    const f = await load();
    const p = await severe();
    await expect(f.payout.claimWithProof(jobA, ...args(p))).to.be.revertedWithCustomError(f.payout, "ZkPayoutCommitmentNotAttested").withArgs(jobA);
    const other = await poseidonCommitment([2700n, 4n, SALT + 1n]);
    await attest(f, jobA, other);
    await expect(f.payout.claimWithProof(jobA, ...args(p)))
      .to.be.revertedWithCustomError(f.payout, "ZkPayoutCommitmentMismatch")
      .withArgs(jobA, other, p.publicSignals.input_commitment);
  });

  it("a proof for another clause version (same circuit, v2 binding) reverts ZkPayoutWrongClause; for another job ZkPayoutWrongJob", async () => {
    const f = await load();
    const v2 = await proof("severe-A-v2", { rainfall: 2700n, households: 4n }, ZK_FLOOD_V2_ID, jobA);
    await attest(f, jobA, v2.publicSignals.input_commitment);
    await expect(f.payout.claimWithProof(jobA, ...args(v2)))
      .to.be.revertedWithCustomError(f.payout, "ZkPayoutWrongClause")
      .withArgs(fieldBinding(f.clauseId), fieldBinding(keccak256(stringToHex(ZK_FLOOD_V2_ID))));
    const p = await severe();
    await attest(f, jobB, p.publicSignals.input_commitment);
    await expect(f.payout.claimWithProof(jobB, ...args(p)))
      .to.be.revertedWithCustomError(f.payout, "ZkPayoutWrongJob")
      .withArgs(fieldBinding(jobB), fieldBinding(jobA));
  });

  it("malformed input: wrong signal count, a signal ≥ r (aliased), a coordinate ≥ q, a point off the curve → named reverts", async () => {
    const f = await load();
    const p = await severe();
    await attest(f, jobA, p.publicSignals.input_commitment);
    const signals = publicSignalsToArray(p.publicSignals);
    const [proofArg] = args(p);
    await expect(f.payout.claimWithProof(jobA, proofArg, signals.slice(0, 4)))
      .to.be.revertedWithCustomError(f.payout, "ZkPayoutPublicSignalCount")
      .withArgs(5, 4);
    await expect(f.payout.claimWithProof(jobA, proofArg, [...signals, 0n]))
      .to.be.revertedWithCustomError(f.payout, "ZkPayoutPublicSignalCount")
      .withArgs(5, 6);
    // The same job binding plus r: equal modulo r, so an unchecked verifier input would alias.
    const aliased = [...signals];
    aliased[4] = signals[4]! + SNARK_SCALAR_FIELD;
    await expect(f.payout.claimWithProof(jobA, proofArg, aliased))
      .to.be.revertedWithCustomError(f.payout, "ZkPayoutPublicSignalOutOfField")
      .withArgs(4, aliased[4]);
    const wideA: ProofArg = { ...proofArg, a: [proofArg.a[0] + BN254_BASE_FIELD, proofArg.a[1]] };
    await expect(f.payout.claimWithProof(jobA, wideA, signals)).to.be.revertedWithCustomError(f.payout, "ZkPayoutProofElementOutOfField");
    const offCurve: ProofArg = { ...proofArg, a: [1n, 3n] };
    await expect(f.payout.claimWithProof(jobA, offCurve, signals)).to.be.revertedWithCustomError(f.payout, "ZkPayoutInvalidProof").withArgs(f.verifier);
  });

  it("only the input attester records a commitment, once, and never zero or ≥ r", async () => {
    const f = await load();
    await expect(f.payout.connect(f.actors.stranger).attestInputCommitment(jobA, 5n))
      .to.be.revertedWithCustomError(f.payout, "ZkPayoutNotAttester")
      .withArgs(await f.actors.stranger.getAddress());
    await expect(f.payout.connect(f.attester).attestInputCommitment(jobA, 0n)).to.be.revertedWithCustomError(f.payout, "ZkPayoutInvalidCommitment");
    await expect(f.payout.connect(f.attester).attestInputCommitment(jobA, SNARK_SCALAR_FIELD)).to.be.revertedWithCustomError(f.payout, "ZkPayoutInvalidCommitment");
    await expect(f.payout.connect(f.attester).attestInputCommitment(jobA, 5n)).to.emit(f.payout, "InputCommitmentAttested").withArgs(jobA, 5n);
    await expect(f.payout.connect(f.attester).attestInputCommitment(jobA, 6n))
      .to.be.revertedWithCustomError(f.payout, "ZkPayoutCommitmentAlreadyAttested")
      .withArgs(jobA);
  });

  it("a no-action result does not pay (ZkPayoutNotTriggered) and the proof path respects a frozen clause (requireActionable)", async () => {
    const f = await load();
    const dry = await proof("dry-A", { rainfall: 100n, households: 4n }, ZK_FLOOD_ID, jobA);
    await attest(f, jobA, dry.publicSignals.input_commitment);
    await expect(f.payout.claimWithProof(jobA, ...args(dry))).to.be.revertedWithCustomError(f.payout, "ZkPayoutNotTriggered").withArgs(0n);
    const p = await severe();
    await attest(f, jobB, p.publicSignals.input_commitment);
    const jobBProof = await proof("severe-B", { rainfall: 2700n, households: 4n }, ZK_FLOOD_ID, jobB);
    const anchor = f.network.contracts.rollupAnchor.connect(await impersonate(connection, f.network.addresses.disputeResolver));
    await (await anchor.setClauseFrozen(f.clauseId, true, ZERO32)).wait();
    await expect(f.payout.claimWithProof(jobB, ...args(jobBProof))).to.be.revertedWithCustomError(anchor, "RollupAnchorFrozen").withArgs(f.clauseId);
    await (await anchor.setClauseFrozen(f.clauseId, false, ZERO32)).wait();
    await expect(f.payout.claimWithProof(jobB, ...args(jobBProof))).to.emit(f.payout, "ZkPayoutReleased");
  });
});
