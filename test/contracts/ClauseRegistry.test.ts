import { expect } from "chai";
import type { Signer } from "ethers";
import { network } from "hardhat";
import { encodeBytes32String } from "ethers";
import { keccak256, toBytes, type Address, type Hex } from "viem";
import { Roles } from "../../ignition/modules/roles.js";
import { clauseIdOf, clauseLineOf, packClauseVersion, parseClauseId } from "../../relayer/core/formats/clauseRef.js";
import { clauseConfigDigest } from "../../relayer/core/formats/configDigest.js";
import { ClauseStatus, ExecutionModel, PriorityClass } from "../../relayer/core/formats/enums.js";
import { jurisdictionToBytes3 } from "../../relayer/core/formats/ids.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { baseFixture, clauseSpec, FLOOD_CODE_HASH, FLOOD_ID, KEN, UGA, ZERO32, type BaseFixture } from "../helpers/fixtures.js";

const lineOf = (id: string): Hex => clauseLineOf(parseClauseId(id));
const versionOf = (id: string): number => packClauseVersion(parseClauseId(id));
/** The line name without version, e.g. "UNDRR::Disaster::FloodPayout-KE". */
const lineNameOf = (id: string): string => {
  const ref = parseClauseId(id);
  return `${ref.namespace}::${ref.domain}::${ref.name}${ref.fork ? `-${ref.fork}` : ""}`;
};

const FLOOD_V110 = "UNDRR::Disaster::FloodPayout@1.1.0";
const FLOOD_FORK = "UNDRR::Disaster::FloodPayout@1.2.3-KE";
const DROUGHT_ID = "UNDRR::Disaster::DroughtPayout@1.0.0";

type RegistryFixture = BaseFixture & {
  /** Holds the access manager's dispute role, as the DisputeResolver does. */
  freezer: Signer;
};

/** Base network + the flood clause v1.0.0 registered by ReliefDAO's timelock + a dispute-role holder. */
async function registryFixture(connection: DevConnection): Promise<RegistryFixture> {
  const base = await baseFixture(connection);
  const { clauseRegistry, accessManager } = base.network.contracts;
  await (await clauseRegistry.connect(base.reliefTimelock).registerClause(clauseSpec(FLOOD_ID))).wait();
  const freezer = base.actors.operators[0]!;
  await (await accessManager.grantRole(Roles.Dispute, await freezer.getAddress(), 0)).wait();
  return { ...base, freezer };
}

