import { expect } from "chai";
import { network } from "hardhat";
import { createWalletClient, custom, type Hex } from "viem";
import { hardhat } from "viem/chains";
import { createChainFaultReporter } from "../../relayer/chain/createChainFaultReporter.js";
import { createRegistryReader } from "../../relayer/chain/createRegistryReader.js";
import { daoTriggerNonce, jobIdOf } from "../../relayer/core/formats/ids.js";
import { checkGovernance } from "../../relayer/core/scheduling/governanceFilter.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { Roles } from "../../ignition/modules/roles.js";
import { fundedSubmitter, publicClientOf, silentCommon } from "../aggregator/aggregatorFixture.js";
import { chainTime, clauseFixture, KEN, type ClauseFixture } from "../helpers/fixtures.js";

const INPUT = `0x${"c0".repeat(32)}` as Hex;
const JobStatus = { Requested: 1, Expired: 2, Failed: 3 } as const;

/**
 * DAO bandwidth tokens and fault isolation on the real contracts, driven through the relayer's own chain adapters
 * (ADR 0014): the FaultReporter's JobRouter.reportFailure refunds the job's token and suspends the tenant × clause;
 * the relayer's RegistryReader sees the suspension and its governance filter refuses the workload until the
 * owning DAO's timelock re-authorises it. Only the role network governance granted may report.
 */
describe("JobRouter bandwidth tokens and workload suspension (through the relayer adapters)", () => {
  let connection: DevConnection;
  before(async () => {
    connection = (await network.create()) as unknown as DevConnection;
  });

  async function setUp(f: ClauseFixture) {
    const client = await publicClientOf(f);
    const reporterKey = await fundedSubmitter(f, "fault reporter");
    const wallet = (key: typeof reporterKey) => createWalletClient({ account: key, chain: hardhat, transport: custom(connection.provider) });
    const reporter = createChainFaultReporter({ wallet: wallet(reporterKey), client, jobRouter: f.network.addresses.jobRouter });
    const reader = createRegistryReader({
      common: silentCommon(),
      client,
      contracts: { clauseRegistry: f.network.addresses.clauseRegistry, nodeRegistry: f.network.addresses.nodeRegistry, jurisdictionRegistry: f.network.addresses.jurisdictionRegistry, jobRouter: f.network.addresses.jobRouter },
      rpc: { timeoutMs: 10_000, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
      cacheMs: 0,
    });
    const router = f.network.contracts.jobRouter;
    const request = async (nonce: Hex) => router.connect(f.reliefTimelock).requestJob(f.clauseId, KEN, nonce, INPUT, (await chainTime(connection)) + 3600n);
    const jobIdFor = (nonce: Hex) => jobIdOf(f.network.chainId, f.network.addresses.jobRouter, f.clauseId, daoTriggerNonce(f.relief.timelockAddress, nonce));
    return { client, reporterKey, wallet, reporter, reader, router, request, jobIdFor };
  }

  it("a reported workload fault refunds the token and suspends the workload until the DAO re-authorises it", async () => {
    const f = await connection.networkHelpers.loadFixture(clauseFixture);
    const { reporterKey, reporter, reader, router, request, jobIdFor } = await setUp(f);
    await (await f.network.contracts.accessManager.grantRole(Roles.FaultReporter, reporterKey.address, 0)).wait();
    await (await router.setTenantQuota(f.tenantId, 1)).wait();

    const first = `0x${"01".repeat(32)}` as Hex;
    await (await request(first)).wait();
    expect((await router.tenantUsage(f.tenantId)).used).to.equal(1n);
    await expect(request(`0x${"02".repeat(32)}`)).to.be.revertedWithCustomError(router, "JobRouterQuotaExceeded");

    await reporter.reportWorkloadFault({ jobId: jobIdFor(first), tenantId: f.tenantId, clauseId: f.clauseId, code: "NSF_CLAUSE_TRAPPED" });
    expect((await router.getJob(jobIdFor(first))).status).to.equal(JobStatus.Failed);
    expect((await router.tenantUsage(f.tenantId)).used).to.equal(0n);

    expect(await reader.isWorkloadSuspended(f.tenantId, f.clauseId)).to.equal(true);
    const clause = await reader.getClause(f.clauseId);
    const verdict = checkGovernance({
      job: { jobId: jobIdFor(first), clauseId: f.clauseId, clauseVersion: f.clauseVersion, tenantId: f.tenantId, dao: f.relief.timelockAddress, jurisdiction: KEN, triggerType: 0, inputCommitment: INPUT, deadline: (await chainTime(connection)) + 60n },
      clause,
      isTenant: true,
      chainTime: await chainTime(connection),
      workloadSuspended: await reader.isWorkloadSuspended(f.tenantId, f.clauseId),
    });
    expect(verdict.ok).to.equal(false);
    expect(!verdict.ok && verdict.kind).to.equal("GOV_WORKLOAD_SUSPENDED");
    await expect(request(`0x${"03".repeat(32)}`)).to.be.revertedWithCustomError(router, "JobRouterWorkloadSuspended").withArgs(f.tenantId, f.clauseId);

    await expect(router.connect(f.otherDao).reauthoriseWorkload(f.clauseId, KEN)).to.be.revertedWithCustomError(router, "JobRouterNotClauseOwner");
    await expect(router.connect(f.reliefTimelock).reauthoriseWorkload(f.clauseId, KEN)).to.emit(router, "WorkloadReauthorised");
    expect(await reader.isWorkloadSuspended(f.tenantId, f.clauseId)).to.equal(false);
    await expect(request(`0x${"04".repeat(32)}`)).to.emit(router, "JobRequested"); // the refunded token
  });

  it("only the granted fault-reporter role may report; an expired job's token comes back in its epoch", async () => {
    const f = await connection.networkHelpers.loadFixture(clauseFixture);
    const { reporter, router, request, jobIdFor } = await setUp(f);
    // Start at the beginning of an epoch (1 day), so the job's window cannot cross into the next one.
    const epoch = 24n * 3600n;
    await connection.networkHelpers.time.increaseTo(((await chainTime(connection)) / epoch + 1n) * epoch + 10n);
    await (await router.setTenantQuota(f.tenantId, 1)).wait();
    const nonce = `0x${"05".repeat(32)}` as Hex;
    await (await request(nonce)).wait();
    // Not granted: the report reverts (AccessManagedUnauthorized) and nothing changes.
    let caught: unknown;
    try {
      await reporter.reportWorkloadFault({ jobId: jobIdFor(nonce), tenantId: f.tenantId, clauseId: f.clauseId, code: "NSF_CLAUSE_TRAPPED" });
    } catch (error) {
      caught = error;
    }
    expect(String(caught)).to.match(/AccessManagedUnauthorized|reverted/);
    expect(await router.isWorkloadSuspended(f.tenantId, f.clauseId)).to.equal(false);

    await connection.networkHelpers.time.increase(3601);
    await expect(router.expire(jobIdFor(nonce))).to.emit(router, "BandwidthRefunded");
    expect((await router.tenantUsage(f.tenantId)).used).to.equal(0n);
  });
});
