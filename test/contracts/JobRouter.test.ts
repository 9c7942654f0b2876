import { expect } from "chai";
import { network } from "hardhat";
import type { Address, Hex } from "viem";
import { clauseIdOf } from "../../relayer/core/formats/clauseRef.js";
import { ClauseStatus, TriggerType } from "../../relayer/core/formats/enums.js";
import {
  daoTriggerNonce,
  jobIdOf,
  sensorInputCommitment,
  sensorTriggerNonce,
  simulationTriggerNonce,
  tenantIdOf,
} from "../../relayer/core/formats/ids.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { chainTime, clauseFixture, clauseSpec, KEN, UGA, type ClauseFixture } from "../helpers/fixtures.js";

const JobStatus = { None: 0, Requested: 1, Expired: 2 } as const;
/** sensorConditionReason codes (IJobRouter). */
const Reason = { Fires: 0, Inactive: 1, NotCrossed: 2, Stale: 3, RoundUsed: 4, CoolingDown: 5, NotExecutable: 6, NotTenant: 7, QuotaUsed: 8, WindowTooLong: 9 } as const;
const EPOCH = 24n * 3600n; // NsfNetwork defaults
const MAX_WINDOW = 24n * 3600n;
// The fixture's sensor trigger: threshold 1500 (above), staleness 3600 s, cooldown 86,400 s, job window 3600 s.
const STALENESS = 3600n;
const COOLDOWN = 86_400n;
const SENSOR_WINDOW = 3600n;
const INPUT = `0x${"c0".repeat(32)}` as Hex;
const NONCE = `0x${"0d".repeat(32)}` as Hex;

