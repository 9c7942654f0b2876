// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {ClauseRegistry} from "../../contracts/ClauseRegistry.sol";
import {JobRouter} from "../../contracts/JobRouter.sol";
import {NSFAccessManager} from "../../contracts/governance/NSFAccessManager.sol";
import {JurisdictionRegistry} from "../../contracts/governance/JurisdictionRegistry.sol";
import {IClauseRegistry} from "../../contracts/interfaces/IClauseRegistry.sol";
import {IJobRouter} from "../../contracts/interfaces/IJobRouter.sol";
import {ExecutionHashing} from "../../contracts/libraries/ExecutionHashing.sol";
import {ClauseId, JobId, TenantId} from "../../contracts/types/Ids.sol";
import {ExecutionModel, JobStatus, PriorityClass} from "../../contracts/types/Enums.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice DAO bandwidth tokens (ADR 0014): a budget per tenant per epoch, one token per job, refunded for expired
/// or failed jobs in the same epoch only; only network governance sets budgets; a reported failure suspends the
/// tenant × clause workload until the tenant's own DAO re-authorises it.
contract JobRouterBudgetTest is TestBase {
    bytes3 private constant KEN = "KEN";
    uint64 private constant EPOCH = 1 days;
    uint64 private constant WINDOW = 1 hours;

    NSFAccessManager private manager;
    JurisdictionRegistry private jurisdictions;
    ClauseRegistry private clauses;
    JobRouter private router;
    address private dao = address(0xDA0);
    address private authority = address(0xA11CE);
    address private stranger = address(0xBAD);
    ClauseId private clauseId;
    TenantId private tenant;
    uint256 private nonce;

    function setUp() public {
        vm.warp(100 * uint256(EPOCH)); // the start of epoch 100
        manager = new NSFAccessManager(address(this));
        jurisdictions = new JurisdictionRegistry(address(manager));
        clauses = new ClauseRegistry(address(manager), jurisdictions);
        router = new JobRouter(address(manager), clauses, jurisdictions, EPOCH, WINDOW);
        jurisdictions.setJurisdictionAuthority(KEN, authority);
        vm.prank(authority);
        jurisdictions.admitTenant(dao, KEN);
        IClauseRegistry.ClauseSpec memory spec = _spec();
        vm.prank(dao);
        clauseId = clauses.registerClause(spec);
        tenant = TenantId.wrap(ExecutionHashing.tenantId(dao, KEN));
    }

    function _spec() private pure returns (IClauseRegistry.ClauseSpec memory s) {
        bytes3[] memory js = new bytes3[](1);
        js[0] = KEN;
        s = IClauseRegistry.ClauseSpec({
            namespace_: "UNDRR",
            domain: "Disaster",
            name: "FloodPayout",
            major: 1,
            minor: 0,
            patch: 0,
            fork: "",
            parent: bytes32(0),
            codeHash: sha256("clause wasm"),
            model: ExecutionModel.Quorum,
            quorumK: 3,
            quorumN: 5,
            priority: PriorityClass.Disaster,
            policyFlags: 0,
            validFrom: 0,
            validUntil: 0,
            jurisdictions: js
        });
    }

    function _request() private returns (JobId) {
        vm.prank(dao);
        return router.requestJob(clauseId, KEN, bytes32(++nonce), bytes32(0), uint64(block.timestamp) + WINDOW);
    }

    function _used() private view returns (uint32 used) {
        (, used,) = router.tenantUsage(tenant);
    }

    function test_requestJob_ConsumesOneTokenAndRevertsWhenBudgetUsed() public {
        router.setTenantQuota(tenant, 2);
        _request();
        _request();
        vm.assertEq(uint256(_used()), 2, "two tokens used");
        vm.prank(dao);
        vm.expectRevert(abi.encodeWithSelector(IJobRouter.JobRouterQuotaExceeded.selector, tenant, uint64(100), uint32(2)));
        router.requestJob(clauseId, KEN, bytes32(uint256(999)), bytes32(0), uint64(block.timestamp) + WINDOW);
    }

    function test_expire_RefundsTheTokenInTheSameEpoch() public {
        router.setTenantQuota(tenant, 1);
        JobId job = _request();
        vm.warp(block.timestamp + WINDOW + 1);
        router.expire(job);
        vm.assertEq(uint256(_used()), 0, "refunded");
        vm.assertEq(uint256(router.getJob(job).status), uint256(JobStatus.Expired), "expired");
        _request(); // the refunded token buys the next job
        vm.assertEq(uint256(_used()), 1, "spent again");
    }

    function test_expire_DoesNotRefundIntoALaterEpoch() public {
        router.setTenantQuota(tenant, 2);
        JobId job = _request();
        vm.warp(block.timestamp + EPOCH); // epoch 101
        _request();
        router.expire(job);
        vm.assertEq(uint256(_used()), 1, "the new epoch's token stays spent");
    }

    function test_reportFailure_RefundsSuspendsAndOnlyTheOwningDaoReauthorises() public {
        router.setTenantQuota(tenant, 1);
        JobId job = _request();
        router.reportFailure(job, keccak256("NSF_WORKLOAD_FAULT"), true);
        vm.assertEq(uint256(router.getJob(job).status), uint256(JobStatus.Failed), "failed");
        vm.assertEq(uint256(_used()), 0, "refunded");
        vm.assertTrue(router.isWorkloadSuspended(tenant, clauseId), "suspended");

        vm.prank(dao);
        vm.expectRevert(abi.encodeWithSelector(IJobRouter.JobRouterWorkloadSuspended.selector, tenant, clauseId));
        router.requestJob(clauseId, KEN, bytes32(uint256(999)), bytes32(0), uint64(block.timestamp) + WINDOW);

        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IJobRouter.JobRouterNotClauseOwner.selector, clauseId, stranger));
        router.reauthoriseWorkload(clauseId, KEN);

        vm.prank(dao);
        router.reauthoriseWorkload(clauseId, KEN);
        vm.assertFalse(router.isWorkloadSuspended(tenant, clauseId), "re-authorised");
        _request();
    }

    function test_reportFailure_WithoutSuspendOnlyRefunds() public {
        router.setTenantQuota(tenant, 1);
        JobId job = _request();
        router.reportFailure(job, bytes32(0), false);
        vm.assertFalse(router.isWorkloadSuspended(tenant, clauseId), "not suspended");
        _request();
    }

    function test_reportFailure_RevertWhen_NotRequested() public {
        router.setTenantQuota(tenant, 1);
        JobId job = _request();
        router.reportFailure(job, bytes32(0), false);
        vm.expectRevert(abi.encodeWithSelector(IJobRouter.JobRouterNotFailable.selector, job, JobStatus.Failed));
        router.reportFailure(job, bytes32(0), false);
        vm.warp(block.timestamp + WINDOW + 1);
        vm.expectRevert(abi.encodeWithSelector(IJobRouter.JobRouterNotExpirable.selector, job, JobStatus.Failed, router.getJob(job).deadline));
        router.expire(job);
    }

    function testFuzz_reportFailure_RevertWhen_CallerIsNotGranted(address caller) public {
        vm.assume(caller != address(this));
        router.setTenantQuota(tenant, 1);
        JobId job = _request();
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, caller));
        router.reportFailure(job, bytes32(0), true);
    }

    function testFuzz_setTenantQuota_RevertWhen_CallerIsNotGovernance(address caller, uint32 quota) public {
        vm.assume(caller != address(this));
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, caller));
        router.setTenantQuota(tenant, quota);
    }

    /// @notice For any budget and any mix of created, failed and expired jobs within one epoch: used tokens equal
    /// the jobs still requested, never exceed the budget, and exactly the refunded tokens can be spent again.
    function testFuzz_budget_UsedEqualsLiveJobsAndNeverExceedsQuota(uint8 quotaSeed, uint8 requestsSeed, uint256 outcomes) public {
        uint32 quota = uint32(bound(quotaSeed, 1, 8));
        uint256 requests = bound(requestsSeed, 0, 12);
        router.setTenantQuota(tenant, quota);
        JobId[] memory jobs = new JobId[](requests);
        uint256 created;
        for (uint256 i; i < requests; ++i) {
            if (created == quota) {
                vm.prank(dao);
                vm.expectRevert(abi.encodeWithSelector(IJobRouter.JobRouterQuotaExceeded.selector, tenant, uint64(100), quota));
                router.requestJob(clauseId, KEN, bytes32(uint256(1_000 + i)), bytes32(0), uint64(block.timestamp) + WINDOW);
                continue;
            }
            jobs[created++] = _request();
        }
        vm.assertEq(uint256(_used()), created, "one token per created job");
        uint256 refunded;
        // Fail some jobs now (bit 0 of each 2-bit lane), expire others after their deadline (bit 1).
        for (uint256 i; i < created; ++i) {
            if ((outcomes >> (2 * i)) & 1 == 1) {
                router.reportFailure(jobs[i], bytes32(0), false);
                ++refunded;
            }
        }
        vm.warp(block.timestamp + WINDOW + 1);
        for (uint256 i; i < created; ++i) {
            if ((outcomes >> (2 * i)) & 3 == 2) {
                router.expire(jobs[i]);
                ++refunded;
            }
        }
        vm.assertEq(uint256(_used()), created - refunded, "used = jobs still requested");
        vm.assertTrue(_used() <= quota, "never above the budget");
        while (_used() < quota) _request();
        vm.assertEq(uint256(_used()), quota, "exactly the refunded tokens spent again");
    }
}
