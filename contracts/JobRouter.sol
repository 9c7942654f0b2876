// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {AutomationCompatibleInterface} from
    "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";

import {IClauseRegistry} from "./interfaces/IClauseRegistry.sol";
import {IJobRouter} from "./interfaces/IJobRouter.sol";
import {IJurisdictionRegistry} from "./interfaces/IJurisdictionRegistry.sol";
import {ExecutionHashing} from "./libraries/ExecutionHashing.sol";
import {ClauseId, JobId, TenantId} from "./types/Ids.sol";
import {JobStatus, TriggerType} from "./types/Enums.sol";

/// @title JobRouter
/// @notice Triggers → jobs. Each trigger derives a unique execution id that is consumed here, so a
/// replayed trigger (the same proposal, feed round or simulation result) never creates a second job.
/// @dev Sensor triggers are Chainlink Automation upkeeps: checkUpkeep/performUpkeep over
/// AggregatorV3Interface feeds, re-validated on perform, so anyone (a keeper, the relayer) may fire them.
contract JobRouter is IJobRouter, AutomationCompatibleInterface, AccessManaged {
    uint8 private constant FIRES = 0;
    uint8 private constant INACTIVE = 1;
    uint8 private constant NOT_CROSSED = 2;
    uint8 private constant STALE = 3;
    uint8 private constant ROUND_USED = 4;
    uint8 private constant COOLING_DOWN = 5;
    uint8 private constant NOT_EXECUTABLE = 6;
    uint8 private constant NOT_TENANT = 7;
    uint8 private constant QUOTA_USED = 8;
    uint8 private constant WINDOW_TOO_LONG = 9;
    uint8 private constant SUSPENDED = 10;

    IClauseRegistry public immutable clauses;
    IJurisdictionRegistry public immutable jurisdictions;

    uint64 private _epochSeconds;
    uint64 private _maxJobWindowSeconds;
    mapping(bytes32 jobId => Job) private _jobs;
    mapping(bytes32 tenantId => TenantUsage) private _usage;
    mapping(bytes32 tenantId => mapping(bytes32 clauseId => bool)) private _suspended;
    SensorTrigger[] private _sensorTriggers;
    SimulationTrigger[] private _simulationTriggers;

    struct TenantUsage {
        uint32 quota;
        uint32 used;
        uint64 epoch;
    }

    constructor(
        address accessManager,
        IClauseRegistry clauses_,
        IJurisdictionRegistry jurisdictions_,
        uint64 epochSeconds,
        uint64 maxJobWindowSeconds
    ) AccessManaged(accessManager) {
        clauses = clauses_;
        jurisdictions = jurisdictions_;
        _setParameters(epochSeconds, maxJobWindowSeconds);
    }

    /// @inheritdoc IJobRouter
    function requestJob(ClauseId clauseId, bytes3 jurisdiction, bytes32 daoNonce, bytes32 inputCommitment, uint64 deadline)
        external
        returns (JobId)
    {
        _requireClauseOwner(clauseId);
        bytes32 nonce = keccak256(abi.encode(uint8(TriggerType.Dao), msg.sender, daoNonce));
        return _createJob(clauseId, msg.sender, jurisdiction, TriggerType.Dao, nonce, inputCommitment, deadline);
    }

    /// @inheritdoc IJobRouter
    function registerSensorTrigger(
        ClauseId clauseId,
        bytes3 jurisdiction,
        AggregatorV3Interface feed,
        int256 threshold,
        bool above,
        uint32 maxStalenessSeconds,
        uint32 cooldownSeconds,
        uint32 jobWindowSeconds
    ) external returns (uint256 triggerId) {
        _requireClauseOwner(clauseId);
        if (address(feed) == address(0)) revert JobRouterZeroAddress();
        if (maxStalenessSeconds == 0) revert JobRouterInvalidParameter(maxStalenessSeconds);
        _requireWindow(jobWindowSeconds);
        triggerId = _sensorTriggers.length;
        _sensorTriggers.push(
            SensorTrigger({
                clauseId: clauseId,
                dao: msg.sender,
                jurisdiction: jurisdiction,
                feed: feed,
                threshold: threshold,
                above: above,
                active: true,
                maxStalenessSeconds: maxStalenessSeconds,
                cooldownSeconds: cooldownSeconds,
                jobWindowSeconds: jobWindowSeconds,
                lastFiredAt: 0,
                lastRoundId: 0
            })
        );
        emit SensorTriggerSet(triggerId, clauseId, address(feed), threshold, above, true);
    }

    /// @inheritdoc IJobRouter
    function registerSimulationTrigger(ClauseId clauseId, bytes3 jurisdiction, address simulator, uint32 jobWindowSeconds)
        external
        returns (uint256 triggerId)
    {
        _requireClauseOwner(clauseId);
        if (simulator == address(0)) revert JobRouterZeroAddress();
        _requireWindow(jobWindowSeconds);
        triggerId = _simulationTriggers.length;
        _simulationTriggers.push(
            SimulationTrigger({
                clauseId: clauseId,
                dao: msg.sender,
                jurisdiction: jurisdiction,
                simulator: simulator,
                active: true,
                jobWindowSeconds: jobWindowSeconds
            })
        );
        emit SimulationTriggerSet(triggerId, clauseId, simulator, true);
    }

    /// @inheritdoc IJobRouter
    function setSensorTriggerActive(uint256 triggerId, bool active) external {
        if (triggerId >= _sensorTriggers.length) revert JobRouterUnknownTrigger(triggerId);
        SensorTrigger storage t = _sensorTriggers[triggerId];
        if (msg.sender != t.dao) revert JobRouterNotClauseOwner(t.clauseId, msg.sender);
        t.active = active;
        emit SensorTriggerSet(triggerId, t.clauseId, address(t.feed), t.threshold, t.above, active);
    }

    /// @inheritdoc IJobRouter
    function setSimulationTriggerActive(uint256 triggerId, bool active) external {
        if (triggerId >= _simulationTriggers.length) revert JobRouterUnknownTrigger(triggerId);
        SimulationTrigger storage t = _simulationTriggers[triggerId];
        if (msg.sender != t.dao) revert JobRouterNotClauseOwner(t.clauseId, msg.sender);
        t.active = active;
        emit SimulationTriggerSet(triggerId, t.clauseId, t.simulator, active);
    }

    /// @inheritdoc IJobRouter
    function postSimulationResult(uint256 triggerId, bytes32 resultCommitment) external returns (JobId jobId) {
        if (triggerId >= _simulationTriggers.length || !_simulationTriggers[triggerId].active) {
            revert JobRouterUnknownTrigger(triggerId);
        }
        SimulationTrigger storage t = _simulationTriggers[triggerId];
        if (msg.sender != t.simulator) revert JobRouterNotSimulator(triggerId, msg.sender);
        bytes32 nonce = keccak256(abi.encode(uint8(TriggerType.Simulation), msg.sender, resultCommitment));
        uint64 deadline = uint64(block.timestamp) + t.jobWindowSeconds;
        jobId = _createJob(t.clauseId, t.dao, t.jurisdiction, TriggerType.Simulation, nonce, resultCommitment, deadline);
        emit SimulationResultPosted(triggerId, jobId, msg.sender, resultCommitment);
    }

    /// @inheritdoc IJobRouter
    function fireSensorTrigger(uint256 triggerId) public returns (JobId jobId) {
        if (triggerId >= _sensorTriggers.length) revert JobRouterUnknownTrigger(triggerId);
        SensorTrigger storage t = _sensorTriggers[triggerId];
        (uint8 reason, uint80 roundId, int256 answer, uint256 updatedAt) = _sensorCondition(t);
        if (reason != FIRES) revert JobRouterSensorConditionNotMet(triggerId, reason);
        t.lastFiredAt = uint64(block.timestamp);
        t.lastRoundId = roundId;

        address feed = address(t.feed);
        bytes32 nonce = keccak256(abi.encode(uint8(TriggerType.Sensor), feed, roundId));
        bytes32 commitment = keccak256(abi.encode(feed, roundId, answer, updatedAt));
        uint64 deadline = uint64(block.timestamp) + t.jobWindowSeconds;
        jobId = _createJob(t.clauseId, t.dao, t.jurisdiction, TriggerType.Sensor, nonce, commitment, deadline);
        emit SensorTriggerFired(triggerId, jobId, feed, roundId, answer, updatedAt);
    }

    /// @notice Chainlink Automation: `checkData` is abi.encode(uint256 triggerId).
    function checkUpkeep(bytes calldata checkData)
        external
        view
        returns (bool upkeepNeeded, bytes memory performData)
    {
        uint256 triggerId = abi.decode(checkData, (uint256));
        upkeepNeeded = triggerId < _sensorTriggers.length && sensorConditionReason(triggerId) == FIRES;
        performData = checkData;
    }

    /// @notice Chainlink Automation: fires the trigger named in `performData` after re-checking it.
    function performUpkeep(bytes calldata performData) external {
        fireSensorTrigger(abi.decode(performData, (uint256)));
    }

    /// @inheritdoc IJobRouter
    function expire(JobId jobId) external {
        Job storage job = _jobs[JobId.unwrap(jobId)];
        if (job.status == JobStatus.None) revert JobRouterUnknownJob(jobId);
        if (job.status != JobStatus.Requested || block.timestamp <= job.deadline) {
            revert JobRouterNotExpirable(jobId, job.status, job.deadline);
        }
        job.status = JobStatus.Expired;
        emit JobExpired(jobId, job.tenantId, msg.sender);
        _refund(jobId, job);
    }

    /// @inheritdoc IJobRouter
    function reportFailure(JobId jobId, bytes32 reasonCode, bool suspend) external restricted {
        Job storage job = _jobs[JobId.unwrap(jobId)];
        if (job.status == JobStatus.None) revert JobRouterUnknownJob(jobId);
        if (job.status != JobStatus.Requested) revert JobRouterNotFailable(jobId, job.status);
        job.status = JobStatus.Failed;
        emit JobFailed(jobId, job.tenantId, reasonCode);
        _refund(jobId, job);
        if (suspend) {
            _suspended[TenantId.unwrap(job.tenantId)][ClauseId.unwrap(job.clauseId)] = true;
            emit WorkloadSuspended(job.tenantId, job.clauseId, jobId);
        }
    }

    /// @inheritdoc IJobRouter
    function reauthoriseWorkload(ClauseId clauseId, bytes3 jurisdiction) external {
        _requireClauseOwner(clauseId);
        // The tenant is derived from the caller, so a DAO can only ever re-authorise its own workload.
        bytes32 tenantId = ExecutionHashing.tenantId(msg.sender, jurisdiction);
        delete _suspended[tenantId][ClauseId.unwrap(clauseId)];
        emit WorkloadReauthorised(TenantId.wrap(tenantId), clauseId, msg.sender);
    }

    /// @inheritdoc IJobRouter
    function isWorkloadSuspended(TenantId tenantId, ClauseId clauseId) external view returns (bool) {
        return _suspended[TenantId.unwrap(tenantId)][ClauseId.unwrap(clauseId)];
    }

    /// @inheritdoc IJobRouter
    function setTenantQuota(TenantId tenantId, uint32 jobsPerEpoch) external restricted {
        _usage[TenantId.unwrap(tenantId)].quota = jobsPerEpoch;
        emit TenantQuotaSet(tenantId, jobsPerEpoch);
    }

    /// @notice Network governance: the quota epoch length and the longest job window.
    function setParameters(uint64 epochSeconds, uint64 maxJobWindowSeconds) external restricted {
        _setParameters(epochSeconds, maxJobWindowSeconds);
    }

    /// @inheritdoc IJobRouter
    function getJob(JobId jobId) external view returns (Job memory) {
        return _jobs[JobId.unwrap(jobId)];
    }

    /// @inheritdoc IJobRouter
    function sensorTrigger(uint256 triggerId) external view returns (SensorTrigger memory) {
        if (triggerId >= _sensorTriggers.length) revert JobRouterUnknownTrigger(triggerId);
        return _sensorTriggers[triggerId];
    }

    /// @inheritdoc IJobRouter
    function simulationTrigger(uint256 triggerId) external view returns (SimulationTrigger memory) {
        if (triggerId >= _simulationTriggers.length) revert JobRouterUnknownTrigger(triggerId);
        return _simulationTriggers[triggerId];
    }

    /// @inheritdoc IJobRouter
    function sensorConditionReason(uint256 triggerId) public view returns (uint8 reason) {
        if (triggerId >= _sensorTriggers.length) revert JobRouterUnknownTrigger(triggerId);
        (reason,,,) = _sensorCondition(_sensorTriggers[triggerId]);
    }

    /// @inheritdoc IJobRouter
    function tenantUsage(TenantId tenantId) external view returns (uint32 quota, uint32 used, uint64 epoch) {
        TenantUsage storage u = _usage[TenantId.unwrap(tenantId)];
        epoch = _currentEpoch();
        return (u.quota, u.epoch == epoch ? u.used : 0, epoch);
    }

    /// @notice Number of sensor and simulation triggers registered so far.
    function triggerCounts() external view returns (uint256 sensors, uint256 simulations) {
        return (_sensorTriggers.length, _simulationTriggers.length);
    }

    /// @notice Quota epoch length and the longest job window, in seconds.
    function parameters() external view returns (uint64 epochSeconds, uint64 maxJobWindowSeconds) {
        return (_epochSeconds, _maxJobWindowSeconds);
    }

    function _createJob(
        ClauseId clauseId,
        address dao,
        bytes3 jurisdiction,
        TriggerType triggerType,
        bytes32 triggerNonce,
        bytes32 inputCommitment,
        uint64 deadline
    ) private returns (JobId) {
        uint64 nowSeconds = uint64(block.timestamp);
        if (!clauses.isExecutable(clauseId, jurisdiction, nowSeconds)) {
            revert JobRouterClauseNotExecutable(clauseId, jurisdiction);
        }
        if (!jurisdictions.isTenant(dao, jurisdiction)) revert JobRouterNotTenant(dao, jurisdiction);
        if (deadline <= nowSeconds || deadline - nowSeconds > _maxJobWindowSeconds) {
            revert JobRouterInvalidDeadline(deadline, nowSeconds, _maxJobWindowSeconds);
        }
        bytes32 jobId = ExecutionHashing.jobId(address(this), ClauseId.unwrap(clauseId), triggerNonce);
        if (_jobs[jobId].status != JobStatus.None) revert JobRouterExecutionIdUsed(JobId.wrap(jobId));

        bytes32 tenantId = ExecutionHashing.tenantId(dao, jurisdiction);
        if (_suspended[tenantId][ClauseId.unwrap(clauseId)]) revert JobRouterWorkloadSuspended(TenantId.wrap(tenantId), clauseId);
        uint64 epoch = _consumeQuota(tenantId);
        _jobs[jobId] = Job({
            clauseId: clauseId,
            tenantId: TenantId.wrap(tenantId),
            deadline: deadline,
            epoch: epoch,
            status: JobStatus.Requested,
            triggerType: triggerType
        });
        uint48 version = clauses.getClause(clauseId).version;
        emit JobRequested(
            JobId.wrap(jobId),
            clauseId,
            TenantId.wrap(tenantId),
            version,
            triggerType,
            inputCommitment,
            deadline,
            dao,
            jurisdiction,
            triggerNonce
        );
        return JobId.wrap(jobId);
    }

    function _consumeQuota(bytes32 tenantId) private returns (uint64 epoch) {
        TenantUsage storage u = _usage[tenantId];
        epoch = _currentEpoch();
        uint32 used = u.epoch == epoch ? u.used : 0;
        if (used >= u.quota) revert JobRouterQuotaExceeded(TenantId.wrap(tenantId), epoch, u.quota);
        u.used = used + 1;
        u.epoch = epoch;
    }

    /// @dev A token comes back only in the epoch it was taken from: a later epoch has a fresh budget already, and
    /// refunding into it would let expired jobs of past epochs mint budget.
    function _refund(JobId jobId, Job storage job) private {
        TenantUsage storage u = _usage[TenantId.unwrap(job.tenantId)];
        if (u.epoch != job.epoch || job.epoch != _currentEpoch() || u.used == 0) return;
        // unchecked: used > 0 was checked just above.
        unchecked {
            u.used -= 1;
        }
        emit BandwidthRefunded(job.tenantId, jobId, job.epoch);
    }

    function _sensorCondition(SensorTrigger storage t)
        private
        view
        returns (uint8 reason, uint80 roundId, int256 answer, uint256 updatedAt)
    {
        if (!t.active) return (INACTIVE, 0, 0, 0);
        (roundId, answer,, updatedAt,) = t.feed.latestRoundData();
        // A round without a timestamp, from the future, or older than the allowed staleness never fires.
        if (updatedAt == 0 || updatedAt > block.timestamp || block.timestamp - updatedAt > t.maxStalenessSeconds) {
            return (STALE, roundId, answer, updatedAt);
        }
        bool crossed = t.above ? answer >= t.threshold : answer <= t.threshold;
        if (!crossed) return (NOT_CROSSED, roundId, answer, updatedAt);
        if (roundId <= t.lastRoundId) return (ROUND_USED, roundId, answer, updatedAt);
        if (t.lastFiredAt != 0 && block.timestamp < uint256(t.lastFiredAt) + t.cooldownSeconds) {
            return (COOLING_DOWN, roundId, answer, updatedAt);
        }
        if (!clauses.isExecutable(t.clauseId, t.jurisdiction, uint64(block.timestamp))) {
            return (NOT_EXECUTABLE, roundId, answer, updatedAt);
        }
        // What _createJob would refuse: an upkeep must never be reported needed when perform would revert.
        if (!jurisdictions.isTenant(t.dao, t.jurisdiction)) return (NOT_TENANT, roundId, answer, updatedAt);
        bytes32 tenantId = ExecutionHashing.tenantId(t.dao, t.jurisdiction);
        if (_suspended[tenantId][ClauseId.unwrap(t.clauseId)]) return (SUSPENDED, roundId, answer, updatedAt);
        TenantUsage storage u = _usage[tenantId];
        if ((u.epoch == _currentEpoch() ? u.used : 0) >= u.quota) return (QUOTA_USED, roundId, answer, updatedAt);
        if (t.jobWindowSeconds > _maxJobWindowSeconds) return (WINDOW_TOO_LONG, roundId, answer, updatedAt);
        return (FIRES, roundId, answer, updatedAt);
    }

    function _requireClauseOwner(ClauseId clauseId) private view {
        if (clauses.getClause(clauseId).owner != msg.sender) revert JobRouterNotClauseOwner(clauseId, msg.sender);
    }

    function _requireWindow(uint64 windowSeconds) private view {
        if (windowSeconds == 0 || windowSeconds > _maxJobWindowSeconds) revert JobRouterInvalidParameter(windowSeconds);
    }

    function _setParameters(uint64 epochSeconds, uint64 maxJobWindowSeconds) private {
        if (epochSeconds == 0) revert JobRouterInvalidParameter(epochSeconds);
        if (maxJobWindowSeconds == 0) revert JobRouterInvalidParameter(maxJobWindowSeconds);
        _epochSeconds = epochSeconds;
        _maxJobWindowSeconds = maxJobWindowSeconds;
        emit RouterParametersSet(epochSeconds, maxJobWindowSeconds);
    }

    function _currentEpoch() private view returns (uint64) {
        return uint64(block.timestamp / _epochSeconds);
    }
}
