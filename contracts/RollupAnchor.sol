// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {IRollupAnchor} from "./interfaces/IRollupAnchor.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {ExecutionHashing} from "./libraries/ExecutionHashing.sol";
import {QuorumVerifier} from "./libraries/QuorumVerifier.sol";
import {ClauseId, TenantId} from "./types/Ids.sol";

/// @title RollupAnchor
/// @notice Anchors Merkle-rooted batches of agreed results under the aggregator quorum's signatures,
/// and lets consumers prove a result before acting on it.
/// @dev Storage holds one word per batch, H(root, lastSeq), chained through `prevRoot` and the result
/// sequence so batches are gapless and never overlap; the rest of the header travels in calldata and
/// the BatchAnchored event. The aggregator config lives here, beside the only code that verifies it,
/// so an anchor reads one local slot instead of calling another contract (docs/adr/0002).
contract RollupAnchor is IRollupAnchor, AccessManaged, EIP712 {
    bytes32 public constant AGGREGATOR_ROLE = keccak256("NSF.AGGREGATOR");

    INodeRegistry public immutable nodeRegistry;

    mapping(uint64 batchSeq => bytes32 commitment) private _commitments;
    bytes32 private _configDigest;
    // One slot: the config's version and threshold, and the halt state verifyExecution reads.
    uint64 private _configVersion;
    uint8 private _threshold;
    bool private _safeMode;
    uint32 private _frozenCount;
    address[] private _signers;
    mapping(bytes32 clauseOrTenant => bool) private _frozen;

    constructor(address accessManager, INodeRegistry nodeRegistry_)
        AccessManaged(accessManager)
        EIP712("NSF RollupAnchor", "1")
    {
        nodeRegistry = nodeRegistry_;
        // Genesis: batch 1 continues from (root 0, lastSeq 0).
        _commitments[0] = ExecutionHashing.batchCommitment(bytes32(0), 0);
    }

    /// @inheritdoc IRollupAnchor
    function anchor(BatchHeader calldata header, bytes32 arweaveTxId, QuorumVerifier.Proof calldata quorum)
        external
    {
        if (header.root == bytes32(0)) revert RollupAnchorZeroRoot();
        if (header.firstSeq == 0 || header.lastSeq < header.firstSeq) {
            revert RollupAnchorInvalidRange(header.firstSeq, header.lastSeq);
        }
        uint64 batchSeq = header.batchSeq;
        // Checked before the signatures so a retried anchor fails fast and cheaply.
        if (_commitments[batchSeq] != bytes32(0)) revert RollupAnchorBatchAlreadyAnchored(batchSeq);
        // batchSeq 0 is genesis and already set above, so batchSeq - 1 cannot underflow here.
        bytes32 expectedPrev = ExecutionHashing.batchCommitment(header.prevRoot, header.firstSeq - 1);
        bytes32 storedPrev = _commitments[batchSeq - 1];
        if (storedPrev != expectedPrev) revert RollupAnchorNotContinuous(batchSeq, expectedPrev, storedPrev);

        bytes32 configDigest = _configDigest;
        bytes32 digest = _hashTypedDataV4(
            ExecutionHashing.batchHeaderStructHash(
                batchSeq,
                header.firstSeq,
                header.lastSeq,
                header.root,
                header.prevRoot,
                header.bundleHash,
                configDigest
            )
        );
        QuorumVerifier.verify(digest, AGGREGATOR_ROLE, configDigest, quorum);

        _commitments[batchSeq] = ExecutionHashing.batchCommitment(header.root, header.lastSeq);
        emit BatchAnchored(
            batchSeq,
            header.root,
            header.firstSeq,
            header.lastSeq,
            header.bundleHash,
            arweaveTxId,
            configDigest,
            quorum.signerBitmap
        );
    }

    /// @inheritdoc IRollupAnchor
    function setConfig(address[] calldata signers, uint8 threshold) external restricted {
        QuorumVerifier.validateConfig(threshold, signers);
        uint64 version = _configVersion + 1;
        bytes32 digest = QuorumVerifier.configDigest(AGGREGATOR_ROLE, version, threshold, signers);
        _configVersion = version;
        _threshold = threshold;
        _configDigest = digest;
        _signers = signers;
        emit ConfigSet(digest, version, threshold, signers);
    }

    /// @inheritdoc IRollupAnchor
    function setClauseFrozen(ClauseId clauseId, bool frozen, bytes32 reason) external restricted {
        _setFrozen(ClauseId.unwrap(clauseId), frozen);
        emit ClauseFreezeSet(clauseId, frozen, reason);
    }

    /// @inheritdoc IRollupAnchor
    function setTenantFrozen(TenantId tenantId, bool frozen, bytes32 reason) external restricted {
        _setFrozen(TenantId.unwrap(tenantId), frozen);
        emit TenantFreezeSet(tenantId, frozen, reason);
    }

    /// @inheritdoc IRollupAnchor
    /// @dev Safe mode stops consumption only; anchoring continues so the record stays complete.
    function setSafeMode(bool enabled, bytes32 reason) external restricted {
        _safeMode = enabled;
        emit SafeModeSet(enabled, reason);
    }

    /// @inheritdoc IRollupAnchor
    function verifyInclusion(
        BatchRef calldata batch,
        ExecutionHashing.ExecutionLeaf calldata leaf,
        bytes32[] calldata proof
    ) external view returns (bool) {
        if (_commitments[batch.batchSeq] != ExecutionHashing.batchCommitment(batch.root, batch.lastSeq)) {
            return false;
        }
        return MerkleProof.verifyCalldata(proof, batch.root, ExecutionHashing.leafHash(leaf));
    }

    /// @inheritdoc IRollupAnchor
    function verifyExecution(
        BatchRef calldata batch,
        ExecutionHashing.ExecutionLeaf calldata leaf,
        bytes32[] calldata proof,
        ExecutionHashing.CacContext calldata ctx,
        ExecutionHashing.ExecutorProof[] calldata executors,
        ExecutionRequirement calldata requirement
    ) external view {
        _requireActionable(leaf.clauseId, leaf.tenantId);
        if (batch.batchSeq == 0 || _commitments[batch.batchSeq] != ExecutionHashing.batchCommitment(batch.root, batch.lastSeq)) {
            revert RollupAnchorUnknownBatch(batch.batchSeq);
        }
        if (!MerkleProof.verifyCalldata(proof, batch.root, ExecutionHashing.leafHash(leaf))) {
            revert RollupAnchorInvalidProof();
        }

        uint256 count = executors.length;
        uint256 required = requirement.minExecutors == 0 ? 1 : requirement.minExecutors;
        if (count < required) revert RollupAnchorTooFewExecutors(required, count);

        bytes32[] memory digests = new bytes32[](count);
        address[] memory signers = new address[](count);
        uint64[] memory timestamps = new uint64[](count);
        uint160 previous;
        for (uint256 i; i < count; ++i) {
            ExecutionHashing.ExecutorProof calldata executor = executors[i];
            bytes32 digest = _hashTypedDataV4(ExecutionHashing.cacStructHash(leaf, ctx, executor));
            address signer = QuorumVerifier.recover(digest, executor.signature, i);
            // Ascending signers: each enclave key counts once.
            if (uint160(signer) <= previous) revert RollupAnchorExecutorOrder(i, signer);
            previous = uint160(signer);
            digests[i] = digest;
            signers[i] = signer;
            timestamps[i] = executor.timestamp;
        }
        bytes32 computed = keccak256(abi.encodePacked(digests));
        if (computed != leaf.cacSetHash) revert RollupAnchorCacSetMismatch(leaf.cacSetHash, computed);

        nodeRegistry.checkExecutors(signers, timestamps, requirement.jurisdiction);
    }

    /// @inheritdoc IRollupAnchor
    function batchCommitment(uint64 batchSeq) external view returns (bytes32) {
        return _commitments[batchSeq];
    }

    /// @inheritdoc IRollupAnchor
    function config()
        external
        view
        returns (bytes32 configDigest, uint64 configVersion, uint8 threshold, address[] memory signers)
    {
        return (_configDigest, _configVersion, _threshold, _signers);
    }

    /// @inheritdoc IRollupAnchor
    function cacDigest(
        ExecutionHashing.ExecutionLeaf calldata leaf,
        ExecutionHashing.CacContext calldata ctx,
        ExecutionHashing.ExecutorProof calldata executor
    ) external view returns (bytes32) {
        return _hashTypedDataV4(ExecutionHashing.cacStructHash(leaf, ctx, executor));
    }

    /// @inheritdoc IRollupAnchor
    function batchHeaderDigest(BatchHeader calldata header) external view returns (bytes32) {
        if (header.lastSeq < header.firstSeq) revert RollupAnchorInvalidRange(header.firstSeq, header.lastSeq);
        return _hashTypedDataV4(
            ExecutionHashing.batchHeaderStructHash(
                header.batchSeq,
                header.firstSeq,
                header.lastSeq,
                header.root,
                header.prevRoot,
                header.bundleHash,
                _configDigest
            )
        );
    }

    /// @inheritdoc IRollupAnchor
    function isClauseFrozen(ClauseId clauseId) external view returns (bool) {
        return _frozen[ClauseId.unwrap(clauseId)];
    }

    /// @inheritdoc IRollupAnchor
    function isTenantFrozen(TenantId tenantId) external view returns (bool) {
        return _frozen[TenantId.unwrap(tenantId)];
    }

    /// @inheritdoc IRollupAnchor
    function safeMode() external view returns (bool) {
        return _safeMode;
    }

    function _setFrozen(bytes32 key, bool frozen) private {
        if (_frozen[key] == frozen) return;
        _frozen[key] = frozen;
        // Bounded by the number of distinct keys ever frozen; it only gates the slow path below.
        if (frozen) ++_frozenCount;
        else --_frozenCount;
    }

    function _requireActionable(bytes32 clauseId, bytes32 tenantId) private view {
        if (_safeMode) revert RollupAnchorSafeMode();
        // Freezes are rare: one packed slot tells whether the two lookups are needed at all.
        if (_frozenCount != 0) {
            if (_frozen[clauseId]) revert RollupAnchorFrozen(clauseId);
            if (_frozen[tenantId]) revert RollupAnchorFrozen(tenantId);
        }
    }
}
