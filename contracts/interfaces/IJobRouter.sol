// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {ClauseId, JobId, TenantId} from "../types/Ids.sol";
import {JobStatus, TriggerType} from "../types/Enums.sol";

/// @title IJobRouter
/// @notice Turns triggers into jobs: a DAO through its timelock, a sensor trigger over a Chainlink
/// feed (Chainlink Automation compatible), or an authorised simulator. Each trigger yields one
/// execution id, consumed here, and one `JobRequested` event the relayer acts on.
interface IJobRouter {
    /// @notice A sensor trigger: fire when `feed` crosses `threshold`.
    /// @param above True: fire when answer >= threshold; false: when answer <= threshold.
    /// @param maxStalenessSeconds A round older than this never fires.
    /// @param cooldownSeconds Minimum time between two jobs from this trigger.
    /// @param jobWindowSeconds Each job's deadline is its creation time plus this.
    struct SensorTrigger {
        ClauseId clauseId;
        address dao;
        bytes3 jurisdiction;
        AggregatorV3Interface feed;
        int256 threshold;
        bool above;
        bool active;
        uint32 maxStalenessSeconds;
        uint32 cooldownSeconds;
        uint32 jobWindowSeconds;
        uint64 lastFiredAt;
        uint80 lastRoundId;
    }

    /// @notice A simulation trigger: `simulator` may post results for the clause on the DAO's behalf.
    struct SimulationTrigger {
        ClauseId clauseId;
        address dao;
        bytes3 jurisdiction;
        address simulator;
        bool active;
        uint32 jobWindowSeconds;
    }

    /// @notice One job.
    struct Job {
        ClauseId clauseId;
        TenantId tenantId;
        uint64 deadline;
        uint64 epoch;
        JobStatus status;
        TriggerType triggerType;
    }

    /// @notice The execution id was already used: a trigger creates at most one job.
    error JobRouterExecutionIdUsed(JobId jobId);
    /// @notice The clause is not executable for this jurisdiction now (status, window or jurisdiction).
    error JobRouterClauseNotExecutable(ClauseId clauseId, bytes3 jurisdiction);
    /// @notice The DAO is not (or no longer) an admitted tenant of the jurisdiction.
    error JobRouterNotTenant(address dao, bytes3 jurisdiction);
    /// @notice The caller is not the clause owner's timelock.
    error JobRouterNotClauseOwner(ClauseId clauseId, address caller);
    /// @notice The tenant has used its job quota for this epoch.
    error JobRouterQuotaExceeded(TenantId tenantId, uint64 epoch, uint32 quota);
    /// @notice The deadline is in the past or further ahead than the router allows.
    error JobRouterInvalidDeadline(uint64 deadline, uint64 nowSeconds, uint64 maxWindowSeconds);
    /// @notice No such trigger, or it is inactive.
    error JobRouterUnknownTrigger(uint256 triggerId);
    /// @notice The sensor trigger's condition does not hold now (threshold, staleness, round or cooldown).
    error JobRouterSensorConditionNotMet(uint256 triggerId, uint8 reason);
    /// @notice The caller is not the trigger's simulator.
    error JobRouterNotSimulator(uint256 triggerId, address caller);
    /// @notice No such job.
    error JobRouterUnknownJob(JobId jobId);
    /// @notice The job cannot expire: it is not pending, or its deadline has not passed.
    error JobRouterNotExpirable(JobId jobId, JobStatus status, uint64 deadline);
    /// @notice A configuration value is out of range.
    error JobRouterInvalidParameter(uint256 value);
    /// @notice The address given is the zero address.
    error JobRouterZeroAddress();
    /// @notice The tenant's workload of this clause failed and is suspended until the tenant's DAO re-authorises it.
    error JobRouterWorkloadSuspended(TenantId tenantId, ClauseId clauseId);
    /// @notice Only a job still requested (not expired, not already failed) can be reported failed.
    error JobRouterNotFailable(JobId jobId, JobStatus status);

