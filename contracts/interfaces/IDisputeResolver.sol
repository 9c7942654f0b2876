// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ClauseId, JobId, TenantId} from "../types/Ids.sol";
import {ExecutionHashing} from "../libraries/ExecutionHashing.sol";

/// @title IDisputeResolver
/// @notice Disputes opened on evidence (two enclave-signed CACs for one job with different outputs)
/// and resolutions that need BOTH the clause owner's timelock and the tenant jurisdiction's authority:
/// unfreezing a disputed clause, or a sovereign override of a job's output.
interface IDisputeResolver {
    enum ResolutionKind {
        Unfreeze,
        Override
    }

    enum DisputeStatus {
        None,
        Open,
        Resolved
    }

    /// @notice Two CACs for the same job and inputs that disagree on the output.
    /// @param leafA jobId, clauseId, tenantId, inputHash and outputHash of the first CAC (resultSeq, cacSetHash unused).
    struct DisagreementEvidence {
        ExecutionHashing.ExecutionLeaf leafA;
        bytes32 outputHashB;
        ExecutionHashing.CacContext ctx;
        ExecutionHashing.ExecutorProof executorA;
        ExecutionHashing.ExecutorProof executorB;
        address dao;
        bytes3 jurisdiction;
    }

    /// @notice What both parties approve; it executes when the second approval arrives.
    struct Resolution {
        ResolutionKind kind;
        JobId jobId;
        ClauseId clauseId;
        address dao;
        bytes3 jurisdiction;
        bytes32 outputHash;
    }

    struct Dispute {
        ClauseId clauseId;
        TenantId tenantId;
        uint64 openedAt;
        DisputeStatus status;
        address signerA;
        address signerB;
    }

    /// @notice The two CACs agree on the output: nothing to dispute.
    error DisputeResolverNoDisagreement(bytes32 outputHash);
    /// @notice A CAC signature does not recover to a registered enclave key.
    error DisputeResolverUnknownSigner(address signer);
    /// @notice The signer is registered but its CAC would not count: not active, or not attested at the CAC's timestamp.
    error DisputeResolverSignerNotActive(address signer, uint64 timestamp);
    /// @notice The evidence's clause version, code hash or config digest is not the registered one.
    error DisputeResolverContextMismatch(ClauseId clauseId);
    /// @notice The tenant does not match (dao, jurisdiction), or that pair is not the clause's owner in one of
    /// the clause's jurisdictions (the only tenants a job of the clause can have).
    error DisputeResolverTenantMismatch(TenantId tenantId, address dao, bytes3 jurisdiction);
    /// @notice A dispute is already open for this job.
    error DisputeResolverAlreadyOpen(JobId jobId);
    /// @notice This job's dispute was resolved by both parties; its (public) evidence cannot reopen it.
    error DisputeResolverAlreadyResolved(JobId jobId);
    /// @notice No open dispute for this job.
    error DisputeResolverNoOpenDispute(JobId jobId);
    /// @notice The caller is neither the clause owner's timelock nor the jurisdiction's authority.
    error DisputeResolverNotParty(address caller);
    /// @notice The resolution names a different clause, DAO or jurisdiction than the dispute or clause
    /// (the jurisdiction must be one the clause lists).
    error DisputeResolverMismatch(bytes32 resolutionId);
    /// @notice Overrides apply to sovereign-override clauses, or to a job under dispute.
    error DisputeResolverOverrideNotAllowed(JobId jobId);
    /// @notice This resolution already executed.
    error DisputeResolverAlreadyExecuted(bytes32 resolutionId);
    /// @notice The job already has an override.
    error DisputeResolverAlreadyOverridden(JobId jobId);
    /// @notice An override must name a non-zero output hash (zero reads as "no override").
    error DisputeResolverZeroOutputHash(JobId jobId);

    /// @notice A dispute was opened; the clause's results are frozen.
    event DisputeOpened(
        JobId indexed jobId,
        ClauseId indexed clauseId,
        TenantId indexed tenantId,
        address signerA,
        address signerB,
        bytes32 outputHashA,
        bytes32 outputHashB
    );
    /// @notice One enclave key signed two different outputs for one job.
    event EquivocationProven(address indexed enclaveKey, JobId indexed jobId, bytes32 outputHashA, bytes32 outputHashB);
    /// @notice One party approved a resolution.
    event ResolutionApproved(bytes32 indexed resolutionId, JobId indexed jobId, address indexed by, bool byDao);
    /// @notice Both parties approved; the resolution took effect.
    event ResolutionExecuted(bytes32 indexed resolutionId, JobId indexed jobId, ResolutionKind kind);
    /// @notice The job's output is set by the DAO and the jurisdiction authority together.
    event SovereignOverrideExecuted(JobId indexed jobId, ClauseId indexed clauseId, bytes32 outputHash);

    /// @notice Permissionless: open a dispute from two conflicting enclave-signed CACs.
    function openDispute(DisagreementEvidence calldata evidence) external;

    /// @notice Caller: the clause owner's timelock or the jurisdiction's authority.
    function approve(Resolution calldata resolution) external returns (bytes32 resolutionId);

    function getDispute(JobId jobId) external view returns (Dispute memory);

    /// @notice The sovereign override output hash for a job (zero if none).
    function overrideOf(JobId jobId) external view returns (bytes32);

    function resolutionId(Resolution calldata resolution) external pure returns (bytes32);
}