describe("ClauseRegistry", () => {
  let connection: DevConnection;
  let f: RegistryFixture;
  const floodId = clauseIdOf(FLOOD_ID);

  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
  });
  beforeEach(async () => {
    f = await connection.networkHelpers.loadFixture(registryFixture);
  });

  const registry = () => f.network.contracts.clauseRegistry;
  const addressOf = async (s: Signer) => (await s.getAddress()) as Address;

  describe("registerClause", () => {
    it("registers a version, emitting ClauseRegistered with every field and the composed id string", async () => {
      const spec = clauseSpec(DROUGHT_ID, {
        model: ExecutionModel.Quorum,
        quorumK: 2,
        quorumN: 4,
        priority: PriorityClass.Finance,
        policyFlags: 0x0a,
        validFrom: 1_000n,
        validUntil: 2_000n,
        codeHash: `0x${"cd".repeat(32)}`,
      });
      const timelock = f.relief.timelockAddress;
      const clauseId = clauseIdOf(DROUGHT_ID);
      const digest = clauseConfigDigest({
        chainId: f.network.chainId,
        clauseRegistry: f.network.addresses.clauseRegistry,
        clauseId,
        codeHash: spec.codeHash as Hex,
        executionModel: ExecutionModel.Quorum,
        quorumK: 2,
        quorumN: 4,
        policyFlags: 0x0a,
      });
      const tx = registry().connect(f.reliefTimelock).registerClause(spec);
      await expect(tx)
        .to.emit(registry(), "ClauseRegistered")
        .withArgs(
          clauseId,
          lineOf(DROUGHT_ID),
          timelock,
          DROUGHT_ID,
          versionOf(DROUGHT_ID),
          spec.codeHash,
          ZERO32,
          digest,
          ExecutionModel.Quorum,
          2,
          4,
          PriorityClass.Finance,
          0x0a,
          1_000n,
          2_000n,
          [KEN],
        );
      await expect(tx)
        .to.emit(registry(), "ClauseStatusChanged")
        .withArgs(clauseId, ClauseStatus.None, ClauseStatus.Active, timelock);
    });

    it("returns the bytes32 id, equal to the TypeScript clauseIdOf of the composed string", async () => {
      const returned = await registry().connect(f.reliefTimelock).registerClause.staticCall(clauseSpec(DROUGHT_ID));
      expect(returned).to.equal(clauseIdOf(DROUGHT_ID));
      expect(returned).to.equal(keccak256(toBytes(DROUGHT_ID)));
    });

    it("stores every field of the version, readable through getClause, lineOwner and latestVersion", async () => {
      const spec = clauseSpec(DROUGHT_ID, {
        model: ExecutionModel.Single,
        quorumK: 1,
        quorumN: 1,
        priority: PriorityClass.Planning,
        policyFlags: 7,
        validFrom: 10n,
        validUntil: 0n,
      });
      await (await registry().connect(f.reliefTimelock).registerClause(spec)).wait();
      const c = await registry().getClause(clauseIdOf(DROUGHT_ID));
      expect(c.owner).to.equal(f.relief.timelockAddress);
      expect(c.version).to.equal(versionOf(DROUGHT_ID));
      expect(c.model).to.equal(ExecutionModel.Single);
      expect(c.quorumK).to.equal(1);
      expect(c.quorumN).to.equal(1);
      expect(c.status).to.equal(ClauseStatus.Active);
      expect(c.priority).to.equal(PriorityClass.Planning);
      expect(c.policyFlags).to.equal(7);
      expect(c.validFrom).to.equal(10n);
      expect(c.validUntil).to.equal(0n);
      expect(c.codeHash).to.equal(FLOOD_CODE_HASH);
      expect(c.parent).to.equal(ZERO32);
      expect(c.line).to.equal(keccak256(toBytes("UNDRR::Disaster::DroughtPayout")));
      expect(c.domain).to.equal(encodeBytes32String("Disaster"));
      expect([...c.jurisdictions]).to.deep.equal([KEN]);
      expect(await registry().lineOwner(lineOf(DROUGHT_ID))).to.equal(f.relief.timelockAddress);
      expect(await registry().latestVersion(lineOf(DROUGHT_ID))).to.equal(versionOf(DROUGHT_ID));
    });

    it("stores a configDigest equal to the TypeScript clauseConfigDigest for the same values", async () => {
      for (const [id, model, k, n, flags] of [
        ["WHO::Health::PandemicAlert@1.0.0", ExecutionModel.Single, 1, 1, 0],
        ["WHO::Health::PandemicAlert@2.0.0", ExecutionModel.Quorum, 3, 5, 0xffffffff],
        ["WHO::Health::SovereignAlert@0.0.1", ExecutionModel.SovereignOverride, 2, 32, 1],
      ] as const) {
        const codeHash = keccak256(toBytes(id));
        await (
          await registry()
            .connect(f.reliefTimelock)
            .registerClause(clauseSpec(id, { model, quorumK: k, quorumN: n, policyFlags: flags, codeHash }))
        ).wait();
        const expected = clauseConfigDigest({
          chainId: f.network.chainId,
          clauseRegistry: f.network.addresses.clauseRegistry,
          clauseId: clauseIdOf(id),
          codeHash,
          executionModel: model,
          quorumK: k,
          quorumN: n,
          policyFlags: flags,
        });
        expect((await registry().getClause(clauseIdOf(id))).configDigest, id).to.equal(expected);
      }
    });

    it("gives each version its own config digest even when only the version differs", async () => {
      await (await registry().connect(f.reliefTimelock).registerClause(clauseSpec(FLOOD_V110))).wait();
      const a = (await registry().getClause(floodId)).configDigest;
      const b = (await registry().getClause(clauseIdOf(FLOOD_V110))).configDigest;
      expect(a).to.not.equal(b);
    });

    it("lets the line owner register a higher version and moves latestVersion", async () => {
      await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(FLOOD_V110)))
        .to.emit(registry(), "ClauseRegistered")
        .withArgs(
          clauseIdOf(FLOOD_V110),
          lineOf(FLOOD_ID),
          f.relief.timelockAddress,
          FLOOD_V110,
          versionOf(FLOOD_V110),
          FLOOD_CODE_HASH,
          ZERO32,
          (d: string) => /^0x[0-9a-f]{64}$/.test(d),
          ExecutionModel.Quorum,
          3,
          5,
          PriorityClass.Disaster,
          0,
          0n,
          0n,
          [KEN],
        );
      expect(await registry().latestVersion(lineOf(FLOOD_ID))).to.equal(versionOf(FLOOD_V110));
      // The earlier version stays registered and active.
      expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Active);
    });

    it("composes ids with the largest version numbers (65535) exactly as the TypeScript formatter does", async () => {
      const id = "UNDRR::Disaster::FloodPayout@65535.65535.65535";
      const receipt = await (await registry().connect(f.reliefTimelock).registerClause(clauseSpec(id))).wait();
      const event = receipt!.logs.map((l) => registry().interface.parseLog(l)).find((e) => e?.name === "ClauseRegistered");
      expect(event!.args.id).to.equal(id);
      expect(event!.args.clauseId).to.equal(clauseIdOf(id));
      expect(event!.args.version).to.equal(2n ** 48n - 1n);
      expect(await registry().latestVersion(lineOf(id))).to.equal(2n ** 48n - 1n);
    });

    it("accepts exactly 16 jurisdictions when the DAO is a tenant of each", async () => {
      const { jurisdictionRegistry } = f.network.contracts;
      const codes = [KEN, ...Array.from({ length: 15 }, (_, i) => jurisdictionToBytes3(`Q${String.fromCharCode(65 + i)}Z`))];
      for (const code of codes.slice(1)) {
        await (await jurisdictionRegistry.setJurisdictionAuthority(code, await addressOf(f.actors.kenAuthority))).wait();
        await (await jurisdictionRegistry.connect(f.actors.kenAuthority).admitTenant(f.relief.timelockAddress, code)).wait();
      }
      await (await registry().connect(f.reliefTimelock).registerClause(clauseSpec(DROUGHT_ID, { jurisdictions: codes }))).wait();
      expect([...(await registry().getClause(clauseIdOf(DROUGHT_ID))).jurisdictions]).to.deep.equal(codes);
    });

    it("rejects an already registered version (ClauseRegistryAlreadyRegistered)", async () => {
      await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(FLOOD_ID, { codeHash: `0x${"01".repeat(32)}` })))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryAlreadyRegistered")
        .withArgs(floodId);
      expect((await registry().getClause(floodId)).codeHash).to.equal(FLOOD_CODE_HASH);
    });

    it("rejects a new version from anyone but the line owner (ClauseRegistryNotOwner)", async () => {
      const other = await addressOf(f.otherDao);
      await expect(registry().connect(f.otherDao).registerClause(clauseSpec(FLOOD_V110)))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryNotOwner")
        .withArgs(lineOf(FLOOD_ID), other, f.relief.timelockAddress);
      expect(await registry().latestVersion(lineOf(FLOOD_ID))).to.equal(versionOf(FLOOD_ID));
      expect(await registry().lineOwner(lineOf(FLOOD_ID))).to.equal(f.relief.timelockAddress);
    });

    it("rejects a caller that is not a tenant of a listed jurisdiction (ClauseRegistryNotTenant) and claims no line", async () => {
      const stranger = await addressOf(f.actors.stranger);
      await expect(registry().connect(f.actors.stranger).registerClause(clauseSpec(DROUGHT_ID)))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryNotTenant")
        .withArgs(stranger, KEN);
      // ReliefDAO is a tenant of KEN only.
      await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(DROUGHT_ID, { jurisdictions: [KEN, UGA] })))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryNotTenant")
        .withArgs(f.relief.timelockAddress, UGA);
      expect(await registry().lineOwner(lineOf(DROUGHT_ID))).to.equal("0x0000000000000000000000000000000000000000");
      expect(await registry().latestVersion(lineOf(DROUGHT_ID))).to.equal(0n);
    });

    it("rejects a new version from an owner whose tenancy was removed (ClauseRegistryNotTenant)", async () => {
      await (await f.network.contracts.jurisdictionRegistry.connect(f.actors.kenAuthority).removeTenant(f.relief.timelockAddress, KEN)).wait();
      await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(FLOOD_V110)))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryNotTenant")
        .withArgs(f.relief.timelockAddress, KEN);
      expect(await registry().latestVersion(lineOf(FLOOD_ID))).to.equal(versionOf(FLOOD_ID));
    });

    it("rejects a version not above the line's latest (ClauseRegistryVersionNotIncreasing)", async () => {
      await (await registry().connect(f.reliefTimelock).registerClause(clauseSpec(FLOOD_V110))).wait();
      const lower = "UNDRR::Disaster::FloodPayout@1.0.5";
      await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(lower)))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryVersionNotIncreasing")
        .withArgs(lineOf(FLOOD_ID), versionOf(FLOOD_V110), versionOf(lower));
      expect(await registry().latestVersion(lineOf(FLOOD_ID))).to.equal(versionOf(FLOOD_V110));
      await expect(registry().getClause(clauseIdOf(lower)))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryUnknownClause")
        .withArgs(clauseIdOf(lower));
    });

    it("rejects a zero code hash (ClauseRegistryZeroCodeHash)", async () => {
      await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(DROUGHT_ID, { codeHash: ZERO32 }))).to.be.revertedWithCustomError(
        registry(),
        "ClauseRegistryZeroCodeHash",
      );
      expect(await registry().lineOwner(lineOf(DROUGHT_ID))).to.equal("0x0000000000000000000000000000000000000000");
    });

    for (const [label, model, k, n] of [
      ["single with k = 2", ExecutionModel.Single, 2, 2],
      ["single with n = 3", ExecutionModel.Single, 1, 3],
      ["single with k = 0", ExecutionModel.Single, 0, 1],
      ["quorum with k = 0", ExecutionModel.Quorum, 0, 3],
      ["quorum with k > n", ExecutionModel.Quorum, 4, 3],
      ["quorum with n = 33 > 32", ExecutionModel.Quorum, 3, 33],
      ["sovereign override with k = 0", ExecutionModel.SovereignOverride, 0, 0],
      ["sovereign override with k > n", ExecutionModel.SovereignOverride, 2, 1],
    ] as const) {
      it(`rejects an inconsistent quorum: ${label} (ClauseRegistryInvalidQuorum)`, async () => {
        await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(DROUGHT_ID, { model, quorumK: k, quorumN: n })))
          .to.be.revertedWithCustomError(registry(), "ClauseRegistryInvalidQuorum")
          .withArgs(model, k, n);
        expect(await registry().latestVersion(lineOf(DROUGHT_ID))).to.equal(0n);
      });
    }

    it("accepts the quorum bounds k = n = 32 and k = 1 of 32", async () => {
      await (await registry().connect(f.reliefTimelock).registerClause(clauseSpec(DROUGHT_ID, { quorumK: 32, quorumN: 32 }))).wait();
      await (
        await registry().connect(f.reliefTimelock).registerClause(clauseSpec("UNDRR::Disaster::DroughtPayout@1.0.1", { quorumK: 1, quorumN: 32 }))
      ).wait();
      expect((await registry().getClause(clauseIdOf(DROUGHT_ID))).quorumN).to.equal(32);
    });

    for (const [from, until] of [
      [100n, 100n],
      [100n, 50n],
    ] as const) {
      it(`rejects a validity window ending at ${until} before it starts at ${from} (ClauseRegistryInvalidWindow)`, async () => {
        await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(DROUGHT_ID, { validFrom: from, validUntil: until })))
          .to.be.revertedWithCustomError(registry(), "ClauseRegistryInvalidWindow")
          .withArgs(from, until);
        expect(await registry().latestVersion(lineOf(DROUGHT_ID))).to.equal(0n);
      });
    }

    it("rejects an empty jurisdiction list (ClauseRegistryInvalidJurisdictions)", async () => {
      await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(DROUGHT_ID, { jurisdictions: [] }))).to.be.revertedWithCustomError(
        registry(),
        "ClauseRegistryInvalidJurisdictions",
      );
      expect(await registry().latestVersion(lineOf(DROUGHT_ID))).to.equal(0n);
    });

    it("rejects a repeated jurisdiction (ClauseRegistryInvalidJurisdictions)", async () => {
      await expect(
        registry().connect(f.otherDao).registerClause(clauseSpec(DROUGHT_ID, { jurisdictions: [UGA, KEN, UGA] })),
      ).to.be.revertedWithCustomError(registry(), "ClauseRegistryInvalidJurisdictions");
      expect(await registry().latestVersion(lineOf(DROUGHT_ID))).to.equal(0n);
    });

    it("rejects more than 16 jurisdictions (ClauseRegistryInvalidJurisdictions)", async () => {
      const codes = Array.from({ length: 17 }, (_, i) => jurisdictionToBytes3(`Q${String.fromCharCode(65 + i)}Z`));
      await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(DROUGHT_ID, { jurisdictions: codes }))).to.be.revertedWithCustomError(
        registry(),
        "ClauseRegistryInvalidJurisdictions",
      );
    });

    for (const code of ["0x6b656e", "0x000000", "0x4b314e", "0x4b455b"] as const) {
      it(`rejects the malformed jurisdiction code ${code} (Jurisdiction.JurisdictionInvalidCode)`, async () => {
        await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(DROUGHT_ID, { jurisdictions: [KEN, code] })))
          .to.be.revertedWithCustomError(registry(), "JurisdictionInvalidCode")
          .withArgs(code);
        expect(await registry().latestVersion(lineOf(DROUGHT_ID))).to.equal(0n);
      });
    }

    it("records a fork's parent and gives the fork its own line", async () => {
      const tx = registry().connect(f.reliefTimelock).registerClause(clauseSpec(FLOOD_FORK, { parent: floodId }));
      await expect(tx)
        .to.emit(registry(), "ClauseRegistered")
        .withArgs(
          clauseIdOf(FLOOD_FORK),
          keccak256(toBytes("UNDRR::Disaster::FloodPayout-KE")),
          f.relief.timelockAddress,
          FLOOD_FORK,
          versionOf(FLOOD_FORK),
          FLOOD_CODE_HASH,
          floodId,
          (d: string) => /^0x[0-9a-f]{64}$/.test(d),
          ExecutionModel.Quorum,
          3,
          5,
          PriorityClass.Disaster,
          0,
          0n,
          0n,
          [KEN],
        );
      const fork = await registry().getClause(clauseIdOf(FLOOD_FORK));
      expect(fork.parent).to.equal(floodId);
      expect(fork.line).to.equal(lineOf(FLOOD_FORK));
      expect(lineOf(FLOOD_FORK)).to.equal(keccak256(toBytes(lineNameOf(FLOOD_FORK))));
      expect(await registry().latestVersion(lineOf(FLOOD_FORK))).to.equal(versionOf(FLOOD_FORK));
      // The base line's latest version is untouched by the fork.
      expect(await registry().latestVersion(lineOf(FLOOD_ID))).to.equal(versionOf(FLOOD_ID));
    });

    it("lets another tenant DAO own a fork of a line it does not own, without touching the parent line", async () => {
      const other = await addressOf(f.otherDao);
      await (await registry().connect(f.otherDao).registerClause(clauseSpec(FLOOD_FORK, { parent: floodId }))).wait();
      expect(await registry().lineOwner(lineOf(FLOOD_FORK))).to.equal(other);
      expect(await registry().lineOwner(lineOf(FLOOD_ID))).to.equal(f.relief.timelockAddress);
      // ...and the parent's owner cannot add versions to that fork line.
      await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec("UNDRR::Disaster::FloodPayout@1.2.4-KE", { parent: floodId })))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryNotOwner")
        .withArgs(lineOf(FLOOD_FORK), f.relief.timelockAddress, other);
    });

    it("rejects a fork without a parent (ClauseRegistryInvalidParent)", async () => {
      await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(FLOOD_FORK)))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryInvalidParent")
        .withArgs(ZERO32);
      expect(await registry().lineOwner(lineOf(FLOOD_FORK))).to.equal("0x0000000000000000000000000000000000000000");
    });

    it("rejects a fork whose parent is an unregistered id (ClauseRegistryInvalidParent)", async () => {
      const missing = clauseIdOf("UNDRR::Disaster::FloodPayout@9.9.9");
      await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(FLOOD_FORK, { parent: missing })))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryInvalidParent")
        .withArgs(missing);
    });

    it("rejects a fork whose parent belongs to another line (ClauseRegistryInvalidParent)", async () => {
      await (await registry().connect(f.reliefTimelock).registerClause(clauseSpec(DROUGHT_ID))).wait();
      const drought = clauseIdOf(DROUGHT_ID);
      await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(FLOOD_FORK, { parent: drought })))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryInvalidParent")
        .withArgs(drought);
      expect(await registry().lineOwner(lineOf(FLOOD_FORK))).to.equal("0x0000000000000000000000000000000000000000");
    });

    it("rejects a fork whose parent is itself a fork version, not a base-line version (ClauseRegistryInvalidParent)", async () => {
      await (await registry().connect(f.reliefTimelock).registerClause(clauseSpec(FLOOD_FORK, { parent: floodId }))).wait();
      const forkOfFork = "UNDRR::Disaster::FloodPayout@1.0.0-KEx";
      await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(forkOfFork, { parent: clauseIdOf(FLOOD_FORK) })))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryInvalidParent")
        .withArgs(clauseIdOf(FLOOD_FORK));
    });

    it("rejects a parent on a non-fork version (ClauseRegistryInvalidParent)", async () => {
      await expect(registry().connect(f.reliefTimelock).registerClause(clauseSpec(FLOOD_V110, { parent: floodId })))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryInvalidParent")
        .withArgs(floodId);
      expect(await registry().latestVersion(lineOf(FLOOD_ID))).to.equal(versionOf(FLOOD_ID));
    });

    const base = clauseSpec(DROUGHT_ID);
    for (const [label, overrides, part] of [
      ["an empty namespace", { namespace_: "" }, ""],
      ["an empty domain", { domain: "" }, ""],
      ["an empty name", { name: "" }, ""],
      ["a hyphen in the name", { name: "Drought-Payout" }, "Drought-Payout"],
      ["a colon in the domain", { domain: "Dis:aster" }, "Dis:aster"],
      ["a non-ASCII namespace", { namespace_: "UNDRRé" }, "UNDRRé"],
      ["a 33-character name", { name: "N".repeat(33) }, "N".repeat(33)],
      ["an underscore in the fork tag", { fork: "K_E", parent: floodId }, "K_E"],
      ["a 17-character fork tag", { fork: "F".repeat(17), parent: floodId }, "F".repeat(17)],
    ] as const) {
      it(`rejects ${label} (ClauseIdLib.ClauseIdInvalidPart)`, async () => {
        const spec = { ...base, ...overrides };
        await expect(registry().connect(f.reliefTimelock).registerClause(spec))
          .to.be.revertedWithCustomError(registry(), "ClauseIdInvalidPart")
          .withArgs(part);
      });
    }

    it("accepts parts at their maximum length (32 characters, 16 for a fork tag) and underscores outside the fork tag", async () => {
      const spec = clauseSpec(DROUGHT_ID, { namespace_: "A".repeat(32), domain: "d_".repeat(16), name: "Z9".repeat(16) });
      const id = `${"A".repeat(32)}::${"d_".repeat(16)}::${"Z9".repeat(16)}@1.0.0`;
      await expect(registry().connect(f.reliefTimelock).registerClause(spec))
        .to.emit(registry(), "ClauseStatusChanged")
        .withArgs(clauseIdOf(id), ClauseStatus.None, ClauseStatus.Active, f.relief.timelockAddress);
      const forkId = `UNDRR::Disaster::FloodPayout@1.0.0-${"F".repeat(16)}`;
      await (await registry().connect(f.reliefTimelock).registerClause(clauseSpec(forkId, { parent: floodId }))).wait();
      expect((await registry().getClause(clauseIdOf(forkId))).parent).to.equal(floodId);
    });
  });

  describe("setClauseStatus", () => {
    it("pauses, resumes and deprecates a clause for its owner, emitting ClauseStatusChanged each time", async () => {
      const timelock = f.relief.timelockAddress;
      await expect(registry().connect(f.reliefTimelock).setClauseStatus(floodId, ClauseStatus.Paused))
        .to.emit(registry(), "ClauseStatusChanged")
        .withArgs(floodId, ClauseStatus.Active, ClauseStatus.Paused, timelock);
      expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Paused);
      await expect(registry().connect(f.reliefTimelock).setClauseStatus(floodId, ClauseStatus.Active))
        .to.emit(registry(), "ClauseStatusChanged")
        .withArgs(floodId, ClauseStatus.Paused, ClauseStatus.Active, timelock);
      await expect(registry().connect(f.reliefTimelock).setClauseStatus(floodId, ClauseStatus.Deprecated))
        .to.emit(registry(), "ClauseStatusChanged")
        .withArgs(floodId, ClauseStatus.Active, ClauseStatus.Deprecated, timelock);
      expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Deprecated);
    });

    it("deprecates a paused clause", async () => {
      await (await registry().connect(f.reliefTimelock).setClauseStatus(floodId, ClauseStatus.Paused)).wait();
      await expect(registry().connect(f.reliefTimelock).setClauseStatus(floodId, ClauseStatus.Deprecated))
        .to.emit(registry(), "ClauseStatusChanged")
        .withArgs(floodId, ClauseStatus.Paused, ClauseStatus.Deprecated, f.relief.timelockAddress);
    });

    it("rejects a status change from anyone but the owner (ClauseRegistryNotOwner)", async () => {
      for (const caller of [f.otherDao, f.actors.stranger, f.actors.deployer, f.freezer]) {
        await expect(registry().connect(caller).setClauseStatus(floodId, ClauseStatus.Paused))
          .to.be.revertedWithCustomError(registry(), "ClauseRegistryNotOwner")
          .withArgs(lineOf(FLOOD_ID), await addressOf(caller), f.relief.timelockAddress);
      }
      expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Active);
    });

    it("rejects a status change of an unknown clause (ClauseRegistryUnknownClause)", async () => {
      const unknown = clauseIdOf(DROUGHT_ID);
      await expect(registry().connect(f.reliefTimelock).setClauseStatus(unknown, ClauseStatus.Paused))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryUnknownClause")
        .withArgs(unknown);
    });

    type Setup = "active" | "paused" | "frozen" | "deprecated";
    const disallowed: [Setup, number, number][] = [
      ["active", ClauseStatus.Active, ClauseStatus.Active],
      ["active", ClauseStatus.Active, ClauseStatus.Frozen],
      ["active", ClauseStatus.Active, ClauseStatus.None],
      ["paused", ClauseStatus.Paused, ClauseStatus.Paused],
      ["paused", ClauseStatus.Paused, ClauseStatus.Frozen],
      ["paused", ClauseStatus.Paused, ClauseStatus.None],
      ["frozen", ClauseStatus.Frozen, ClauseStatus.Active],
      ["frozen", ClauseStatus.Frozen, ClauseStatus.Paused],
      ["frozen", ClauseStatus.Frozen, ClauseStatus.Deprecated],
      ["frozen", ClauseStatus.Frozen, ClauseStatus.Frozen],
      ["deprecated", ClauseStatus.Deprecated, ClauseStatus.Active],
      ["deprecated", ClauseStatus.Deprecated, ClauseStatus.Paused],
      ["deprecated", ClauseStatus.Deprecated, ClauseStatus.Deprecated],
      ["deprecated", ClauseStatus.Deprecated, ClauseStatus.Frozen],
    ];
    const reach = async (setup: Setup) => {
      if (setup === "paused") await (await registry().connect(f.reliefTimelock).setClauseStatus(floodId, ClauseStatus.Paused)).wait();
      if (setup === "deprecated") await (await registry().connect(f.reliefTimelock).setClauseStatus(floodId, ClauseStatus.Deprecated)).wait();
      if (setup === "frozen") await (await registry().connect(f.freezer).setClauseFrozen(floodId, true)).wait();
    };
    for (const [setup, from, to] of disallowed) {
      it(`rejects the owner's change ${setup} -> ${Object.keys(ClauseStatus)[to]} (ClauseRegistryInvalidStatusChange)`, async () => {
        await reach(setup);
        await expect(registry().connect(f.reliefTimelock).setClauseStatus(floodId, to))
          .to.be.revertedWithCustomError(registry(), "ClauseRegistryInvalidStatusChange")
          .withArgs(floodId, from, to);
        expect((await registry().getClause(floodId)).status).to.equal(from);
      });
    }

    it("rejects a status value outside the enum without changing the clause", async () => {
      await expect(registry().connect(f.reliefTimelock).setClauseStatus(floodId, 5)).to.revert(f.connection.ethers);
      expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Active);
    });
  });

  describe("setClauseFrozen", () => {
    it("freezes and unfreezes through the dispute role, emitting ClauseStatusChanged by the caller", async () => {
      const freezer = await addressOf(f.freezer);
      await expect(registry().connect(f.freezer).setClauseFrozen(floodId, true))
        .to.emit(registry(), "ClauseStatusChanged")
        .withArgs(floodId, ClauseStatus.Active, ClauseStatus.Frozen, freezer);
      expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Frozen);
      await expect(registry().connect(f.freezer).setClauseFrozen(floodId, false))
        .to.emit(registry(), "ClauseStatusChanged")
        .withArgs(floodId, ClauseStatus.Frozen, ClauseStatus.Active, freezer);
      expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Active);
    });

    it("freezes a paused clause; unfreezing returns it to paused, keeping the DAO's decision", async () => {
      await (await registry().connect(f.reliefTimelock).setClauseStatus(floodId, ClauseStatus.Paused)).wait();
      await expect(registry().connect(f.freezer).setClauseFrozen(floodId, true))
        .to.emit(registry(), "ClauseStatusChanged")
        .withArgs(floodId, ClauseStatus.Paused, ClauseStatus.Frozen, await addressOf(f.freezer));
      await expect(registry().connect(f.freezer).setClauseFrozen(floodId, false))
        .to.emit(registry(), "ClauseStatusChanged")
        .withArgs(floodId, ClauseStatus.Frozen, ClauseStatus.Paused, await addressOf(f.freezer));
      expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Paused);
      // A later freeze of an active clause thaws to active again (the memory of the pause is not sticky).
      await (await registry().connect(f.reliefTimelock).setClauseStatus(floodId, ClauseStatus.Active)).wait();
      await (await registry().connect(f.freezer).setClauseFrozen(floodId, true)).wait();
      await (await registry().connect(f.freezer).setClauseFrozen(floodId, false)).wait();
      expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Active);
    });

    it("rejects callers without the dispute role, including the owner and the access-manager admin (AccessManagedUnauthorized)", async () => {
      for (const caller of [f.actors.stranger, f.reliefTimelock, f.actors.deployer, f.actors.kenAuthority]) {
        await expect(registry().connect(caller).setClauseFrozen(floodId, true))
          .to.be.revertedWithCustomError(registry(), "AccessManagedUnauthorized")
          .withArgs(await addressOf(caller));
      }
      expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Active);
    });

    it("stops accepting a caller once its dispute role is revoked (AccessManagedUnauthorized)", async () => {
      await (await f.network.contracts.accessManager.revokeRole(Roles.Dispute, await addressOf(f.freezer))).wait();
      await expect(registry().connect(f.freezer).setClauseFrozen(floodId, true))
        .to.be.revertedWithCustomError(registry(), "AccessManagedUnauthorized")
        .withArgs(await addressOf(f.freezer));
    });

    it("rejects an unknown clause (ClauseRegistryUnknownClause)", async () => {
      const unknown = clauseIdOf(DROUGHT_ID);
      await expect(registry().connect(f.freezer).setClauseFrozen(unknown, true))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryUnknownClause")
        .withArgs(unknown);
    });

    it("rejects freezing a frozen clause and unfreezing one that is not frozen (ClauseRegistryInvalidStatusChange)", async () => {
      await expect(registry().connect(f.freezer).setClauseFrozen(floodId, false))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryInvalidStatusChange")
        .withArgs(floodId, ClauseStatus.Active, ClauseStatus.Active);
      await (await registry().connect(f.reliefTimelock).setClauseStatus(floodId, ClauseStatus.Paused)).wait();
      await expect(registry().connect(f.freezer).setClauseFrozen(floodId, false))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryInvalidStatusChange")
        .withArgs(floodId, ClauseStatus.Paused, ClauseStatus.Active);
      expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Paused);
      await (await registry().connect(f.freezer).setClauseFrozen(floodId, true)).wait();
      await expect(registry().connect(f.freezer).setClauseFrozen(floodId, true))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryInvalidStatusChange")
        .withArgs(floodId, ClauseStatus.Frozen, ClauseStatus.Frozen);
    });

    it("rejects freezing or unfreezing a deprecated clause (ClauseRegistryInvalidStatusChange)", async () => {
      await (await registry().connect(f.reliefTimelock).setClauseStatus(floodId, ClauseStatus.Deprecated)).wait();
      await expect(registry().connect(f.freezer).setClauseFrozen(floodId, true))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryInvalidStatusChange")
        .withArgs(floodId, ClauseStatus.Deprecated, ClauseStatus.Frozen);
      await expect(registry().connect(f.freezer).setClauseFrozen(floodId, false))
        .to.be.revertedWithCustomError(registry(), "ClauseRegistryInvalidStatusChange")
        .withArgs(floodId, ClauseStatus.Deprecated, ClauseStatus.Active);
      expect((await registry().getClause(floodId)).status).to.equal(ClauseStatus.Deprecated);
    });
  });

  describe("views", () => {
    it("getClause rejects an unknown id (ClauseRegistryUnknownClause)", async () => {
      const unknown = clauseIdOf(DROUGHT_ID);
      await expect(registry().getClause(unknown)).to.be.revertedWithCustomError(registry(), "ClauseRegistryUnknownClause").withArgs(unknown);
    });

    it("lineOwner and latestVersion are zero for an unregistered line", async () => {
      expect(await registry().lineOwner(lineOf(DROUGHT_ID))).to.equal("0x0000000000000000000000000000000000000000");
      expect(await registry().latestVersion(lineOf(DROUGHT_ID))).to.equal(0n);
    });

    describe("isExecutable", () => {
      // Registered by the second DAO, a tenant of both UGA and KEN: window [1000, 2000).
      const windowed = "UNDRR::Disaster::WindowedPayout@1.0.0";
      const windowedId = clauseIdOf(windowed);
      beforeEach(async () => {
        await (
          await registry()
            .connect(f.otherDao)
            .registerClause(clauseSpec(windowed, { validFrom: 1_000n, validUntil: 2_000n, jurisdictions: [UGA, KEN] }))
        ).wait();
      });

      it("is true inside the window for each listed jurisdiction, bounds: validFrom inclusive, validUntil exclusive", async () => {
        for (const time of [1_000n, 1_500n, 1_999n]) {
          expect(await registry().isExecutable(windowedId, KEN, time), `KEN @${time}`).to.equal(true);
          expect(await registry().isExecutable(windowedId, UGA, time), `UGA @${time}`).to.equal(true);
        }
      });

      it("is false before validFrom and from validUntil on", async () => {
        for (const time of [0n, 999n, 2_000n, 2_001n, 2n ** 64n - 1n]) {
          expect(await registry().isExecutable(windowedId, KEN, time), `@${time}`).to.equal(false);
        }
      });

      it("is false for a jurisdiction the clause does not list", async () => {
        expect(await registry().isExecutable(windowedId, jurisdictionToBytes3("FRA"), 1_500n)).to.equal(false);
        expect(await registry().isExecutable(floodId, UGA, 1_500n)).to.equal(false);
      });

      it("treats validUntil = 0 as open-ended", async () => {
        expect(await registry().isExecutable(floodId, KEN, 0n)).to.equal(true);
        expect(await registry().isExecutable(floodId, KEN, 2n ** 64n - 1n)).to.equal(true);
      });

      it("is false while paused, frozen or deprecated, and true again once resumed or unfrozen", async () => {
        await (await registry().connect(f.otherDao).setClauseStatus(windowedId, ClauseStatus.Paused)).wait();
        expect(await registry().isExecutable(windowedId, KEN, 1_500n)).to.equal(false);
        await (await registry().connect(f.otherDao).setClauseStatus(windowedId, ClauseStatus.Active)).wait();
        expect(await registry().isExecutable(windowedId, KEN, 1_500n)).to.equal(true);
        await (await registry().connect(f.freezer).setClauseFrozen(windowedId, true)).wait();
        expect(await registry().isExecutable(windowedId, KEN, 1_500n)).to.equal(false);
        await (await registry().connect(f.freezer).setClauseFrozen(windowedId, false)).wait();
        expect(await registry().isExecutable(windowedId, KEN, 1_500n)).to.equal(true);
        await (await registry().connect(f.otherDao).setClauseStatus(windowedId, ClauseStatus.Deprecated)).wait();
        expect(await registry().isExecutable(windowedId, KEN, 1_500n)).to.equal(false);
      });

      it("is false for an unknown clause", async () => {
        expect(await registry().isExecutable(clauseIdOf(DROUGHT_ID), KEN, 1_500n)).to.equal(false);
      });
    });
  });
});