    /// @notice A job was created; the relayer's starting point (DESIGN.md §3.1).
    event JobRequested(
        JobId indexed jobId,
        ClauseId indexed clauseId,
        TenantId indexed tenantId,
        uint48 clauseVersion,
        TriggerType triggerType,
        bytes32 inputCommitment,
        uint64 deadline,
        address dao,
        bytes3 jurisdiction,
        bytes32 triggerNonce
    );
    /// @notice A sensor trigger fired; the feed round that crossed the threshold.
    event SensorTriggerFired(
        uint256 indexed triggerId, JobId indexed jobId, address indexed feed, uint80 roundId, int256 answer, uint256 updatedAt
    );
    /// @notice An authorised simulator posted a result commitment.
    event SimulationResultPosted(uint256 indexed triggerId, JobId indexed jobId, address indexed simulator, bytes32 resultCommitment);
    /// @notice A job's deadline passed without it being settled; anyone may record that.
    event JobExpired(JobId indexed jobId, TenantId indexed tenantId, address indexed by);
    /// @notice A sensor trigger was registered or (de)activated.
    event SensorTriggerSet(uint256 indexed triggerId, ClauseId indexed clauseId, address indexed feed, int256 threshold, bool above, bool active);
    /// @notice A simulation trigger was registered or (de)activated.
    event SimulationTriggerSet(uint256 indexed triggerId, ClauseId indexed clauseId, address indexed simulator, bool active);
    /// @notice Network governance set a tenant's quota.
    event TenantQuotaSet(TenantId indexed tenantId, uint32 jobsPerEpoch);
    /// @notice A bandwidth token (one job of the tenant's epoch budget) came back: its job expired or failed in the
    /// epoch it was consumed in.
    event BandwidthRefunded(TenantId indexed tenantId, JobId indexed jobId, uint64 epoch);
    /// @notice A relayer holding the failure-reporter role reported the job's workload failed (`reasonCode`: its error code hash).
    event JobFailed(JobId indexed jobId, TenantId indexed tenantId, bytes32 reasonCode);
    /// @notice The tenant's workload of this clause is suspended: no job until the tenant's DAO re-authorises it.
    event WorkloadSuspended(TenantId indexed tenantId, ClauseId indexed clauseId, JobId jobId);
    /// @notice The tenant's DAO re-authorised its suspended workload.
    event WorkloadReauthorised(TenantId indexed tenantId, ClauseId indexed clauseId, address by);
    /// @notice Network governance changed the epoch length or the longest job window.
    event RouterParametersSet(uint64 epochSeconds, uint64 maxJobWindowSeconds);

    /// @notice DAO trigger. Caller: the clause owner's timelock, a tenant of `jurisdiction`.
    /// @param daoNonce Any value unique to this decision (e.g. the proposal's description hash).
    function requestJob(ClauseId clauseId, bytes3 jurisdiction, bytes32 daoNonce, bytes32 inputCommitment, uint64 deadline)
        external
        returns (JobId jobId);

    /// @notice Caller: the clause owner's timelock. Returns the new trigger id.
    function registerSensorTrigger(
        ClauseId clauseId,
        bytes3 jurisdiction,
        AggregatorV3Interface feed,
        int256 threshold,
        bool above,
        uint32 maxStalenessSeconds,
        uint32 cooldownSeconds,
        uint32 jobWindowSeconds
    ) external returns (uint256 triggerId);

    /// @notice Caller: the clause owner's timelock. Returns the new trigger id.
    function registerSimulationTrigger(ClauseId clauseId, bytes3 jurisdiction, address simulator, uint32 jobWindowSeconds)
        external
        returns (uint256 triggerId);

    /// @notice Caller: the trigger's DAO.
    function setSensorTriggerActive(uint256 triggerId, bool active) external;

    /// @notice Caller: the trigger's DAO.
    function setSimulationTriggerActive(uint256 triggerId, bool active) external;

    /// @notice Caller: the trigger's simulator.
    function postSimulationResult(uint256 triggerId, bytes32 resultCommitment) external returns (JobId jobId);

    /// @notice Permissionless: fire a sensor trigger whose condition holds (what Automation's performUpkeep calls).
    function fireSensorTrigger(uint256 triggerId) external returns (JobId jobId);

    /// @notice Permissionless after the deadline: the job's dispatch window is over.
    function expire(JobId jobId) external;

    /// @notice Network governance: a tenant's bandwidth budget, in jobs per epoch (0 = none). Each job consumes one
    /// token when created; an expired or failed job refunds it within the same epoch.
    function setTenantQuota(TenantId tenantId, uint32 jobsPerEpoch) external;

    /// @notice Restricted (the failure-reporter role network governance grants a relayer): the job's workload failed
    /// in its sandbox. Refunds the job's token (same epoch) and, with `suspend`, suspends the tenant × clause
    /// workload until its DAO re-authorises it (DESIGN.md §7, fault isolation).
    function reportFailure(JobId jobId, bytes32 reasonCode, bool suspend) external;

    /// @notice Caller: the clause owner's timelock, re-authorising its own workload in `jurisdiction` after a failure.
    function reauthoriseWorkload(ClauseId clauseId, bytes3 jurisdiction) external;

    /// @notice True while the tenant's workload of the clause is suspended (jobs for it revert).
    function isWorkloadSuspended(TenantId tenantId, ClauseId clauseId) external view returns (bool);

    function getJob(JobId jobId) external view returns (Job memory);

    function sensorTrigger(uint256 triggerId) external view returns (SensorTrigger memory);

    function simulationTrigger(uint256 triggerId) external view returns (SimulationTrigger memory);

    /// @notice Why a sensor trigger would not fire now: 0 fires; 1 inactive; 2 threshold not crossed;
    /// 3 stale or invalid round; 4 round already used; 5 cooling down; 6 clause not executable;
    /// 7 the DAO is no longer a tenant there; 8 the tenant's quota is used up this epoch;
    /// 9 the trigger's job window exceeds the router's current maximum; 10 the tenant's workload is suspended.
    function sensorConditionReason(uint256 triggerId) external view returns (uint8 reason);

    /// @return quota Jobs per epoch. @return used Jobs created this epoch. @return epoch The current epoch.
    function tenantUsage(TenantId tenantId) external view returns (uint32 quota, uint32 used, uint64 epoch);
}
