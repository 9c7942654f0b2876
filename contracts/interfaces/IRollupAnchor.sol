// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ClauseId, TenantId} from "../types/Ids.sol";
import {ExecutionHashing} from "../libraries/ExecutionHashing.sol";
import {QuorumVerifier} from "../libraries/QuorumVerifier.sol";

/// @title IRollupAnchor
/// @notice Merkle-rooted batches of agreed results, co-signed by the aggregator quorum; and the
/// checks consumers run before acting on a result (docs/FORMATS.md §7–§9).
interface IRollupAnchor {
    /// @notice The part of a batch header that travels in calldata. The rest of the signed header is
    /// derived on-chain: firstSeq (previous lastSeq + 1), count, prevCommitment and configDigest.
    struct BatchHeader {
        uint64 batchSeq;
        uint64 lastSeq;
        bytes32 root;
        bytes32 bundleHash;
    }

    /// @notice What a consumer names to locate a batch: its stored commitment binds (root, lastSeq).
    struct BatchRef {
        uint64 batchSeq;
        bytes32 root;
        uint64 lastSeq;
    }

    /// @notice What a consumer requires of the executors: at least `minExecutors` distinct enclave keys,
    /// all in `jurisdiction` unless it is zero.
    struct ExecutionRequirement {
        uint8 minExecutors;
        bytes3 jurisdiction;
    }

    /// @notice A zero Merkle root is never accepted.
    error RollupAnchorZeroRoot();
    /// @notice The batch would be empty: lastSeq is below firstSeq (the previous batch's lastSeq + 1).
    error RollupAnchorInvalidRange(uint64 firstSeq, uint64 lastSeq);
    /// @notice The batch sequence is already anchored (retries are idempotent: nothing changes).
    error RollupAnchorBatchAlreadyAnchored(uint64 batchSeq);
    /// @notice Batch `batchSeq - 1` is not anchored yet: batches are anchored in order, without gaps.
    error RollupAnchorPreviousBatchMissing(uint64 batchSeq);
    /// @notice No batch matches this (batchSeq, root, lastSeq).
    error RollupAnchorUnknownBatch(uint64 batchSeq);
    /// @notice The Merkle proof does not lead from the leaf to the batch root.
    error RollupAnchorInvalidProof();
    /// @notice The executors' CAC digests do not hash to the leaf's cacSetHash.
    error RollupAnchorCacSetMismatch(bytes32 expected, bytes32 computed);
    /// @notice Fewer executors than the consumer requires.
    error RollupAnchorTooFewExecutors(uint256 required, uint256 given);
    /// @notice More executor proofs than any quorum can have (QuorumVerifier.MAX_SIGNERS).
    error RollupAnchorTooManyExecutors(uint256 given);
    /// @notice Executor signers must be strictly ascending (one signature per key).
    error RollupAnchorExecutorOrder(uint256 index, address signer);
    /// @notice Results are not actionable while the network is in safe mode.
    error RollupAnchorSafeMode();
    /// @notice Results for this clause or tenant are not actionable while it is frozen.
    error RollupAnchorFrozen(bytes32 key);

    /// @notice A batch was anchored (docs/FORMATS.md §8). Its first result sequence is the previous
    /// batch's `lastSeq + 1` and its config digest the one set by the latest ConfigSet; both are also in
    /// the signed header the transaction carries.
    event BatchAnchored(
        uint64 indexed batchSeq,
        bytes32 indexed root,
        uint64 lastSeq,
        bytes32 bundleHash,
        bytes32 arweaveTxId,
        uint256 signerBitmap
    );
    /// @notice The aggregator quorum changed; signatures under earlier digests stop counting.
    event ConfigSet(bytes32 indexed configDigest, uint64 configVersion, uint8 threshold, address[] signers);
    /// @notice Results of a clause became non-actionable (or actionable again).
    event ClauseFreezeSet(ClauseId indexed clauseId, bool frozen, bytes32 reason);
    /// @notice Results of a tenant became non-actionable (or actionable again).
    event TenantFreezeSet(TenantId indexed tenantId, bool frozen, bytes32 reason);
    /// @notice The network entered or left safe mode.
    event SafeModeSet(bool enabled, bytes32 reason);

    /// @notice Anchors one batch. Permissionless: the aggregator quorum's signatures are the authority.
    function anchor(BatchHeader calldata header, bytes32 arweaveTxId, QuorumVerifier.Proof calldata quorum) external;

    /// @notice Governance: replace the aggregator quorum.
    function setConfig(address[] calldata signers, uint8 threshold) external;

    /// @notice Governance or dispute resolver: freeze or unfreeze a clause's results.
    function setClauseFrozen(ClauseId clauseId, bool frozen, bytes32 reason) external;

    /// @notice Governance or dispute resolver: freeze or unfreeze a tenant's results.
    function setTenantFrozen(TenantId tenantId, bool frozen, bytes32 reason) external;

    /// @notice Governance (or guardian, to enable): stop every result from being actionable.
    function setSafeMode(bool enabled, bytes32 reason) external;

    /// @notice True when `leaf` is in the anchored batch `batch`.
    function verifyInclusion(
        BatchRef calldata batch,
        ExecutionHashing.ExecutionLeaf calldata leaf,
        bytes32[] calldata proof
    ) external view returns (bool);

    /// @notice Reverts (with the failing check's error) unless `leaf` is anchored and at least
    /// `requirement.minExecutors` active, attested executors signed its CAC. A statement about what
    /// happened: it holds for a frozen clause too. Before acting on a result, also `requireActionable`.
    function verifyExecution(
        BatchRef calldata batch,
        ExecutionHashing.ExecutionLeaf calldata leaf,
        bytes32[] calldata proof,
        ExecutionHashing.CacContext calldata ctx,
        ExecutionHashing.ExecutorProof[] calldata executors,
        ExecutionRequirement calldata requirement
    ) external view;

    /// @notice Reverts with RollupAnchorSafeMode or RollupAnchorFrozen unless results of this clause and
    /// tenant may be acted on now (governance policy, separate from the proof itself).
    function requireActionable(ClauseId clauseId, TenantId tenantId) external view;

    /// @notice The stored commitment of a batch, `lastSeq << 192 | uint192(H(root, lastSeq) >> 64)` (zero if not anchored).
    function batchCommitment(uint64 batchSeq) external view returns (bytes32);

    /// @return configDigest The aggregator config digest batches must be signed under.
    /// @return configVersion Its version.
    /// @return threshold Its k.
    /// @return signers Its co-signers, ascending.
    function config()
        external
        view
        returns (bytes32 configDigest, uint64 configVersion, uint8 threshold, address[] memory signers);

    /// @notice The EIP-712 digest of a CAC, for off-chain tools and the dispute resolver.
    function cacDigest(
        ExecutionHashing.ExecutionLeaf calldata leaf,
        ExecutionHashing.CacContext calldata ctx,
        ExecutionHashing.ExecutorProof calldata executor
    ) external view returns (bytes32);

    /// @notice The EIP-712 digest the aggregator quorum signs for `header` under the current config,
    /// given the chain as it is now (the previous batch must be anchored).
    function batchHeaderDigest(BatchHeader calldata header) external view returns (bytes32);

    function isClauseFrozen(ClauseId clauseId) external view returns (bool);

    function isTenantFrozen(TenantId tenantId) external view returns (bool);

    function safeMode() external view returns (bool);
}
