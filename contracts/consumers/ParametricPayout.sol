// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IClauseRegistry} from "../interfaces/IClauseRegistry.sol";
import {IRollupAnchor} from "../interfaces/IRollupAnchor.sol";
import {ExecutionHashing} from "../libraries/ExecutionHashing.sol";
import {ClauseId, JobId, TenantId} from "../types/Ids.sol";
import {ExecutionModel} from "../types/Enums.sol";

/// @title ParametricPayout
/// @notice Example consumer: pays a fixed beneficiary, in an ERC-20 (e.g. a stablecoin the DAO funds it
/// with), the amount a clause computed — only for a result
/// that is anchored, co-signed by the clause's executor quorum of attested enclaves, and actionable —
/// and at most once per execution id.
/// @dev The clause version is immutable, so its code hash, config digest and quorum are read once here.
contract ParametricPayout is ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice The clause output status that releases a payout (docs/FORMATS.md §5).
    uint16 public constant STATUS_TRIGGERED = 1;

    IRollupAnchor public immutable anchor;
    IERC20 public immutable token;
    ClauseId public immutable clauseId;
    TenantId public immutable tenantId;
    bytes3 public immutable jurisdiction;
    address public immutable beneficiary;
    bytes32 public immutable action;
    uint256 public immutable maxPayout;
    uint48 public immutable clauseVersion;
    bytes32 public immutable codeHash;
    bytes32 public immutable configDigest;
    uint8 public immutable minExecutors;
    bool public immutable requireInCountry;

    /// @dev Internal so a sibling path (ZkParametricPayout's proof path) shares the pay-once record.
    mapping(bytes32 jobId => bool) internal _paid;

    /// @notice The result is for another clause or tenant.
    error ParametricPayoutWrongSubject(bytes32 clauseId, bytes32 tenantId);
    /// @notice The output bytes do not hash to the leaf's output hash.
    error ParametricPayoutOutputMismatch(bytes32 expected, bytes32 computed);
    /// @notice The clause did not decide to pay (status or action differ).
    error ParametricPayoutNotTriggered(uint16 status, bytes32 action);
    /// @notice The amount is zero or above the cap.
    error ParametricPayoutInvalidAmount(uint256 amount, uint256 maxPayout);
    /// @notice This execution was already paid.
    error ParametricPayoutAlreadyPaid(JobId jobId);
    /// @notice The beneficiary is the zero address.
    error ParametricPayoutZeroBeneficiary();

    /// @notice A proven execution was paid.
    event PayoutReleased(JobId indexed jobId, address indexed beneficiary, uint256 amount, uint64 batchSeq);

    /// @param requireInCountry_ Accept only executors located in the tenant's jurisdiction.
    constructor(
        IRollupAnchor anchor_,
        IERC20 token_,
        IClauseRegistry clauses,
        ClauseId clauseId_,
        address dao,
        bytes3 jurisdiction_,
        address beneficiary_,
        bytes32 action_,
        uint256 maxPayout_,
        bool requireInCountry_
    ) {
        if (beneficiary_ == address(0)) revert ParametricPayoutZeroBeneficiary();
        IClauseRegistry.ClauseVersion memory clause = clauses.getClause(clauseId_);
        anchor = anchor_;
        token = token_;
        clauseId = clauseId_;
        tenantId = TenantId.wrap(ExecutionHashing.tenantId(dao, jurisdiction_));
        jurisdiction = jurisdiction_;
        beneficiary = beneficiary_;
        action = action_;
        maxPayout = maxPayout_;
        clauseVersion = clause.version;
        codeHash = clause.codeHash;
        configDigest = clause.configDigest;
        // A single-executor clause needs one signature; a quorum clause its k.
        minExecutors = clause.model == ExecutionModel.Single ? 1 : clause.quorumK;
        requireInCountry = requireInCountry_;
    }

    /// @notice Pays the beneficiary for a proven execution. Permissionless: the proof is the authority.
    /// @param output The clause output, abi.encode(uint16 status, bytes32 action, uint256[] amounts).
    function claim(
        IRollupAnchor.BatchRef calldata batch,
        ExecutionHashing.ExecutionLeaf calldata leaf,
        bytes32[] calldata proof,
        ExecutionHashing.ExecutorProof[] calldata executors,
        bytes calldata output
    ) external nonReentrant returns (uint256 amount) {
        if (leaf.clauseId != ClauseId.unwrap(clauseId) || leaf.tenantId != TenantId.unwrap(tenantId)) {
            revert ParametricPayoutWrongSubject(leaf.clauseId, leaf.tenantId);
        }
        if (_paid[leaf.jobId]) revert ParametricPayoutAlreadyPaid(JobId.wrap(leaf.jobId));
        bytes32 computed = keccak256(output);
        if (computed != leaf.outputHash) revert ParametricPayoutOutputMismatch(leaf.outputHash, computed);
        (uint16 status, bytes32 outputAction, uint256[] memory amounts) = abi.decode(output, (uint16, bytes32, uint256[]));
        if (status != STATUS_TRIGGERED || outputAction != action) revert ParametricPayoutNotTriggered(status, outputAction);
        amount = amounts.length == 0 ? 0 : amounts[0];
        if (amount == 0 || amount > maxPayout) revert ParametricPayoutInvalidAmount(amount, maxPayout);

        anchor.requireActionable(clauseId, tenantId);
        anchor.verifyExecution(
            batch,
            leaf,
            proof,
            ExecutionHashing.CacContext({clauseVersion: clauseVersion, codeHash: codeHash, configDigest: configDigest}),
            executors,
            IRollupAnchor.ExecutionRequirement({
                minExecutors: minExecutors,
                jurisdiction: requireInCountry ? jurisdiction : bytes3(0)
            })
        );

        _paid[leaf.jobId] = true;
        emit PayoutReleased(JobId.wrap(leaf.jobId), beneficiary, amount, batch.batchSeq);
        token.safeTransfer(beneficiary, amount);
    }

    /// @notice True once the execution has been paid.
    function isPaid(JobId jobId) external view returns (bool) {
        return _paid[JobId.unwrap(jobId)];
    }
}
