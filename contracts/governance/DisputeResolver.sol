// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IClauseRegistry} from "../interfaces/IClauseRegistry.sol";
import {IDisputeResolver} from "../interfaces/IDisputeResolver.sol";
import {IJurisdictionRegistry} from "../interfaces/IJurisdictionRegistry.sol";
import {INodeRegistry} from "../interfaces/INodeRegistry.sol";
import {IRollupAnchor} from "../interfaces/IRollupAnchor.sol";
import {ExecutionHashing} from "../libraries/ExecutionHashing.sol";
import {QuorumVerifier} from "../libraries/QuorumVerifier.sol";
import {ClauseId, JobId, TenantId} from "../types/Ids.sol";
import {ClauseStatus, ExecutionModel, NodeStatus} from "../types/Enums.sol";

/// @title DisputeResolver
/// @notice Freezes a clause on evidence of disagreement and lets the owning DAO and the jurisdiction
/// authority — together, never one alone — unfreeze it or override a job's output.
/// @dev Needs the access manager's dispute role on RollupAnchor.setClauseFrozen and ClauseRegistry.setClauseFrozen.
contract DisputeResolver is IDisputeResolver {
    IClauseRegistry public immutable clauses;
    IJurisdictionRegistry public immutable jurisdictions;
    INodeRegistry public immutable nodes;
    IRollupAnchor public immutable anchor;

    mapping(bytes32 jobId => Dispute) private _disputes;
    mapping(bytes32 jobId => bytes32 outputHash) private _overrides;
    mapping(bytes32 resolutionId => uint8 approvals) private _approvals;
    mapping(bytes32 clauseId => uint256 count) private _openDisputes;

    uint8 private constant DAO_APPROVED = 1;
    uint8 private constant AUTHORITY_APPROVED = 2;
    uint8 private constant EXECUTED = 4;

    constructor(IClauseRegistry clauses_, IJurisdictionRegistry jurisdictions_, INodeRegistry nodes_, IRollupAnchor anchor_) {
        clauses = clauses_;
        jurisdictions = jurisdictions_;
        nodes = nodes_;
        anchor = anchor_;
    }

    /// @inheritdoc IDisputeResolver
    function openDispute(DisagreementEvidence calldata e) external {
        ExecutionHashing.ExecutionLeaf calldata a = e.leafA;
        if (a.outputHash == e.outputHashB) revert DisputeResolverNoDisagreement(a.outputHash);
        IClauseRegistry.ClauseVersion memory clause = clauses.getClause(ClauseId.wrap(a.clauseId));
        // Every real job's tenant is the clause owner in one of the clause's jurisdictions (JobRouter). Any other
        // tenant could never be named by a resolution, so its dispute would freeze the clause for good.
        if (
            a.tenantId != ExecutionHashing.tenantId(e.dao, e.jurisdiction) || e.dao != clause.owner
                || !_lists(clause.jurisdictions, e.jurisdiction)
        ) revert DisputeResolverTenantMismatch(TenantId.wrap(a.tenantId), e.dao, e.jurisdiction);
        Dispute storage d = _disputes[a.jobId];
        if (d.status == DisputeStatus.Open) revert DisputeResolverAlreadyOpen(JobId.wrap(a.jobId));
        // Both parties settled this job; its evidence is public, so replaying it must not re-freeze the clause.
        if (d.status == DisputeStatus.Resolved) revert DisputeResolverAlreadyResolved(JobId.wrap(a.jobId));

        // The CACs must be for the registered version: evidence about code or a config that never ran here is noise.
        if (
            e.ctx.clauseVersion != clause.version || e.ctx.codeHash != clause.codeHash
                || e.ctx.configDigest != clause.configDigest
        ) revert DisputeResolverContextMismatch(ClauseId.wrap(a.clauseId));

        ExecutionHashing.ExecutionLeaf memory b = a;
        b.outputHash = e.outputHashB;
        address signerA = _registeredSigner(anchor.cacDigest(a, e.ctx, e.executorA), e.executorA, 0);
        address signerB = _registeredSigner(anchor.cacDigest(b, e.ctx, e.executorB), e.executorB, 1);

        ClauseId clauseId = ClauseId.wrap(a.clauseId);
        d.clauseId = clauseId;
        d.tenantId = TenantId.wrap(a.tenantId);
        d.openedAt = uint64(block.timestamp);
        d.status = DisputeStatus.Open;
        d.signerA = signerA;
        d.signerB = signerB;
        ++_openDisputes[a.clauseId];

        anchor.setClauseFrozen(clauseId, true, "dispute");
        if (clause.status == ClauseStatus.Active || clause.status == ClauseStatus.Paused) clauses.setClauseFrozen(clauseId, true);

        emit DisputeOpened(JobId.wrap(a.jobId), clauseId, d.tenantId, signerA, signerB, a.outputHash, e.outputHashB);
        if (signerA == signerB) emit EquivocationProven(signerA, JobId.wrap(a.jobId), a.outputHash, e.outputHashB);
    }

    /// @inheritdoc IDisputeResolver
    function approve(Resolution calldata r) external returns (bytes32 id) {
        id = resolutionId(r);
        uint8 approvals = _approvals[id];
        if (approvals & EXECUTED != 0) revert DisputeResolverAlreadyExecuted(id);

        IClauseRegistry.ClauseVersion memory clause = clauses.getClause(r.clauseId);
        _requireConsistent(r, clause, id);

        bool byDao = msg.sender == clause.owner;
        if (byDao) {
            approvals |= DAO_APPROVED;
        } else if (msg.sender == jurisdictions.authorityOf(r.jurisdiction)) {
            approvals |= AUTHORITY_APPROVED;
        } else {
            revert DisputeResolverNotParty(msg.sender);
        }
        emit ResolutionApproved(id, r.jobId, msg.sender, byDao);

        if (approvals & (DAO_APPROVED | AUTHORITY_APPROVED) == (DAO_APPROVED | AUTHORITY_APPROVED)) {
            _approvals[id] = approvals | EXECUTED;
            _execute(r, id);
        } else {
            _approvals[id] = approvals;
        }
    }

    /// @inheritdoc IDisputeResolver
    function getDispute(JobId jobId) external view returns (Dispute memory) {
        return _disputes[JobId.unwrap(jobId)];
    }

    /// @inheritdoc IDisputeResolver
    function overrideOf(JobId jobId) external view returns (bytes32) {
        return _overrides[JobId.unwrap(jobId)];
    }

    /// @inheritdoc IDisputeResolver
    function resolutionId(Resolution calldata r) public pure returns (bytes32) {
        return keccak256(abi.encode(r.kind, r.jobId, r.clauseId, r.dao, r.jurisdiction, r.outputHash));
    }

    function _requireConsistent(Resolution calldata r, IClauseRegistry.ClauseVersion memory clause, bytes32 id)
        private
        view
    {
        // The resolution must name the clause's real owner: the DAO half of "DAO and jurisdiction".
        if (r.dao != clause.owner) revert DisputeResolverMismatch(id);
        // The jurisdiction half must be one the clause serves: a foreign authority never co-approves.
        if (!_lists(clause.jurisdictions, r.jurisdiction)) revert DisputeResolverMismatch(id);
        Dispute storage d = _disputes[JobId.unwrap(r.jobId)];
        bool disputed = d.status == DisputeStatus.Open;
        if (disputed) {
            if (!(d.clauseId == r.clauseId) || !(d.tenantId == TenantId.wrap(ExecutionHashing.tenantId(r.dao, r.jurisdiction)))) {
                revert DisputeResolverMismatch(id);
            }
        }
        if (r.kind == ResolutionKind.Unfreeze) {
            if (!disputed) revert DisputeResolverNoOpenDispute(r.jobId);
        } else {
            if (!disputed && clause.model != ExecutionModel.SovereignOverride) {
                revert DisputeResolverOverrideNotAllowed(r.jobId);
            }
            // Zero is how overrideOf says "none": an override to zero could be followed by another.
            if (r.outputHash == bytes32(0)) revert DisputeResolverZeroOutputHash(r.jobId);
            if (_overrides[JobId.unwrap(r.jobId)] != bytes32(0)) revert DisputeResolverAlreadyOverridden(r.jobId);
        }
    }

    function _execute(Resolution calldata r, bytes32 id) private {
        bytes32 jobId = JobId.unwrap(r.jobId);
        if (r.kind == ResolutionKind.Unfreeze) {
            _disputes[jobId].status = DisputeStatus.Resolved;
            // The clause thaws only when its last open dispute is resolved.
            if (--_openDisputes[ClauseId.unwrap(r.clauseId)] == 0) {
                anchor.setClauseFrozen(r.clauseId, false, "disputes resolved");
                if (clauses.getClause(r.clauseId).status == ClauseStatus.Frozen) clauses.setClauseFrozen(r.clauseId, false);
            }
        } else {
            // An override settles the job's output; the clause stays frozen until an Unfreeze resolution.
            _overrides[jobId] = r.outputHash;
            emit SovereignOverrideExecuted(r.jobId, r.clauseId, r.outputHash);
        }
        emit ResolutionExecuted(id, r.jobId, r.kind);
    }

    function _lists(bytes3[] memory list, bytes3 jurisdiction) private pure returns (bool) {
        for (uint256 i; i < list.length; ++i) {
            if (list[i] == jurisdiction) return true;
        }
        return false;
    }

    function _registeredSigner(bytes32 digest, ExecutionHashing.ExecutorProof calldata executor, uint256 position)
        private
        view
        returns (address signer)
    {
        signer = QuorumVerifier.recover(digest, executor.r, executor.s, executor.v, position);
        if (nodes.getNode(signer).status == NodeStatus.None) revert DisputeResolverUnknownSigner(signer);
        // Only a key whose CAC would count can raise a dispute: a revoked, ejected or expired key could
        // otherwise freeze any clause with fabricated disagreements.
        if (!nodes.isActiveAt(signer, executor.timestamp)) revert DisputeResolverSignerNotActive(signer, executor.timestamp);
    }
}
