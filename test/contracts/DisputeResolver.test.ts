import { expect } from "chai";
import { encodeBytes32String, type Signer } from "ethers";
import { network } from "hardhat";
import { concatHex, encodeAbiParameters, keccak256, numberToHex, recoverTypedDataAddress, toBytes, toHex, type Address, type Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { clauseIdOf, packClauseVersion, parseClauseId } from "../../relayer/core/formats/clauseRef.js";
import { cacTypedData, type Cac } from "../../relayer/core/formats/eip712.js";
import { ClauseStatus, ExecutionModel } from "../../relayer/core/formats/enums.js";
import { tenantIdOf } from "../../relayer/core/formats/ids.js";
import { splitSignature } from "../../relayer/core/quorum/signature.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { devAccount } from "../../relayer/devnet/devKeys.js";
import { devNodeRuntimeHash, type DevNode } from "../../relayer/devnet/nodes.js";
import { chainTime, clauseFixture, clauseSpec, FLOOD_CODE_HASH, KEN, UGA, ZERO32, type ClauseFixture } from "../helpers/fixtures.js";

const ResolutionKind = { Unfreeze: 0, Override: 1 } as const;
const DisputeStatus = { None: 0, Open: 1, Resolved: 2 } as const;

const SOVEREIGN_ID = "UNDRR::Disaster::SovereignRelief@1.0.0";
const FLOOD_V2 = "UNDRR::Disaster::FloodPayout@2.0.0";
const OUT_A = keccak256(toBytes("output A"));
const OUT_B = keccak256(toBytes("output B"));
const INPUT = keccak256(toBytes("input bundle"));
/** secp256k1 group order. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const jobIdOf = (label: string): Hex => keccak256(toBytes(`job ${label}`));

type ClauseCtx = { clauseId: Hex; clauseVersion: number; codeHash: Hex; configDigest: Hex };

type DisputeFixture = ClauseFixture & {
  flood: ClauseCtx;
  sovereign: ClauseCtx;
  /** FloodPayout 2.0.0, another clause of the same owner. */
  floodV2: ClauseCtx;
};

async function clauseCtx(f: ClauseFixture, id: string): Promise<ClauseCtx> {
  const c = await f.network.contracts.clauseRegistry.getClause(clauseIdOf(id));
  return { clauseId: clauseIdOf(id), clauseVersion: packClauseVersion(parseClauseId(id)), codeHash: c.codeHash as Hex, configDigest: c.configDigest as Hex };
}

/** The flood clause, five attested nodes (clauseFixture) + a sovereign-override clause and FloodPayout 2.0.0, all ReliefDAO's. */
async function disputeFixture(connection: DevConnection): Promise<DisputeFixture> {
  const base = await clauseFixture(connection);
  const registry = base.network.contracts.clauseRegistry.connect(base.reliefTimelock);
  await (await registry.registerClause(clauseSpec(SOVEREIGN_ID, { model: ExecutionModel.SovereignOverride, quorumK: 2, quorumN: 3 }))).wait();
  await (await registry.registerClause(clauseSpec(FLOOD_V2))).wait();
  return {
    ...base,
    flood: await clauseCtx(base, "UNDRR::Disaster::FloodPayout@1.0.0"),
    sovereign: await clauseCtx(base, SOVEREIGN_ID),
    floodV2: await clauseCtx(base, FLOOD_V2),
  };
}

type Signing = { enclave: PrivateKeyAccount; runtimeHash: Hex };
const signingOf = (node: DevNode): Signing => ({
  enclave: node.enclave,
  runtimeHash: devNodeRuntimeHash(node),
});

