import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, type Address, type Hex } from "viem";
import { actionToBytes32, encodeClauseOutput } from "../../relayer/core/formats/output.js";
import { OutputStatus } from "../../relayer/core/formats/enums.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { anchorScriptedBatch, executorProofs, leafTuple, signCacs, type AnchoredBatch, type ScriptedResult } from "../../relayer/devnet/scriptedPipeline.js";
import type { ClauseOutput } from "../../relayer/core/formats/output.js";
import {
  anchoredFixture,
  batchRef,
  deployPayout,
  FLOOD_ACTION,
  MAX_PAYOUT,
  PAYOUT_AMOUNT,
  triggeredOutput,
  type AnchoredFixture,
} from "../helpers/anchoredFixture.js";
import { chainTime, impersonate, KEN, UGA, ZERO32 } from "../helpers/fixtures.js";
import type { ParametricPayout } from "../../typechain-types/index.js";

describe("ParametricPayout", () => {
  let connection: DevConnection;
  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
  });

  const load = () => connection.networkHelpers.loadFixture(anchoredFixture);
  const claimArgs = (f: AnchoredFixture, r: ScriptedResult, batch: AnchoredBatch = f.batch1, output: Hex = r.output) =>
    [batchRef(batch), leafTuple(r.leaf), batch.proofs.get(r.leaf.jobId)!, executorProofs(r), output] as const;
  const claim = (f: AnchoredFixture, payout: ParametricPayout, r: ScriptedResult, batch?: AnchoredBatch, output?: Hex) =>
    payout.connect(f.actors.stranger).claim(...claimArgs(f, r, batch, output));
  /** Executors 0..2 (KEN) sign `output` for `jobId` now, and the result is anchored as batch 2 (resultSeq 4, 5, ...). */
  const anchorBatch2 = async (f: AnchoredFixture, results: { jobId: Hex; output: ClauseOutput }[]) => {
    const now = await chainTime(connection);
    const signed: ScriptedResult[] = [];
    for (const [i, r] of results.entries()) {
      signed.push(
        await signCacs(f.network, f.clauseCtx, { jobId: r.jobId, tenantId: f.tenantId, inputBundle: { retry: i }, resultSeq: 4n + BigInt(i) }, f.nodes.slice(0, 3), r.output, now),
      );
    }
    const batch = await anchorScriptedBatch(f.network, f.roles, f.actors.submitter, { batchSeq: 2n, results: signed });
    return { batch, results: signed };
  };

  it("reads the clause once at deployment: version, code hash, config digest, k executors, tenant", async () => {
    const f = await load();
    const clause = await f.network.contracts.clauseRegistry.getClause(f.clauseId);
    expect(await f.payout.clauseVersion()).to.equal(clause.version);
    expect(await f.payout.codeHash()).to.equal(clause.codeHash);
    expect(await f.payout.configDigest()).to.equal(clause.configDigest);
    expect(await f.payout.minExecutors()).to.equal(3);
    expect(await f.payout.tenantId()).to.equal(f.tenantId);
    expect(await f.payout.requireInCountry()).to.equal(true);
  });

  it("claim pays the beneficiary exactly the output amount, once, and emits PayoutReleased(jobId, beneficiary, amount, batchSeq)", async () => {
    const f = await load();
    const jobId = f.sensorResult.leaf.jobId;
    expect(await f.payout.connect(f.actors.stranger).claim.staticCall(...claimArgs(f, f.sensorResult))).to.equal(PAYOUT_AMOUNT);
    await expect(claim(f, f.payout, f.sensorResult))
      .to.emit(f.payout, "PayoutReleased")
      .withArgs(jobId, f.beneficiaryAddress, PAYOUT_AMOUNT, 1n);
    expect(await f.stablecoin.balanceOf(f.beneficiaryAddress)).to.equal(PAYOUT_AMOUNT);
    expect(await f.stablecoin.balanceOf(f.payoutAddress)).to.equal(MAX_PAYOUT - PAYOUT_AMOUNT);
    expect(await f.payout.isPaid(jobId)).to.equal(true);
  });

  it("a second claim for the same execution reverts ParametricPayoutAlreadyPaid(jobId)", async () => {
    const f = await load();
    await (await claim(f, f.payout, f.sensorResult)).wait();
    await expect(claim(f, f.payout, f.sensorResult))
      .to.be.revertedWithCustomError(f.payout, "ParametricPayoutAlreadyPaid")
      .withArgs(f.sensorResult.leaf.jobId);
    expect(await f.stablecoin.balanceOf(f.beneficiaryAddress)).to.equal(PAYOUT_AMOUNT);
  });

  it("pays once even with another valid proof: the same execution id re-anchored in batch 2 reverts ParametricPayoutAlreadyPaid", async () => {
    const f = await load();
    await (await claim(f, f.payout, f.sensorResult)).wait();
    const jobId = f.sensorResult.leaf.jobId;
    const { batch, results } = await anchorBatch2(f, [{ jobId, output: triggeredOutput(PAYOUT_AMOUNT * 2n) }]);
    const again = results[0]!;
    // The second proof is valid on its own: the anchor verifies it.
    await f.network.contracts.rollupAnchor.verifyExecution(
      batchRef(batch),
      leafTuple(again.leaf),
      batch.proofs.get(jobId)!,
      f.clauseCtx,
      executorProofs(again),
      { minExecutors: 3, jurisdiction: KEN },
    );
    await expect(claim(f, f.payout, again, batch)).to.be.revertedWithCustomError(f.payout, "ParametricPayoutAlreadyPaid").withArgs(jobId);
    expect(await f.stablecoin.balanceOf(f.beneficiaryAddress)).to.equal(PAYOUT_AMOUNT);
  });

  it("rejects a result of another tenant or clause with ParametricPayoutWrongSubject(clauseId, tenantId)", async () => {
    const f = await load();
    // A consumer for another tenant (otherDao in KEN) cannot spend ReliefDAO's proven result.
    const otherTenantPayout = await deployPayout(f, f.stablecoin, { dao: (await f.otherDao.getAddress()) as Address });
    await (await f.stablecoin.mint(await otherTenantPayout.getAddress(), MAX_PAYOUT)).wait();
    await expect(claim(f, otherTenantPayout, f.sensorResult))
      .to.be.revertedWithCustomError(otherTenantPayout, "ParametricPayoutWrongSubject")
      .withArgs(f.clauseId, f.tenantId);
    const otherClause = `0x${"0c".repeat(32)}` as Hex;
    const [ref, leaf, proof, executors, output] = claimArgs(f, f.sensorResult);
    await expect(f.payout.claim(ref, { ...leaf, clauseId: otherClause }, proof, executors, output))
      .to.be.revertedWithCustomError(f.payout, "ParametricPayoutWrongSubject")
      .withArgs(otherClause, f.tenantId);
  });

  it("rejects output bytes that do not hash to the leaf's outputHash with ParametricPayoutOutputMismatch", async () => {
    const f = await load();
    const inflated = encodeClauseOutput(triggeredOutput(PAYOUT_AMOUNT * 10n));
    await expect(claim(f, f.payout, f.sensorResult, f.batch1, inflated))
      .to.be.revertedWithCustomError(f.payout, "ParametricPayoutOutputMismatch")
      .withArgs(f.sensorResult.leaf.outputHash, keccak256(inflated));
    expect(await f.stablecoin.balanceOf(f.beneficiaryAddress)).to.equal(0n);
  });

  it("rejects a proven 'no action' result (status 0) with ParametricPayoutNotTriggered(0, action)", async () => {
    const f = await load();
    await expect(claim(f, f.payout, f.noActionResult)).to.be.revertedWithCustomError(f.payout, "ParametricPayoutNotTriggered").withArgs(0, ZERO32);
  });

  it("rejects a proven triggered result with another action with ParametricPayoutNotTriggered(1, action)", async () => {
    const f = await load();
    const jobId = `0x${"a1".repeat(32)}` as Hex;
    const other: ClauseOutput = { status: OutputStatus.Triggered, action: "Payout:Drought", amounts: [PAYOUT_AMOUNT] };
    const { batch, results } = await anchorBatch2(f, [{ jobId, output: other }]);
    await expect(claim(f, f.payout, results[0]!, batch))
      .to.be.revertedWithCustomError(f.payout, "ParametricPayoutNotTriggered")
      .withArgs(OutputStatus.Triggered, actionToBytes32("Payout:Drought"));
  });

  it("rejects an amount above maxPayout or zero with ParametricPayoutInvalidAmount(amount, max); exactly max pays", async () => {
    const f = await load();
    const capped = await deployPayout(f, f.stablecoin, { maxPayout: PAYOUT_AMOUNT - 1n });
    await (await f.stablecoin.mint(await capped.getAddress(), MAX_PAYOUT)).wait();
    await expect(claim(f, capped, f.sensorResult))
      .to.be.revertedWithCustomError(capped, "ParametricPayoutInvalidAmount")
      .withArgs(PAYOUT_AMOUNT, PAYOUT_AMOUNT - 1n);

    const exact = await deployPayout(f, f.stablecoin, { maxPayout: PAYOUT_AMOUNT });
    await (await f.stablecoin.mint(await exact.getAddress(), PAYOUT_AMOUNT)).wait();
    await expect(claim(f, exact, f.sensorResult)).to.emit(exact, "PayoutReleased");

    const zeroJob = `0x${"a2".repeat(32)}` as Hex;
    const emptyJob = `0x${"a3".repeat(32)}` as Hex;
    const { batch, results } = await anchorBatch2(f, [
      { jobId: zeroJob, output: { status: OutputStatus.Triggered, action: FLOOD_ACTION, amounts: [0n] } },
      { jobId: emptyJob, output: { status: OutputStatus.Triggered, action: FLOOD_ACTION, amounts: [] } },
    ]);
    for (const r of results) {
      await expect(claim(f, f.payout, r, batch)).to.be.revertedWithCustomError(f.payout, "ParametricPayoutInvalidAmount").withArgs(0n, MAX_PAYOUT);
    }
  });

  it("requires the clause's k executors: two of three CACs revert RollupAnchorTooFewExecutors(3, 2)", async () => {
    const f = await load();
    const [ref, leaf, proof, executors, output] = claimArgs(f, f.sensorResult);
    await expect(f.payout.claim(ref, leaf, proof, executors.slice(0, 2), output))
      .to.be.revertedWithCustomError(f.network.contracts.rollupAnchor, "RollupAnchorTooFewExecutors")
      .withArgs(3, 2);
  });

  it("in-country requirement: a CAC set including the UGA node reverts NodeRegistryJurisdictionMismatch; a consumer without it pays", async () => {
    const f = await load();
    const uga = f.nodes[4]!.enclave.address;
    await expect(claim(f, f.payout, f.mixedResult))
      .to.be.revertedWithCustomError(f.network.contracts.nodeRegistry, "NodeRegistryJurisdictionMismatch")
      .withArgs(uga, KEN, UGA);
    expect(await f.payout.isPaid(f.mixedResult.leaf.jobId)).to.equal(false);

    const anywhere = await deployPayout(f, f.stablecoin, { requireInCountry: false });
    await (await f.stablecoin.mint(await anywhere.getAddress(), MAX_PAYOUT)).wait();
    await expect(claim(f, anywhere, f.mixedResult)).to.emit(anywhere, "PayoutReleased");
  });

  it("a frozen clause cannot be claimed (RollupAnchorFrozen), nothing is paid, and it pays once unfrozen", async () => {
    const f = await load();
    const anchor = f.network.contracts.rollupAnchor.connect(await impersonate(connection, f.network.addresses.disputeResolver));
    await (await anchor.setClauseFrozen(f.clauseId, true, ZERO32)).wait();
    await expect(claim(f, f.payout, f.sensorResult)).to.be.revertedWithCustomError(anchor, "RollupAnchorFrozen").withArgs(f.clauseId);
    expect(await f.payout.isPaid(f.sensorResult.leaf.jobId)).to.equal(false);
    expect(await f.stablecoin.balanceOf(f.beneficiaryAddress)).to.equal(0n);
    await (await anchor.setClauseFrozen(f.clauseId, false, ZERO32)).wait();
    await expect(claim(f, f.payout, f.sensorResult)).to.emit(f.payout, "PayoutReleased");
  });

  it("nothing is paid in safe mode (RollupAnchorSafeMode) or while the tenant is frozen (RollupAnchorFrozen)", async () => {
    const f = await load();
    const anchor = f.network.contracts.rollupAnchor;
    await (await anchor.setSafeMode(true, ZERO32)).wait();
    await expect(claim(f, f.payout, f.sensorResult)).to.be.revertedWithCustomError(anchor, "RollupAnchorSafeMode");
    await (await anchor.setSafeMode(false, ZERO32)).wait();
    const dispute = anchor.connect(await impersonate(connection, f.network.addresses.disputeResolver));
    await (await dispute.setTenantFrozen(f.tenantId, true, ZERO32)).wait();
    await expect(claim(f, f.payout, f.sensorResult)).to.be.revertedWithCustomError(anchor, "RollupAnchorFrozen").withArgs(f.tenantId);
    expect(await f.stablecoin.balanceOf(f.beneficiaryAddress)).to.equal(0n);
  });

  it("an unfunded consumer reverts (ERC20InsufficientBalance) and the execution stays unpaid", async () => {
    const f = await load();
    const unfunded = await deployPayout(f, f.stablecoin, {});
    await expect(claim(f, unfunded, f.sensorResult)).to.be.revertedWithCustomError(f.stablecoin, "ERC20InsufficientBalance");
    expect(await unfunded.isPaid(f.sensorResult.leaf.jobId)).to.equal(false);
  });

  it("the constructor rejects a zero beneficiary with ParametricPayoutZeroBeneficiary", async () => {
    const f = await load();
    const factory = await connection.ethers.getContractFactory("ParametricPayout");
    await expect(deployPayout(f, f.stablecoin, { beneficiary: "0x0000000000000000000000000000000000000000" })).to.be.revertedWithCustomError(
      factory,
      "ParametricPayoutZeroBeneficiary",
    );
  });
});