describe("JobRouter", () => {
  let connection: DevConnection;
  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
  });

  const load = () => connection.networkHelpers.loadFixture(clauseFixture);
  const routerOf = (f: ClauseFixture) => f.network.contracts.jobRouter;
  const checkData = (triggerId: bigint) => connection.ethers.AbiCoder.defaultAbiCoder().encode(["uint256"], [triggerId]);
  const setNext = async (ahead = 10n) => {
    const t = (await chainTime(connection)) + ahead;
    await connection.networkHelpers.time.setNextBlockTimestamp(t);
    return t;
  };
  const routerAddress = (f: ClauseFixture) => f.network.addresses.jobRouter;
  const daoJobId = (f: ClauseFixture, nonce: Hex) =>
    jobIdOf(f.network.chainId, routerAddress(f), f.clauseId, daoTriggerNonce(f.relief.timelockAddress, nonce));
  const requestAs = async (f: ClauseFixture, nonce: Hex, deadlineAhead = 3600n) =>
    routerOf(f).connect(f.reliefTimelock).requestJob(f.clauseId, KEN, nonce, INPUT, (await chainTime(connection)) + deadlineAhead);

  describe("requestJob (DAO trigger)", () => {
    it("lets the clause owner's timelock create a job: JobRequested with every field, jobId = TS jobIdOf(daoTriggerNonce)", async () => {
      const f = await load();
      const router = routerOf(f);
      const t = (await chainTime(connection)) + 10n;
      const deadline = t + 3600n;
      const nonce = daoTriggerNonce(f.relief.timelockAddress, NONCE);
      const jobId = jobIdOf(f.network.chainId, routerAddress(f), f.clauseId, nonce);
      expect(await router.connect(f.reliefTimelock).requestJob.staticCall(f.clauseId, KEN, NONCE, INPUT, deadline)).to.equal(jobId);

      await connection.networkHelpers.time.setNextBlockTimestamp(t);
      await expect(router.connect(f.reliefTimelock).requestJob(f.clauseId, KEN, NONCE, INPUT, deadline))
        .to.emit(router, "JobRequested")
        .withArgs(jobId, f.clauseId, f.tenantId, f.clauseVersion, TriggerType.Dao, INPUT, deadline, f.relief.timelockAddress, KEN, nonce);
      const job = await router.getJob(jobId);
      expect(job.clauseId).to.equal(f.clauseId);
      expect(job.tenantId).to.equal(f.tenantId);
      expect(job.deadline).to.equal(deadline);
      expect(job.epoch).to.equal(t / EPOCH);
      expect(job.status).to.equal(JobStatus.Requested);
      expect(job.triggerType).to.equal(TriggerType.Dao);
    });

    it("consumes the execution id: the same daoNonce again reverts JobRouterExecutionIdUsed(jobId), another nonce works", async () => {
      const f = await load();
      await (await requestAs(f, NONCE)).wait();
      await expect(requestAs(f, NONCE)).to.be.revertedWithCustomError(routerOf(f), "JobRouterExecutionIdUsed").withArgs(daoJobId(f, NONCE));
      await expect(requestAs(f, `0x${"0e".repeat(32)}`)).to.emit(routerOf(f), "JobRequested");
    });

    it("rejects a caller other than the clause owner's timelock with JobRouterNotClauseOwner (even a KEN tenant)", async () => {
      const f = await load();
      const other = await f.otherDao.getAddress();
      const deadline = (await chainTime(connection)) + 3600n;
      await expect(routerOf(f).connect(f.otherDao).requestJob(f.clauseId, KEN, NONCE, INPUT, deadline))
        .to.be.revertedWithCustomError(routerOf(f), "JobRouterNotClauseOwner")
        .withArgs(f.clauseId, other);
    });

    it("rejects a paused clause with JobRouterClauseNotExecutable and accepts it again once resumed", async () => {
      const f = await load();
      const clauses = f.network.contracts.clauseRegistry.connect(f.reliefTimelock);
      await (await clauses.setClauseStatus(f.clauseId, ClauseStatus.Paused)).wait();
      await expect(requestAs(f, NONCE)).to.be.revertedWithCustomError(routerOf(f), "JobRouterClauseNotExecutable").withArgs(f.clauseId, KEN);
      await (await clauses.setClauseStatus(f.clauseId, ClauseStatus.Active)).wait();
      await expect(requestAs(f, NONCE)).to.emit(routerOf(f), "JobRequested");
    });

    it("rejects a jurisdiction the clause does not cover with JobRouterClauseNotExecutable(clauseId, UGA)", async () => {
      const f = await load();
      const deadline = (await chainTime(connection)) + 3600n;
      await expect(routerOf(f).connect(f.reliefTimelock).requestJob(f.clauseId, UGA, NONCE, INPUT, deadline))
        .to.be.revertedWithCustomError(routerOf(f), "JobRouterClauseNotExecutable")
        .withArgs(f.clauseId, UGA);
    });

    it("rejects a clause outside its validity window (not yet valid, then expired) with JobRouterClauseNotExecutable", async () => {
      const f = await load();
      const now = await chainTime(connection);
      const id = "UNDRR::Disaster::FloodPayout@1.1.0";
      const validFrom = now + 1000n;
      const validUntil = now + 5000n;
      await (await f.network.contracts.clauseRegistry.connect(f.reliefTimelock).registerClause(clauseSpec(id, { validFrom, validUntil }))).wait();
      const clauseId = clauseIdOf(id);
      const request = async () =>
        routerOf(f).connect(f.reliefTimelock).requestJob(clauseId, KEN, NONCE, INPUT, (await chainTime(connection)) + 3600n);
      await expect(request()).to.be.revertedWithCustomError(routerOf(f), "JobRouterClauseNotExecutable").withArgs(clauseId, KEN);
      await connection.networkHelpers.time.increaseTo(validFrom);
      await expect(request()).to.emit(routerOf(f), "JobRequested");
      await connection.networkHelpers.time.increaseTo(validUntil);
      await expect(
        routerOf(f).connect(f.reliefTimelock).requestJob(clauseId, KEN, `0x${"0e".repeat(32)}`, INPUT, (await chainTime(connection)) + 3600n),
      )
        .to.be.revertedWithCustomError(routerOf(f), "JobRouterClauseNotExecutable")
        .withArgs(clauseId, KEN);
    });

    it("rejects a DAO its jurisdiction authority removed as tenant with JobRouterNotTenant(dao, KEN)", async () => {
      const f = await load();
      await (await f.network.contracts.jurisdictionRegistry.connect(f.actors.kenAuthority).removeTenant(f.relief.timelockAddress, KEN)).wait();
      await expect(requestAs(f, NONCE)).to.be.revertedWithCustomError(routerOf(f), "JobRouterNotTenant").withArgs(f.relief.timelockAddress, KEN);
    });

    it("rejects a deadline not in the future or beyond the longest window with JobRouterInvalidDeadline; accepts exactly the window", async () => {
      const f = await load();
      const router = routerOf(f).connect(f.reliefTimelock);
      let t = await setNext();
      await expect(router.requestJob(f.clauseId, KEN, NONCE, INPUT, t))
        .to.be.revertedWithCustomError(router, "JobRouterInvalidDeadline")
        .withArgs(t, t, MAX_WINDOW);
      t = await setNext();
      await expect(router.requestJob(f.clauseId, KEN, NONCE, INPUT, t + MAX_WINDOW + 1n))
        .to.be.revertedWithCustomError(router, "JobRouterInvalidDeadline")
        .withArgs(t + MAX_WINDOW + 1n, t, MAX_WINDOW);
      t = await setNext();
      await expect(router.requestJob(f.clauseId, KEN, NONCE, INPUT, t + MAX_WINDOW)).to.emit(router, "JobRequested");
    });
  });

  describe("tenant quota", () => {
    it("stops a tenant at its quota with JobRouterQuotaExceeded(tenant, epoch, 1) and resets in the next epoch", async () => {
      const f = await load();
      const router = routerOf(f);
      await expect(router.setTenantQuota(f.tenantId, 1)).to.emit(router, "TenantQuotaSet").withArgs(f.tenantId, 1);
      // Start at the beginning of an epoch so both requests fall in the same one.
      const epoch = (await chainTime(connection)) / EPOCH + 1n;
      await connection.networkHelpers.time.increaseTo(epoch * EPOCH);
      await (await requestAs(f, NONCE)).wait();
      expect(await router.tenantUsage(f.tenantId)).to.deep.equal([1n, 1n, epoch]);
      await expect(requestAs(f, `0x${"0e".repeat(32)}`))
        .to.be.revertedWithCustomError(router, "JobRouterQuotaExceeded")
        .withArgs(f.tenantId, epoch, 1);

      await connection.networkHelpers.time.increaseTo((epoch + 1n) * EPOCH);
      expect(await router.tenantUsage(f.tenantId)).to.deep.equal([1n, 0n, epoch + 1n]);
      await expect(requestAs(f, `0x${"0e".repeat(32)}`)).to.emit(router, "JobRequested");
      expect(await router.tenantUsage(f.tenantId)).to.deep.equal([1n, 1n, epoch + 1n]);
    });

    it("a quota of 0 admits no job (JobRouterQuotaExceeded)", async () => {
      const f = await load();
      await (await routerOf(f).setTenantQuota(f.tenantId, 0)).wait();
      await expect(requestAs(f, NONCE)).to.be.revertedWithCustomError(routerOf(f), "JobRouterQuotaExceeded");
    });

    it("quotas are per tenant: exhausting ReliefDAO/KEN leaves another tenant's quota untouched", async () => {
      const f = await load();
      await (await routerOf(f).setTenantQuota(f.tenantId, 0)).wait();
      const other = tenantIdOf((await f.otherDao.getAddress()) as Address, "KEN");
      const [quota, used] = await routerOf(f).tenantUsage(other);
      expect([quota, used]).to.deep.equal([1000n, 0n]);
    });

    it("setTenantQuota and setParameters reject a non-admin with AccessManagedUnauthorized", async () => {
      const f = await load();
      const who = await f.actors.stranger.getAddress();
      await expect(routerOf(f).connect(f.actors.stranger).setTenantQuota(f.tenantId, 5))
        .to.be.revertedWithCustomError(routerOf(f), "AccessManagedUnauthorized")
        .withArgs(who);
      await expect(routerOf(f).connect(f.actors.stranger).setParameters(3600n, 3600n))
        .to.be.revertedWithCustomError(routerOf(f), "AccessManagedUnauthorized")
        .withArgs(who);
      expect((await routerOf(f).tenantUsage(f.tenantId))[0]).to.equal(1000n);
    });

    it("setParameters rejects zero values with JobRouterInvalidParameter and emits RouterParametersSet", async () => {
      const f = await load();
      const router = routerOf(f);
      await expect(router.setParameters(0n, 3600n)).to.be.revertedWithCustomError(router, "JobRouterInvalidParameter").withArgs(0);
      await expect(router.setParameters(3600n, 0n)).to.be.revertedWithCustomError(router, "JobRouterInvalidParameter").withArgs(0);
      await expect(router.setParameters(3600n, 7200n)).to.emit(router, "RouterParametersSet").withArgs(3600n, 7200n);
      expect(await router.parameters()).to.deep.equal([3600n, 7200n]);
    });
  });

  describe("sensor trigger (Chainlink Automation)", () => {
    it("checkUpkeep is false below the threshold (reason 2) and true once the feed crosses it (reason 0)", async () => {
      const f = await load();
      const router = routerOf(f);
      const [below, data] = await router.checkUpkeep(checkData(0n));
      expect(below).to.equal(false);
      expect(data).to.equal(checkData(0n));
      expect(await router.sensorConditionReason(0n)).to.equal(Reason.NotCrossed);
      await (await f.feed.updateAnswer(1499n)).wait();
      expect((await router.checkUpkeep(checkData(0n)))[0]).to.equal(false);
      await (await f.feed.updateAnswer(1500n)).wait();
      expect(await router.sensorConditionReason(0n)).to.equal(Reason.Fires);
      const [above, performData] = await router.checkUpkeep(checkData(0n));
      expect(above).to.equal(true);
      expect(performData).to.equal(checkData(0n));
    });

    it("a 'below' trigger fires when the answer is at or under its threshold", async () => {
      const f = await load();
      const router = routerOf(f).connect(f.reliefTimelock);
      await (await router.registerSensorTrigger(f.clauseId, KEN, await f.feed.getAddress(), 800n, false, 3600, 0, 3600)).wait();
      await (await f.feed.updateAnswer(801n)).wait();
      expect(await router.sensorConditionReason(1n)).to.equal(Reason.NotCrossed);
      await (await f.feed.updateAnswer(800n)).wait();
      expect(await router.sensorConditionReason(1n)).to.equal(Reason.Fires);
    });

    it("performUpkeep creates the job: JobRequested + SensorTriggerFired, inputCommitment = TS sensorInputCommitment", async () => {
      const f = await load();
      const router = routerOf(f);
      const feed = (await f.feed.getAddress()) as Address;
      await (await f.feed.updateAnswer(1875n)).wait();
      const [roundId, answer, , updatedAt] = await f.feed.latestRoundData();
      const nonce = sensorTriggerNonce(feed, roundId);
      const jobId = jobIdOf(f.network.chainId, routerAddress(f), f.clauseId, nonce);
      const commitment = sensorInputCommitment(feed, roundId, answer, updatedAt);
      const t = await setNext();
      const tx = router.connect(f.actors.stranger).performUpkeep(checkData(0n));
      await expect(tx)
        .to.emit(router, "JobRequested")
        .withArgs(jobId, f.clauseId, f.tenantId, f.clauseVersion, TriggerType.Sensor, commitment, t + SENSOR_WINDOW, f.relief.timelockAddress, KEN, nonce);
      await expect(tx).to.emit(router, "SensorTriggerFired").withArgs(0n, jobId, feed, roundId, 1875n, updatedAt);
      const trigger = await router.sensorTrigger(0n);
      expect(trigger.lastFiredAt).to.equal(t);
      expect(trigger.lastRoundId).to.equal(roundId);
      expect((await router.getJob(jobId)).triggerType).to.equal(TriggerType.Sensor);
    });

    it("the same round never fires twice: reason 4 and JobRouterSensorConditionNotMet(trigger, 4)", async () => {
      const f = await load();
      const router = routerOf(f);
      await (await f.feed.updateAnswer(1875n)).wait();
      await (await router.performUpkeep(checkData(0n))).wait();
      expect(await router.sensorConditionReason(0n)).to.equal(Reason.RoundUsed);
      expect((await router.checkUpkeep(checkData(0n)))[0]).to.equal(false);
      await expect(router.performUpkeep(checkData(0n))).to.be.revertedWithCustomError(router, "JobRouterSensorConditionNotMet").withArgs(0n, Reason.RoundUsed);
    });

    it("a new round inside the cooldown does not fire (reason 5); after the cooldown a fresh round fires", async () => {
      const f = await load();
      const router = routerOf(f);
      await (await f.feed.updateAnswer(1875n)).wait();
      await (await router.performUpkeep(checkData(0n))).wait();
      const firedAt = (await router.sensorTrigger(0n)).lastFiredAt;
      await (await f.feed.updateAnswer(1900n)).wait();
      expect(await router.sensorConditionReason(0n)).to.equal(Reason.CoolingDown);
      // A fresh round one second before the cooldown ends: only the cooldown stops it.
      await connection.networkHelpers.time.setNextBlockTimestamp(firedAt + COOLDOWN - 2n);
      await (await f.feed.updateAnswer(1925n)).wait();
      await connection.networkHelpers.time.setNextBlockTimestamp(firedAt + COOLDOWN - 1n);
      await expect(router.fireSensorTrigger(0n)).to.be.revertedWithCustomError(router, "JobRouterSensorConditionNotMet").withArgs(0n, Reason.CoolingDown);

      await connection.networkHelpers.time.setNextBlockTimestamp(firedAt + COOLDOWN);
      await expect(router.fireSensorTrigger(0n)).to.emit(router, "SensorTriggerFired");
    });

    it("a round older than maxStaleness never fires (reason 3); exactly maxStaleness old still fires", async () => {
      const f = await load();
      const router = routerOf(f);
      await (await f.feed.updateAnswer(1875n)).wait();
      const [, , , updatedAt] = await f.feed.latestRoundData();
      await connection.networkHelpers.time.increase(STALENESS + 1n);
      expect(await router.sensorConditionReason(0n)).to.equal(Reason.Stale);
      expect((await router.checkUpkeep(checkData(0n)))[0]).to.equal(false);
      await expect(router.fireSensorTrigger(0n)).to.be.revertedWithCustomError(router, "JobRouterSensorConditionNotMet").withArgs(0n, Reason.Stale);

      await (await f.feed.updateAnswer(1876n)).wait();
      const [, , , fresh] = await f.feed.latestRoundData();
      await connection.networkHelpers.time.setNextBlockTimestamp(fresh + STALENESS);
      await expect(router.fireSensorTrigger(0n)).to.emit(router, "SensorTriggerFired");
      expect(fresh > updatedAt).to.equal(true);
    });

    it("an inactive trigger reports reason 1 and cannot fire; only its DAO toggles it (SensorTriggerSet)", async () => {
      const f = await load();
      const router = routerOf(f);
      const feed = await f.feed.getAddress();
      await expect(router.connect(f.actors.stranger).setSensorTriggerActive(0n, false))
        .to.be.revertedWithCustomError(router, "JobRouterNotClauseOwner")
        .withArgs(f.clauseId, await f.actors.stranger.getAddress());
      await expect(router.connect(f.reliefTimelock).setSensorTriggerActive(0n, false))
        .to.emit(router, "SensorTriggerSet")
        .withArgs(0n, f.clauseId, feed, 1500n, true, false);
      await (await f.feed.updateAnswer(1875n)).wait();
      expect(await router.sensorConditionReason(0n)).to.equal(Reason.Inactive);
      await expect(router.performUpkeep(checkData(0n))).to.be.revertedWithCustomError(router, "JobRouterSensorConditionNotMet").withArgs(0n, Reason.Inactive);
      await (await router.connect(f.reliefTimelock).setSensorTriggerActive(0n, true)).wait();
      expect(await router.sensorConditionReason(0n)).to.equal(Reason.Fires);
    });

    it("a crossed, fresh round of a paused clause reports reason 6 and reverts JobRouterSensorConditionNotMet(trigger, 6)", async () => {
      const f = await load();
      const router = routerOf(f);
      await (await f.network.contracts.clauseRegistry.connect(f.reliefTimelock).setClauseStatus(f.clauseId, ClauseStatus.Paused)).wait();
      await (await f.feed.updateAnswer(1875n)).wait();
      expect(await router.sensorConditionReason(0n)).to.equal(Reason.NotExecutable);
      expect((await router.checkUpkeep(checkData(0n)))[0]).to.equal(false);
      await expect(router.fireSensorTrigger(0n)).to.be.revertedWithCustomError(router, "JobRouterSensorConditionNotMet").withArgs(0n, Reason.NotExecutable);
    });

    it("never reports an upkeep that perform would revert: tenant removed (7), quota used (8), window above the maximum (9)", async () => {
      const cases: [string, (f: ClauseFixture) => Promise<unknown>, number][] = [
        ["tenant removed", async (f) => (await f.network.contracts.jurisdictionRegistry.connect(f.actors.kenAuthority).removeTenant(f.relief.timelockAddress, KEN)).wait(), Reason.NotTenant],
        ["quota used", async (f) => (await routerOf(f).setTenantQuota(f.tenantId, 0)).wait(), Reason.QuotaUsed],
        ["window too long", async (f) => (await routerOf(f).setParameters(EPOCH, SENSOR_WINDOW - 1n)).wait(), Reason.WindowTooLong],
      ];
      for (const [, breakIt, reason] of cases) {
        const f = await load();
        const router = routerOf(f);
        await (await f.feed.updateAnswer(1875n)).wait();
        expect(await router.sensorConditionReason(0n)).to.equal(Reason.Fires);
        await breakIt(f);
        expect(await router.sensorConditionReason(0n)).to.equal(reason);
        expect((await router.checkUpkeep(checkData(0n)))[0]).to.equal(false);
        await expect(router.performUpkeep(checkData(0n)))
          .to.be.revertedWithCustomError(router, "JobRouterSensorConditionNotMet")
          .withArgs(0n, reason);
      }
    });

    it("firing below the threshold reverts JobRouterSensorConditionNotMet(trigger, 2)", async () => {
      const f = await load();
      await expect(routerOf(f).fireSensorTrigger(0n)).to.be.revertedWithCustomError(routerOf(f), "JobRouterSensorConditionNotMet").withArgs(0n, Reason.NotCrossed);
    });

    it("an unknown trigger id: checkUpkeep false, fire / sensorConditionReason / sensorTrigger revert JobRouterUnknownTrigger", async () => {
      const f = await load();
      const router = routerOf(f);
      expect((await router.checkUpkeep(checkData(7n)))[0]).to.equal(false);
      await expect(router.fireSensorTrigger(7n)).to.be.revertedWithCustomError(router, "JobRouterUnknownTrigger").withArgs(7n);
      await expect(router.sensorConditionReason(7n)).to.be.revertedWithCustomError(router, "JobRouterUnknownTrigger").withArgs(7n);
      await expect(router.sensorTrigger(7n)).to.be.revertedWithCustomError(router, "JobRouterUnknownTrigger").withArgs(7n);
      await expect(router.connect(f.reliefTimelock).setSensorTriggerActive(7n, true)).to.be.revertedWithCustomError(router, "JobRouterUnknownTrigger").withArgs(7n);
    });

    describe("registerSensorTrigger", () => {
      it("stores the trigger and emits SensorTriggerSet(id, clause, feed, threshold, above, true)", async () => {
        const f = await load();
        const router = routerOf(f).connect(f.reliefTimelock);
        const feed = await f.feed.getAddress();
        await expect(router.registerSensorTrigger(f.clauseId, KEN, feed, 42n, false, 60, 0, 600))
          .to.emit(router, "SensorTriggerSet")
          .withArgs(1n, f.clauseId, feed, 42n, false, true);
        const t = await router.sensorTrigger(1n);
        expect([t.dao, t.jurisdiction, t.maxStalenessSeconds, t.cooldownSeconds, t.jobWindowSeconds]).to.deep.equal([
          f.relief.timelockAddress,
          KEN,
          60n,
          0n,
          600n,
        ]);
        expect(await routerOf(f).triggerCounts()).to.deep.equal([2n, 0n]);
      });

      it("rejects a zero feed (JobRouterZeroAddress), zero staleness and a window of 0 or above the max (JobRouterInvalidParameter)", async () => {
        const f = await load();
        const router = routerOf(f).connect(f.reliefTimelock);
        const feed = await f.feed.getAddress();
        const zero = "0x0000000000000000000000000000000000000000";
        await expect(router.registerSensorTrigger(f.clauseId, KEN, zero, 1n, true, 60, 0, 600)).to.be.revertedWithCustomError(router, "JobRouterZeroAddress");
        await expect(router.registerSensorTrigger(f.clauseId, KEN, feed, 1n, true, 0, 0, 600))
          .to.be.revertedWithCustomError(router, "JobRouterInvalidParameter")
          .withArgs(0);
        await expect(router.registerSensorTrigger(f.clauseId, KEN, feed, 1n, true, 60, 0, 0))
          .to.be.revertedWithCustomError(router, "JobRouterInvalidParameter")
          .withArgs(0);
        await expect(router.registerSensorTrigger(f.clauseId, KEN, feed, 1n, true, 60, 0, MAX_WINDOW + 1n))
          .to.be.revertedWithCustomError(router, "JobRouterInvalidParameter")
          .withArgs(MAX_WINDOW + 1n);
        await expect(router.registerSensorTrigger(f.clauseId, KEN, feed, 1n, true, 60, 0, MAX_WINDOW)).to.emit(router, "SensorTriggerSet");
      });

      it("rejects anyone but the clause owner's timelock with JobRouterNotClauseOwner", async () => {
        const f = await load();
        await expect(
          routerOf(f).connect(f.otherDao).registerSensorTrigger(f.clauseId, KEN, await f.feed.getAddress(), 1n, true, 60, 0, 600),
        )
          .to.be.revertedWithCustomError(routerOf(f), "JobRouterNotClauseOwner")
          .withArgs(f.clauseId, await f.otherDao.getAddress());
      });
    });
  });

  describe("simulation trigger", () => {
    const COMMITMENT = `0x${"51".repeat(32)}` as Hex;
    const register = async (f: ClauseFixture) => {
      const simulator = f.actors.submitter;
      const simulatorAddress = (await simulator.getAddress()) as Address;
      const router = routerOf(f);
      await expect(router.connect(f.reliefTimelock).registerSimulationTrigger(f.clauseId, KEN, simulatorAddress, 1800))
        .to.emit(router, "SimulationTriggerSet")
        .withArgs(0n, f.clauseId, simulatorAddress, true);
      return { simulator, simulatorAddress };
    };

    it("the authorised simulator posts a result: SimulationResultPosted + JobRequested(type 2), jobId = TS jobIdOf(simulationTriggerNonce)", async () => {
      const f = await load();
      const router = routerOf(f);
      const { simulator, simulatorAddress } = await register(f);
      const nonce = simulationTriggerNonce(simulatorAddress, COMMITMENT);
      const jobId = jobIdOf(f.network.chainId, routerAddress(f), f.clauseId, nonce);
      const t = await setNext();
      const tx = router.connect(simulator).postSimulationResult(0n, COMMITMENT);
      await expect(tx).to.emit(router, "SimulationResultPosted").withArgs(0n, jobId, simulatorAddress, COMMITMENT);
      await expect(tx)
        .to.emit(router, "JobRequested")
        .withArgs(jobId, f.clauseId, f.tenantId, f.clauseVersion, TriggerType.Simulation, COMMITMENT, t + 1800n, f.relief.timelockAddress, KEN, nonce);
      const trigger = await router.simulationTrigger(0n);
      expect([trigger.simulator, trigger.dao, trigger.active, trigger.jobWindowSeconds]).to.deep.equal([
        simulatorAddress,
        f.relief.timelockAddress,
        true,
        1800n,
      ]);
    });

    it("rejects anyone but the simulator with JobRouterNotSimulator(trigger, caller)", async () => {
      const f = await load();
      await register(f);
      await expect(routerOf(f).connect(f.actors.stranger).postSimulationResult(0n, COMMITMENT))
        .to.be.revertedWithCustomError(routerOf(f), "JobRouterNotSimulator")
        .withArgs(0n, await f.actors.stranger.getAddress());
    });

    it("the same result commitment twice reverts JobRouterExecutionIdUsed(jobId)", async () => {
      const f = await load();
      const { simulator, simulatorAddress } = await register(f);
      await (await routerOf(f).connect(simulator).postSimulationResult(0n, COMMITMENT)).wait();
      const jobId = jobIdOf(f.network.chainId, routerAddress(f), f.clauseId, simulationTriggerNonce(simulatorAddress, COMMITMENT));
      await expect(routerOf(f).connect(simulator).postSimulationResult(0n, COMMITMENT))
        .to.be.revertedWithCustomError(routerOf(f), "JobRouterExecutionIdUsed")
        .withArgs(jobId);
    });

    it("a deactivated or unknown simulation trigger reverts JobRouterUnknownTrigger", async () => {
      const f = await load();
      const { simulator } = await register(f);
      await expect(routerOf(f).connect(f.actors.stranger).setSimulationTriggerActive(0n, false))
        .to.be.revertedWithCustomError(routerOf(f), "JobRouterNotClauseOwner")
        .withArgs(f.clauseId, await f.actors.stranger.getAddress());
      await expect(routerOf(f).connect(f.reliefTimelock).setSimulationTriggerActive(0n, false)).to.emit(routerOf(f), "SimulationTriggerSet");
      await expect(routerOf(f).connect(simulator).postSimulationResult(0n, COMMITMENT)).to.be.revertedWithCustomError(routerOf(f), "JobRouterUnknownTrigger").withArgs(0n);
      await expect(routerOf(f).connect(simulator).postSimulationResult(5n, COMMITMENT)).to.be.revertedWithCustomError(routerOf(f), "JobRouterUnknownTrigger").withArgs(5n);
    });

    it("registerSimulationTrigger rejects a zero simulator (JobRouterZeroAddress), a bad window and a non-owner", async () => {
      const f = await load();
      const router = routerOf(f);
      const sim = await f.actors.submitter.getAddress();
      await expect(router.connect(f.reliefTimelock).registerSimulationTrigger(f.clauseId, KEN, "0x0000000000000000000000000000000000000000", 600))
        .to.be.revertedWithCustomError(router, "JobRouterZeroAddress");
      await expect(router.connect(f.reliefTimelock).registerSimulationTrigger(f.clauseId, KEN, sim, 0))
        .to.be.revertedWithCustomError(router, "JobRouterInvalidParameter")
        .withArgs(0);
      await expect(router.connect(f.otherDao).registerSimulationTrigger(f.clauseId, KEN, sim, 600))
        .to.be.revertedWithCustomError(router, "JobRouterNotClauseOwner")
        .withArgs(f.clauseId, await f.otherDao.getAddress());
    });
  });

  describe("expire", () => {
    it("refuses before and at the deadline (JobRouterNotExpirable), expires after it (JobExpired), then refuses again", async () => {
      const f = await load();
      const router = routerOf(f);
      const jobId = daoJobId(f, NONCE);
      await (await requestAs(f, NONCE)).wait();
      const { deadline } = await router.getJob(jobId);
      await expect(router.connect(f.actors.stranger).expire(jobId))
        .to.be.revertedWithCustomError(router, "JobRouterNotExpirable")
        .withArgs(jobId, JobStatus.Requested, deadline);
      await connection.networkHelpers.time.setNextBlockTimestamp(deadline);
      await expect(router.connect(f.actors.stranger).expire(jobId))
        .to.be.revertedWithCustomError(router, "JobRouterNotExpirable")
        .withArgs(jobId, JobStatus.Requested, deadline);

      await connection.networkHelpers.time.setNextBlockTimestamp(deadline + 1n);
      await expect(router.connect(f.actors.stranger).expire(jobId))
        .to.emit(router, "JobExpired")
        .withArgs(jobId, f.tenantId, await f.actors.stranger.getAddress());
      expect((await router.getJob(jobId)).status).to.equal(JobStatus.Expired);
      await expect(router.expire(jobId)).to.be.revertedWithCustomError(router, "JobRouterNotExpirable").withArgs(jobId, JobStatus.Expired, deadline);
      // An expired execution id stays consumed.
      await expect(requestAs(f, NONCE)).to.be.revertedWithCustomError(router, "JobRouterExecutionIdUsed").withArgs(jobId);
    });

    it("an unknown job id reverts JobRouterUnknownJob", async () => {
      const f = await load();
      const unknown = `0x${"ee".repeat(32)}`;
      await expect(routerOf(f).expire(unknown)).to.be.revertedWithCustomError(routerOf(f), "JobRouterUnknownJob").withArgs(unknown);
    });
  });
});
