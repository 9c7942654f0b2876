import { expect } from "chai";
import type { Signer } from "ethers";
import { network } from "hardhat";
import type { Address } from "viem";
import { jurisdictionToBytes3, tenantIdOf } from "../../relayer/core/formats/ids.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { baseFixture, KEN, UGA, type BaseFixture } from "../helpers/fixtures.js";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const FRA = jurisdictionToBytes3("FRA");

describe("JurisdictionRegistry", () => {
  let connection: DevConnection;
  let f: BaseFixture;
  let newDao: Address;

  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
  });
  beforeEach(async () => {
    f = await connection.networkHelpers.loadFixture(baseFixture);
    newDao = (await f.actors.beneficiary.getAddress()) as Address;
  });

  const registry = () => f.network.contracts.jurisdictionRegistry;
  const addressOf = async (s: Signer) => (await s.getAddress()) as Address;

  describe("setJurisdictionAuthority", () => {
    it("sets a new jurisdiction's authority for the access-manager admin, emitting JurisdictionAuthoritySet with the previous one", async () => {
      const authority = await addressOf(f.actors.stranger);
      await expect(registry().setJurisdictionAuthority(FRA, authority))
        .to.emit(registry(), "JurisdictionAuthoritySet")
        .withArgs(FRA, authority, ZERO_ADDRESS);
      expect(await registry().authorityOf(FRA)).to.equal(authority);
    });

    it("replaces an authority: the old one can no longer admit tenants, the new one can", async () => {
      const previous = await addressOf(f.actors.kenAuthority);
      const next = await addressOf(f.actors.stranger);
      await expect(registry().setJurisdictionAuthority(KEN, next)).to.emit(registry(), "JurisdictionAuthoritySet").withArgs(KEN, next, previous);
      await expect(registry().connect(f.actors.kenAuthority).admitTenant(newDao, KEN))
        .to.be.revertedWithCustomError(registry(), "JurisdictionRegistryNotAuthority")
        .withArgs(KEN, previous);
      await (await registry().connect(f.actors.stranger).admitTenant(newDao, KEN)).wait();
      expect(await registry().isTenant(newDao, KEN)).to.equal(true);
    });

    it("clears an authority with address(0): the jurisdiction becomes unknown to admissions, existing tenants stay", async () => {
      await expect(registry().setJurisdictionAuthority(KEN, ZERO_ADDRESS))
        .to.emit(registry(), "JurisdictionAuthoritySet")
        .withArgs(KEN, ZERO_ADDRESS, await addressOf(f.actors.kenAuthority));
      await expect(registry().connect(f.actors.kenAuthority).admitTenant(newDao, KEN))
        .to.be.revertedWithCustomError(registry(), "JurisdictionRegistryUnknownJurisdiction")
        .withArgs(KEN);
      expect(await registry().isTenant(f.relief.timelockAddress, KEN)).to.equal(true);
    });

    it("rejects callers without the admin role, including jurisdiction authorities and DAO timelocks (AccessManagedUnauthorized)", async () => {
      for (const caller of [f.actors.stranger, f.actors.kenAuthority, f.reliefTimelock]) {
        await expect(registry().connect(caller).setJurisdictionAuthority(KEN, await addressOf(caller)))
          .to.be.revertedWithCustomError(registry(), "AccessManagedUnauthorized")
          .withArgs(await addressOf(caller));
      }
      expect(await registry().authorityOf(KEN)).to.equal(await addressOf(f.actors.kenAuthority));
    });

    for (const code of ["0x6b656e", "0x000000", "0x4b314e", "0x4b4540", "0x4b455b"] as const) {
      it(`rejects the malformed code ${code} (Jurisdiction.JurisdictionInvalidCode)`, async () => {
        await expect(registry().setJurisdictionAuthority(code, await addressOf(f.actors.stranger)))
          .to.be.revertedWithCustomError(registry(), "JurisdictionInvalidCode")
          .withArgs(code);
        expect(await registry().authorityOf(code)).to.equal(ZERO_ADDRESS);
      });
    }

    it("accepts the alphabet's edge letters (AAA and ZZZ)", async () => {
      for (const iso of ["AAA", "ZZZ"]) {
        await (await registry().setJurisdictionAuthority(jurisdictionToBytes3(iso), await addressOf(f.actors.stranger))).wait();
        expect(await registry().authorityOf(jurisdictionToBytes3(iso))).to.equal(await addressOf(f.actors.stranger));
      }
    });
  });

  describe("admitTenant", () => {
    it("admits a DAO for the jurisdiction's authority, emitting TenantAdmitted with the tenant id", async () => {
      await expect(registry().connect(f.actors.kenAuthority).admitTenant(newDao, KEN))
        .to.emit(registry(), "TenantAdmitted")
        .withArgs(tenantIdOf(newDao, "KEN"), newDao, KEN);
      expect(await registry().isTenant(newDao, KEN)).to.equal(true);
    });

    it("admits per jurisdiction: a tenant of KEN is not a tenant of UGA", async () => {
      await (await registry().connect(f.actors.kenAuthority).admitTenant(newDao, KEN)).wait();
      expect(await registry().isTenant(newDao, UGA)).to.equal(false);
      expect(await registry().isTenant(f.relief.timelockAddress, UGA)).to.equal(false);
    });

    it("rejects every caller but that jurisdiction's authority, including another jurisdiction's (JurisdictionRegistryNotAuthority)", async () => {
      for (const caller of [f.actors.ugaAuthority, f.actors.stranger, f.actors.deployer, f.reliefTimelock]) {
        await expect(registry().connect(caller).admitTenant(newDao, KEN))
          .to.be.revertedWithCustomError(registry(), "JurisdictionRegistryNotAuthority")
          .withArgs(KEN, await addressOf(caller));
      }
      expect(await registry().isTenant(newDao, KEN)).to.equal(false);
    });

    it("rejects a jurisdiction without an authority (JurisdictionRegistryUnknownJurisdiction)", async () => {
      await expect(registry().connect(f.actors.kenAuthority).admitTenant(newDao, FRA))
        .to.be.revertedWithCustomError(registry(), "JurisdictionRegistryUnknownJurisdiction")
        .withArgs(FRA);
      expect(await registry().isTenant(newDao, FRA)).to.equal(false);
    });

    it("rejects the zero address as a DAO (JurisdictionRegistryZeroAddress)", async () => {
      await expect(registry().connect(f.actors.kenAuthority).admitTenant(ZERO_ADDRESS, KEN)).to.be.revertedWithCustomError(
        registry(),
        "JurisdictionRegistryZeroAddress",
      );
      expect(await registry().isTenant(ZERO_ADDRESS, KEN)).to.equal(false);
    });
  });

  describe("removeTenant", () => {
    it("removes a tenant for the jurisdiction's authority, emitting TenantRemoved", async () => {
      const dao = f.relief.timelockAddress;
      await expect(registry().connect(f.actors.kenAuthority).removeTenant(dao, KEN))
        .to.emit(registry(), "TenantRemoved")
        .withArgs(tenantIdOf(dao, "KEN"), dao, KEN);
      expect(await registry().isTenant(dao, KEN)).to.equal(false);
    });

    it("removes only that jurisdiction's tenancy: the second DAO stays a tenant of UGA after removal from KEN", async () => {
      const other = await addressOf(f.otherDao);
      await (await registry().connect(f.actors.kenAuthority).removeTenant(other, KEN)).wait();
      expect(await registry().isTenant(other, KEN)).to.equal(false);
      expect(await registry().isTenant(other, UGA)).to.equal(true);
    });

    it("rejects every caller but that jurisdiction's authority (JurisdictionRegistryNotAuthority)", async () => {
      const dao = f.relief.timelockAddress;
      for (const caller of [f.actors.ugaAuthority, f.actors.stranger, f.actors.deployer, f.reliefTimelock]) {
        await expect(registry().connect(caller).removeTenant(dao, KEN))
          .to.be.revertedWithCustomError(registry(), "JurisdictionRegistryNotAuthority")
          .withArgs(KEN, await addressOf(caller));
      }
      expect(await registry().isTenant(dao, KEN)).to.equal(true);
    });

    it("rejects a jurisdiction without an authority (JurisdictionRegistryUnknownJurisdiction)", async () => {
      await expect(registry().connect(f.actors.kenAuthority).removeTenant(f.relief.timelockAddress, FRA))
        .to.be.revertedWithCustomError(registry(), "JurisdictionRegistryUnknownJurisdiction")
        .withArgs(FRA);
    });

    it("rejects the zero address as a DAO (JurisdictionRegistryZeroAddress)", async () => {
      await expect(registry().connect(f.actors.kenAuthority).removeTenant(ZERO_ADDRESS, KEN)).to.be.revertedWithCustomError(
        registry(),
        "JurisdictionRegistryZeroAddress",
      );
    });
  });
});