describe("DisputeResolver", () => {
  let connection: DevConnection;
  let f: DisputeFixture;

  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
  });
  beforeEach(async () => {
    f = await connection.networkHelpers.loadFixture(disputeFixture);
  });

  const resolver = () => f.network.contracts.disputeResolver;
  const anchor = () => f.network.contracts.rollupAnchor;
  const clauses = () => f.network.contracts.clauseRegistry;
  const addressOf = async (s: Signer) => (await s.getAddress()) as Address;

  /** Two CACs for one job, signed by the given enclaves, with the given outputs. */
  async function evidence(options: {
    jobId: Hex;
    a: Signing;
    b: Signing;
    outA?: Hex;
    outB?: Hex;
    clause?: ClauseCtx;
    dao?: Address;
    jurisdiction?: Hex;
    tenantId?: Hex;
  }) {
    const clause = options.clause ?? f.flood;
    const dao = options.dao ?? f.relief.timelockAddress;
    const jurisdiction = options.jurisdiction ?? KEN;
    const tenantId = options.tenantId ?? tenantIdOf(f.relief.timelockAddress, "KEN");
    const outA = options.outA ?? OUT_A;
    const outB = options.outB ?? OUT_B;
    const timestamp = await chainTime(connection);
    const deployment = { chainId: f.network.chainId, address: f.network.addresses.rollupAnchor };
    const sign = async (who: Signing, outputHash: Hex) => {
      const cac: Cac = {
        jobId: options.jobId,
        clauseId: clause.clauseId,
        clauseVersion: clause.clauseVersion,
        codeHash: clause.codeHash,
        tenantId,
        attempt: 1,
        inputHash: INPUT,
        outputHash,
        runtimeHash: who.runtimeHash,
        configDigest: clause.configDigest,
        timestamp,
      };
      const signature = await who.enclave.signTypedData(cacTypedData(deployment, cac));
      return { attempt: 1, runtimeHash: who.runtimeHash, timestamp, ...splitSignature(signature) };
    };
    return {
      leafA: { jobId: options.jobId, resultSeq: 0n, clauseId: clause.clauseId, tenantId, inputHash: INPUT, outputHash: outA, cacSetHash: ZERO32 },
      outputHashB: outB,
      ctx: { clauseVersion: clause.clauseVersion, codeHash: clause.codeHash, configDigest: clause.configDigest },
      executorA: await sign(options.a, outA),
      executorB: await sign(options.b, outB),
      dao,
      jurisdiction,
    };
  }

  const nodeA = () => signingOf(f.nodes[0]!);
  const nodeB = () => signingOf(f.nodes[1]!);

  async function open(jobId: Hex, clause: ClauseCtx = f.flood) {
    await (await resolver().openDispute(await evidence({ jobId, a: nodeA(), b: nodeB(), clause }))).wait();
  }

  function resolution(kind: number, jobId: Hex, overrides: Partial<{ clauseId: Hex; dao: Address; jurisdiction: Hex; outputHash: Hex }> = {}) {
    return { kind, jobId, clauseId: f.flood.clauseId, dao: f.relief.timelockAddress, jurisdiction: KEN, outputHash: ZERO32, ...overrides };
  }

  async function expectFrozen(clauseId: Hex, frozen: boolean) {
    expect(await anchor().isClauseFrozen(clauseId), "RollupAnchor.isClauseFrozen").to.equal(frozen);
    expect((await clauses().getClause(clauseId)).status, "ClauseRegistry status").to.equal(frozen ? ClauseStatus.Frozen : ClauseStatus.Active);
  }

  describe("openDispute", () => {
    it("opens a dispute from two enclave-signed CACs that disagree and freezes the clause in RollupAnchor and ClauseRegistry", async () => {
      const jobId = jobIdOf("1");
      const tenantId = tenantIdOf(f.relief.timelockAddress, "KEN");
      const tx = resolver().connect(f.actors.stranger).openDispute(await evidence({ jobId, a: nodeA(), b: nodeB() }));
      await expect(tx)
        .to.emit(resolver(), "DisputeOpened")
        .withArgs(jobId, f.flood.clauseId, tenantId, f.nodes[0]!.enclave.address, f.nodes[1]!.enclave.address, OUT_A, OUT_B);
      await expect(tx).to.emit(anchor(), "ClauseFreezeSet").withArgs(f.flood.clauseId, true, encodeBytes32String("dispute"));
      await expect(tx)
        .to.emit(clauses(), "ClauseStatusChanged")
        .withArgs(f.flood.clauseId, ClauseStatus.Active, ClauseStatus.Frozen, f.network.addresses.disputeResolver);
      await expect(tx).to.not.emit(resolver(), "EquivocationProven");
      await expectFrozen(f.flood.clauseId, true);

      const d = await resolver().getDispute(jobId);
      expect(d.clauseId).to.equal(f.flood.clauseId);
      expect(d.tenantId).to.equal(tenantId);
      expect(d.status).to.equal(DisputeStatus.Open);
      expect(d.signerA).to.equal(f.nodes[0]!.enclave.address);
      expect(d.signerB).to.equal(f.nodes[1]!.enclave.address);
      expect(d.openedAt).to.equal(await chainTime(connection));
    });

    it("freezes a paused clause too", async () => {
      await (await clauses().connect(f.reliefTimelock).setClauseStatus(f.flood.clauseId, ClauseStatus.Paused)).wait();
      await expect(resolver().openDispute(await evidence({ jobId: jobIdOf("1"), a: nodeA(), b: nodeB() })))
        .to.emit(clauses(), "ClauseStatusChanged")
        .withArgs(f.flood.clauseId, ClauseStatus.Paused, ClauseStatus.Frozen, f.network.addresses.disputeResolver);
      expect(await anchor().isClauseFrozen(f.flood.clauseId)).to.equal(true);
    });

    it("proves equivocation when one enclave key signed both outputs (EquivocationProven)", async () => {
      const jobId = jobIdOf("1");
      const signer = f.nodes[2]!.enclave.address;
      const tx = resolver().openDispute(await evidence({ jobId, a: signingOf(f.nodes[2]!), b: signingOf(f.nodes[2]!) }));
      await expect(tx).to.emit(resolver(), "EquivocationProven").withArgs(signer, jobId, OUT_A, OUT_B);
      await expect(tx).to.emit(resolver(), "DisputeOpened").withArgs(jobId, f.flood.clauseId, (x: string) => x.length === 66, signer, signer, OUT_A, OUT_B);
      await expectFrozen(f.flood.clauseId, true);
    });

    it("rejects two CACs with the same output (DisputeResolverNoDisagreement)", async () => {
      const jobId = jobIdOf("1");
      await expect(resolver().openDispute(await evidence({ jobId, a: nodeA(), b: nodeB(), outB: OUT_A })))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverNoDisagreement")
        .withArgs(OUT_A);
      expect((await resolver().getDispute(jobId)).status).to.equal(DisputeStatus.None);
      await expectFrozen(f.flood.clauseId, false);
    });

    it("rejects a CAC signed by a key that was never registered (DisputeResolverUnknownSigner)", async () => {
      const rogue = devAccount("rogue-enclave", 0);
      const jobId = jobIdOf("1");
      await expect(resolver().openDispute(await evidence({ jobId, a: nodeA(), b: { enclave: rogue, runtimeHash: keccak256(toBytes("rogue")) } })))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverUnknownSigner")
        .withArgs(rogue.address);
      await expect(resolver().openDispute(await evidence({ jobId, a: { enclave: rogue, runtimeHash: ZERO32 }, b: nodeB() })))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverUnknownSigner")
        .withArgs(rogue.address);
      expect((await resolver().getDispute(jobId)).status).to.equal(DisputeStatus.None);
      await expectFrozen(f.flood.clauseId, false);
    });

    it("rejects evidence from a key that is registered but not active: ejected or revoked (DisputeResolverSignerNotActive)", async () => {
      const jobId = jobIdOf("1");
      const ejected = f.nodes[1]!.enclave.address;
      await (await f.network.contracts.nodeRegistry.ejectNode(ejected, encodeBytes32String("test"))).wait();
      const e = await evidence({ jobId, a: nodeA(), b: nodeB() });
      await expect(resolver().openDispute(e))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverSignerNotActive")
        .withArgs(ejected, e.executorB.timestamp);
      expect((await resolver().getDispute(jobId)).status).to.equal(DisputeStatus.None);
      await expectFrozen(f.flood.clauseId, false);
    });

    it("rejects a CAC timestamped after the signer's attestation expired (DisputeResolverSignerNotActive)", async () => {
      const jobId = jobIdOf("1");
      const until = (await f.network.contracts.nodeRegistry.getNode(f.nodes[0]!.enclave.address)).attestedUntil;
      await connection.networkHelpers.time.increaseTo(until + 10n);
      const e = await evidence({ jobId, a: nodeA(), b: nodeB() });
      await expect(resolver().openDispute(e)).to.be.revertedWithCustomError(resolver(), "DisputeResolverSignerNotActive");
      await expectFrozen(f.flood.clauseId, false);
    });

    it("rejects evidence whose code hash or config digest is not the registered version's (DisputeResolverContextMismatch)", async () => {
      const jobId = jobIdOf("1");
      for (const wrong of [
        { ...f.flood, codeHash: keccak256(toBytes("other code")) },
        { ...f.flood, configDigest: keccak256(toBytes("other config")) },
        { ...f.flood, clauseVersion: f.flood.clauseVersion + 1 },
      ]) {
        await expect(resolver().openDispute(await evidence({ jobId, a: nodeA(), b: nodeB(), clause: wrong })))
          .to.be.revertedWithCustomError(resolver(), "DisputeResolverContextMismatch")
          .withArgs(f.flood.clauseId);
      }
      await expectFrozen(f.flood.clauseId, false);
    });

    it("rejects a registered node's signature presented over a different output: it recovers to an unknown key (DisputeResolverUnknownSigner)", async () => {
      const jobId = jobIdOf("1");
      const e = await evidence({ jobId, a: nodeA(), b: nodeB() });
      // Node B's signature, but claimed for output C: the contract recovers some unrelated address.
      const outC = keccak256(toBytes("output C"));
      const forged = { ...e, outputHashB: outC };
      const recovered = await recoverTypedDataAddress({
        ...cacTypedData(
          { chainId: f.network.chainId, address: f.network.addresses.rollupAnchor },
          {
            jobId,
            clauseId: f.flood.clauseId,
            clauseVersion: f.flood.clauseVersion,
            codeHash: f.flood.codeHash,
            tenantId: e.leafA.tenantId,
            attempt: 1,
            inputHash: INPUT,
            outputHash: outC,
            runtimeHash: e.executorB.runtimeHash,
            configDigest: f.flood.configDigest,
            timestamp: e.executorB.timestamp,
          },
        ),
        signature: concatHex([e.executorB.r, e.executorB.s, numberToHex(e.executorB.v, { size: 1 })]),
      });
      await expect(resolver().openDispute(forged)).to.be.revertedWithCustomError(resolver(), "DisputeResolverUnknownSigner").withArgs(recovered);
      await expectFrozen(f.flood.clauseId, false);
    });

    it("rejects the high-s twin of a valid CAC signature (QuorumMalleableSignature)", async () => {
      const e = await evidence({ jobId: jobIdOf("1"), a: nodeA(), b: nodeB() });
      const twin = { ...e.executorB, s: toHex(SECP256K1_N - BigInt(e.executorB.s), { size: 32 }), v: e.executorB.v === 27 ? 28 : 27 };
      await expect(resolver().openDispute({ ...e, executorB: twin }))
        .to.be.revertedWithCustomError(resolver(), "QuorumMalleableSignature")
        .withArgs(1);
      await expectFrozen(f.flood.clauseId, false);
    });

    it("rejects a signature with v outside {27, 28} (QuorumInvalidSignature)", async () => {
      const e = await evidence({ jobId: jobIdOf("1"), a: nodeA(), b: nodeB() });
      await expect(resolver().openDispute({ ...e, executorA: { ...e.executorA, v: 29 } }))
        .to.be.revertedWithCustomError(resolver(), "QuorumInvalidSignature")
        .withArgs(0);
      await expectFrozen(f.flood.clauseId, false);
    });

    it("rejects evidence whose tenant is not (dao, jurisdiction) (DisputeResolverTenantMismatch)", async () => {
      const jobId = jobIdOf("1");
      const tenantId = tenantIdOf(f.relief.timelockAddress, "KEN");
      const other = await addressOf(f.otherDao);
      await expect(resolver().openDispute(await evidence({ jobId, a: nodeA(), b: nodeB(), dao: other })))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverTenantMismatch")
        .withArgs(tenantId, other, KEN);
      await expect(resolver().openDispute(await evidence({ jobId, a: nodeA(), b: nodeB(), jurisdiction: UGA })))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverTenantMismatch")
        .withArgs(tenantId, f.relief.timelockAddress, UGA);
      expect((await resolver().getDispute(jobId)).status).to.equal(DisputeStatus.None);
      await expectFrozen(f.flood.clauseId, false);
    });

    it("rejects evidence naming a tenant that is not the clause owner, which no resolution could ever name (DisputeResolverTenantMismatch)", async () => {
      const jobId = jobIdOf("1");
      const other = await addressOf(f.otherDao);
      // The second DAO is a real tenant of KEN, and both CACs are validly signed for its tenant id.
      const tenantId = tenantIdOf(other, "KEN");
      await expect(resolver().openDispute(await evidence({ jobId, a: nodeA(), b: nodeB(), dao: other, tenantId })))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverTenantMismatch")
        .withArgs(tenantId, other, KEN);
      expect((await resolver().getDispute(jobId)).status).to.equal(DisputeStatus.None);
      await expectFrozen(f.flood.clauseId, false);
    });

    it("rejects evidence naming a jurisdiction the clause does not list (DisputeResolverTenantMismatch)", async () => {
      const jobId = jobIdOf("1");
      const tenantId = tenantIdOf(f.relief.timelockAddress, "UGA");
      await expect(resolver().openDispute(await evidence({ jobId, a: nodeA(), b: nodeB(), jurisdiction: UGA, tenantId })))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverTenantMismatch")
        .withArgs(tenantId, f.relief.timelockAddress, UGA);
      await expectFrozen(f.flood.clauseId, false);
    });

    it("rejects evidence for an unregistered clause (ClauseRegistryUnknownClause)", async () => {
      const ghost: ClauseCtx = { ...f.flood, clauseId: clauseIdOf("UNDRR::Disaster::Ghost@1.0.0") };
      await expect(resolver().openDispute(await evidence({ jobId: jobIdOf("1"), a: nodeA(), b: nodeB(), clause: ghost })))
        .to.be.revertedWithCustomError(clauses(), "ClauseRegistryUnknownClause")
        .withArgs(ghost.clauseId);
    });

    it("rejects a second dispute on a job whose dispute is open (DisputeResolverAlreadyOpen)", async () => {
      const jobId = jobIdOf("1");
      await open(jobId);
      await expect(resolver().openDispute(await evidence({ jobId, a: signingOf(f.nodes[2]!), b: signingOf(f.nodes[3]!) })))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverAlreadyOpen")
        .withArgs(jobId);
      expect((await resolver().getDispute(jobId)).signerA).to.equal(f.nodes[0]!.enclave.address);
    });

    it("rejects replaying the evidence of a resolved dispute, so a settled job cannot re-freeze the clause (DisputeResolverAlreadyResolved)", async () => {
      const jobId = jobIdOf("1");
      const e = await evidence({ jobId, a: nodeA(), b: nodeB() });
      await (await resolver().openDispute(e)).wait();
      const r = resolution(ResolutionKind.Unfreeze, jobId);
      await (await resolver().connect(f.reliefTimelock).approve(r)).wait();
      await (await resolver().connect(f.actors.kenAuthority).approve(r)).wait();
      await expectFrozen(f.flood.clauseId, false);

      await expect(resolver().connect(f.actors.stranger).openDispute(e))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverAlreadyResolved")
        .withArgs(jobId);
      await expectFrozen(f.flood.clauseId, false);
      expect((await resolver().getDispute(jobId)).status).to.equal(DisputeStatus.Resolved);
    });
  });

  describe("approve: Unfreeze needs the DAO timelock AND the jurisdiction authority", () => {
    const jobId = jobIdOf("1");
    beforeEach(async () => {
      await open(jobId);
    });

    it("changes nothing on the DAO timelock's approval alone (ResolutionApproved only)", async () => {
      const r = resolution(ResolutionKind.Unfreeze, jobId);
      const id = await resolver().resolutionId(r);
      const tx = resolver().connect(f.reliefTimelock).approve(r);
      await expect(tx).to.emit(resolver(), "ResolutionApproved").withArgs(id, jobId, f.relief.timelockAddress, true);
      await expect(tx).to.not.emit(resolver(), "ResolutionExecuted");
      await expectFrozen(f.flood.clauseId, true);
      expect((await resolver().getDispute(jobId)).status).to.equal(DisputeStatus.Open);
    });

    it("changes nothing on the jurisdiction authority's approval alone (ResolutionApproved only)", async () => {
      const r = resolution(ResolutionKind.Unfreeze, jobId);
      const id = await resolver().resolutionId(r);
      const tx = resolver().connect(f.actors.kenAuthority).approve(r);
      await expect(tx).to.emit(resolver(), "ResolutionApproved").withArgs(id, jobId, await addressOf(f.actors.kenAuthority), false);
      await expect(tx).to.not.emit(resolver(), "ResolutionExecuted");
      await expectFrozen(f.flood.clauseId, true);
    });

    it("does not count one party approving twice as both parties", async () => {
      const r = resolution(ResolutionKind.Unfreeze, jobId);
      await (await resolver().connect(f.actors.kenAuthority).approve(r)).wait();
      await expect(resolver().connect(f.actors.kenAuthority).approve(r)).to.not.emit(resolver(), "ResolutionExecuted");
      await (await resolver().connect(f.reliefTimelock).approve(r)).wait();
      // The DAO's approval completed the pair: now it is executed.
      expect((await resolver().getDispute(jobId)).status).to.equal(DisputeStatus.Resolved);
    });

    for (const order of ["DAO first", "authority first"] as const) {
      it(`executes on both approvals (${order}): ResolutionExecuted, the dispute resolved, the clause unfrozen in both contracts`, async () => {
        const r = resolution(ResolutionKind.Unfreeze, jobId);
        const id = await resolver().resolutionId(r);
        const [first, second] = order === "DAO first" ? [f.reliefTimelock, f.actors.kenAuthority] : [f.actors.kenAuthority, f.reliefTimelock];
        await (await resolver().connect(first).approve(r)).wait();
        const tx = resolver().connect(second).approve(r);
        await expect(tx).to.emit(resolver(), "ResolutionApproved").withArgs(id, jobId, await addressOf(second), order === "authority first");
        await expect(tx).to.emit(resolver(), "ResolutionExecuted").withArgs(id, jobId, ResolutionKind.Unfreeze);
        await expect(tx).to.emit(anchor(), "ClauseFreezeSet").withArgs(f.flood.clauseId, false, encodeBytes32String("disputes resolved"));
        await expect(tx)
          .to.emit(clauses(), "ClauseStatusChanged")
          .withArgs(f.flood.clauseId, ClauseStatus.Frozen, ClauseStatus.Active, f.network.addresses.disputeResolver);
        await expectFrozen(f.flood.clauseId, false);
        expect((await resolver().getDispute(jobId)).status).to.equal(DisputeStatus.Resolved);
      });
    }

    it("rejects anyone else, including another DAO and another jurisdiction's authority (DisputeResolverNotParty)", async () => {
      const r = resolution(ResolutionKind.Unfreeze, jobId);
      for (const caller of [f.actors.stranger, f.otherDao, f.actors.ugaAuthority, f.actors.deployer]) {
        await expect(resolver().connect(caller).approve(r))
          .to.be.revertedWithCustomError(resolver(), "DisputeResolverNotParty")
          .withArgs(await addressOf(caller));
      }
      await expectFrozen(f.flood.clauseId, true);
    });

    it("rejects a resolution naming a DAO other than the clause owner (DisputeResolverMismatch)", async () => {
      const r = resolution(ResolutionKind.Unfreeze, jobId, { dao: await addressOf(f.otherDao) });
      await expect(resolver().connect(f.otherDao).approve(r))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverMismatch")
        .withArgs(await resolver().resolutionId(r));
      await expect(resolver().connect(f.actors.kenAuthority).approve(r))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverMismatch")
        .withArgs(await resolver().resolutionId(r));
    });

    it("rejects a resolution naming another clause of the same owner than the disputed one (DisputeResolverMismatch)", async () => {
      const r = resolution(ResolutionKind.Unfreeze, jobId, { clauseId: f.floodV2.clauseId });
      await expect(resolver().connect(f.reliefTimelock).approve(r))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverMismatch")
        .withArgs(await resolver().resolutionId(r));
    });

    it("rejects a resolution naming a jurisdiction the disputed clause does not list, so that authority cannot co-approve (DisputeResolverMismatch)", async () => {
      const r = resolution(ResolutionKind.Unfreeze, jobId, { jurisdiction: UGA });
      for (const caller of [f.actors.ugaAuthority, f.reliefTimelock]) {
        await expect(resolver().connect(caller).approve(r))
          .to.be.revertedWithCustomError(resolver(), "DisputeResolverMismatch")
          .withArgs(await resolver().resolutionId(r));
      }
      await expectFrozen(f.flood.clauseId, true);
    });

    it("rejects a resolution naming another of the clause's jurisdictions than the disputed job's tenant (DisputeResolverMismatch)", async () => {
      // A clause serving KEN and UGA; the disputed job ran for the KEN tenant, so UGA's authority is no party to it.
      const border = "UNDRR::Disaster::BorderFlood@1.0.0";
      await (await f.network.contracts.jurisdictionRegistry.connect(f.actors.ugaAuthority).admitTenant(f.relief.timelockAddress, UGA)).wait();
      await (await clauses().connect(f.reliefTimelock).registerClause(clauseSpec(border, { jurisdictions: [KEN, UGA] }))).wait();
      const ctx = await clauseCtx(f, border);
      const disputed = jobIdOf("border");
      await open(disputed, ctx);
      const r = resolution(ResolutionKind.Unfreeze, disputed, { clauseId: ctx.clauseId, jurisdiction: UGA });
      for (const caller of [f.actors.ugaAuthority, f.reliefTimelock]) {
        await expect(resolver().connect(caller).approve(r))
          .to.be.revertedWithCustomError(resolver(), "DisputeResolverMismatch")
          .withArgs(await resolver().resolutionId(r));
      }
      await expectFrozen(ctx.clauseId, true);
      // The KEN authority is the party: with the DAO it unfreezes.
      const ken = { ...r, jurisdiction: KEN };
      await (await resolver().connect(f.reliefTimelock).approve(ken)).wait();
      await expect(resolver().connect(f.actors.kenAuthority).approve(ken)).to.emit(resolver(), "ResolutionExecuted");
      await expectFrozen(ctx.clauseId, false);
    });

    it("rejects approving an executed resolution again (DisputeResolverAlreadyExecuted)", async () => {
      const r = resolution(ResolutionKind.Unfreeze, jobId);
      const id = await resolver().resolutionId(r);
      await (await resolver().connect(f.reliefTimelock).approve(r)).wait();
      await (await resolver().connect(f.actors.kenAuthority).approve(r)).wait();
      for (const caller of [f.reliefTimelock, f.actors.kenAuthority]) {
        await expect(resolver().connect(caller).approve(r)).to.be.revertedWithCustomError(resolver(), "DisputeResolverAlreadyExecuted").withArgs(id);
      }
      await expectFrozen(f.flood.clauseId, false);
    });

    it("rejects an Unfreeze for a job without an open dispute (DisputeResolverNoOpenDispute)", async () => {
      const other = jobIdOf("never disputed");
      await expect(resolver().connect(f.reliefTimelock).approve(resolution(ResolutionKind.Unfreeze, other)))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverNoOpenDispute")
        .withArgs(other);
    });

    it("keeps the clause frozen while a second dispute on it is open; unfreezes when the last one is resolved", async () => {
      const second = jobIdOf("2");
      await open(second);
      const both = async (jobIdToResolve: Hex) => {
        const r = resolution(ResolutionKind.Unfreeze, jobIdToResolve);
        await (await resolver().connect(f.reliefTimelock).approve(r)).wait();
        return resolver().connect(f.actors.kenAuthority).approve(r);
      };
      await expect(await both(jobId)).to.emit(resolver(), "ResolutionExecuted");
      expect((await resolver().getDispute(jobId)).status).to.equal(DisputeStatus.Resolved);
      await expectFrozen(f.flood.clauseId, true);
      await expect(await both(second)).to.emit(resolver(), "ResolutionExecuted");
      await expectFrozen(f.flood.clauseId, false);
    });

    it("freezes only the disputed clause: another clause of the same owner stays executable", async () => {
      await expectFrozen(f.floodV2.clauseId, false);
      expect(await clauses().isExecutable(f.floodV2.clauseId, KEN, await chainTime(connection))).to.equal(true);
      expect(await clauses().isExecutable(f.flood.clauseId, KEN, await chainTime(connection))).to.equal(false);
    });
  });

  describe("approve: Override", () => {
    const jobId = jobIdOf("override");
    const OVERRIDE = keccak256(encodeAbiParameters([{ type: "string" }], ["sovereign decision"]));

    it("rejects an override of a non-sovereign clause's job without a dispute (DisputeResolverOverrideNotAllowed)", async () => {
      const r = resolution(ResolutionKind.Override, jobId, { outputHash: OVERRIDE });
      for (const caller of [f.reliefTimelock, f.actors.kenAuthority]) {
        await expect(resolver().connect(caller).approve(r))
          .to.be.revertedWithCustomError(resolver(), "DisputeResolverOverrideNotAllowed")
          .withArgs(jobId);
      }
      expect(await resolver().overrideOf(jobId)).to.equal(ZERO32);
    });

    it("overrides a sovereign-override clause's job on both approvals (SovereignOverrideExecuted, overrideOf)", async () => {
      const r = resolution(ResolutionKind.Override, jobId, { clauseId: f.sovereign.clauseId, outputHash: OVERRIDE });
      const id = await resolver().resolutionId(r);
      await expect(resolver().connect(f.actors.kenAuthority).approve(r)).to.not.emit(resolver(), "SovereignOverrideExecuted");
      expect(await resolver().overrideOf(jobId)).to.equal(ZERO32);
      const tx = resolver().connect(f.reliefTimelock).approve(r);
      await expect(tx).to.emit(resolver(), "SovereignOverrideExecuted").withArgs(jobId, f.sovereign.clauseId, OVERRIDE);
      await expect(tx).to.emit(resolver(), "ResolutionExecuted").withArgs(id, jobId, ResolutionKind.Override);
      expect(await resolver().overrideOf(jobId)).to.equal(OVERRIDE);
      // An override settles a job's output; it never touches the clause's status.
      expect((await clauses().getClause(f.sovereign.clauseId)).status).to.equal(ClauseStatus.Active);
    });

    it("rejects a second override of the same job, even with another output (DisputeResolverAlreadyOverridden)", async () => {
      const r = resolution(ResolutionKind.Override, jobId, { clauseId: f.sovereign.clauseId, outputHash: OVERRIDE });
      await (await resolver().connect(f.reliefTimelock).approve(r)).wait();
      await (await resolver().connect(f.actors.kenAuthority).approve(r)).wait();
      const again = { ...r, outputHash: keccak256(toBytes("another decision")) };
      await expect(resolver().connect(f.reliefTimelock).approve(again))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverAlreadyOverridden")
        .withArgs(jobId);
      await expect(resolver().connect(f.reliefTimelock).approve(r))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverAlreadyExecuted")
        .withArgs(await resolver().resolutionId(r));
      expect(await resolver().overrideOf(jobId)).to.equal(OVERRIDE);
    });

    it("rejects an override to the zero output hash, which would read as 'no override' (DisputeResolverZeroOutputHash)", async () => {
      const r = resolution(ResolutionKind.Override, jobId, { clauseId: f.sovereign.clauseId, outputHash: ZERO32 });
      for (const caller of [f.reliefTimelock, f.actors.kenAuthority]) {
        await expect(resolver().connect(caller).approve(r)).to.be.revertedWithCustomError(resolver(), "DisputeResolverZeroOutputHash").withArgs(jobId);
      }
    });

    it("rejects an override naming a jurisdiction the sovereign clause does not list, so a foreign authority cannot co-approve (DisputeResolverMismatch)", async () => {
      const r = resolution(ResolutionKind.Override, jobId, { clauseId: f.sovereign.clauseId, outputHash: OVERRIDE, jurisdiction: UGA });
      for (const caller of [f.actors.ugaAuthority, f.reliefTimelock]) {
        await expect(resolver().connect(caller).approve(r))
          .to.be.revertedWithCustomError(resolver(), "DisputeResolverMismatch")
          .withArgs(await resolver().resolutionId(r));
      }
      expect(await resolver().overrideOf(jobId)).to.equal(ZERO32);
    });

    it("rejects an override naming a DAO other than the sovereign clause's owner (DisputeResolverMismatch)", async () => {
      const r = resolution(ResolutionKind.Override, jobId, { clauseId: f.sovereign.clauseId, outputHash: OVERRIDE, dao: await addressOf(f.otherDao) });
      await expect(resolver().connect(f.otherDao).approve(r))
        .to.be.revertedWithCustomError(resolver(), "DisputeResolverMismatch")
        .withArgs(await resolver().resolutionId(r));
    });

    it("rejects an override from anyone but the two parties (DisputeResolverNotParty)", async () => {
      const r = resolution(ResolutionKind.Override, jobId, { clauseId: f.sovereign.clauseId, outputHash: OVERRIDE });
      for (const caller of [f.actors.stranger, f.actors.ugaAuthority, f.otherDao]) {
        await expect(resolver().connect(caller).approve(r))
          .to.be.revertedWithCustomError(resolver(), "DisputeResolverNotParty")
          .withArgs(await addressOf(caller));
      }
    });

    it("overrides a disputed job of a non-sovereign clause on both approvals; the clause stays frozen until an Unfreeze", async () => {
      const disputed = jobIdOf("1");
      await open(disputed);
      const r = resolution(ResolutionKind.Override, disputed, { outputHash: OVERRIDE });
      await (await resolver().connect(f.reliefTimelock).approve(r)).wait();
      await expect(resolver().connect(f.actors.kenAuthority).approve(r))
        .to.emit(resolver(), "SovereignOverrideExecuted")
        .withArgs(disputed, f.flood.clauseId, OVERRIDE);
      expect(await resolver().overrideOf(disputed)).to.equal(OVERRIDE);
      await expectFrozen(f.flood.clauseId, true);
      expect((await resolver().getDispute(disputed)).status).to.equal(DisputeStatus.Open);
    });
  });
});
