// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IRollupAnchor} from "./interfaces/IRollupAnchor.sol";
import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {ExecutionHashing} from "./libraries/ExecutionHashing.sol";
import {QuorumVerifier} from "./libraries/QuorumVerifier.sol";
import {ClauseId, TenantId} from "./types/Ids.sol";

/// @title RollupAnchor
/// @notice Anchors Merkle-rooted batches of agreed results under the aggregator quorum's signatures,
/// and lets consumers prove a result before acting on it.
/// @dev Storage holds one word per batch: its lastSeq and a 192-bit commitment to (root, lastSeq). The
/// next batch derives its firstSeq from that word and its signers sign over it, so batches are gapless,
/// never overlap and chain to their predecessor; the rest of the header travels in calldata and the
/// BatchAnchored event. The aggregator config lives here, beside the only code that verifies it,
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
        // Genesis: batch 1 continues from (root 0, lastSeq 0), so its first result is 1.
        _commitments[0] = ExecutionHashing.batchCommitment(bytes32(0), 0);
    }

    /// @inheritdoc IRollupAnchor
    function anchor(BatchHeader calldata header, bytes32 arweaveTxId, QuorumVerifier.Proof calldata quorum)
        external
    {
        uint64 batchSeq = header.batchSeq;
        bytes32 root = header.root;
        if (root == bytes32(0)) revert RollupAnchorZeroRoot();
        // Checked before the signatures so a retried anchor fails fast and cheaply.
        if (_commitments[batchSeq] != bytes32(0)) revert RollupAnchorBatchAlreadyAnchored(batchSeq);
        // batchSeq 0 is genesis and always set, so batchSeq - 1 cannot underflow here.
        bytes32 prevCommitment;
        unchecked {
            prevCommitment = _commitments[batchSeq - 1];
            if (prevCommitment == bytes32(0)) revert RollupAnchorPreviousBatchMissing(batchSeq);
        }
        // Contiguity by construction: this batch starts right after the previous one's last result.
        uint64 firstSeq = _lastSeqOf(prevCommitment) + 1;
        uint64 lastSeq = header.lastSeq;
        if (lastSeq < firstSeq) revert RollupAnchorInvalidRange(firstSeq, lastSeq);

        bytes32 configDigest = _configDigest;
        bytes32 digest = _hashTypedDataV4(
            _batchHeaderStructHash(batchSeq, firstSeq, lastSeq, root, prevCommitment, header.bundleHash, configDigest)
        );
        QuorumVerifier.verify(digest, AGGREGATOR_ROLE, configDigest, quorum);

        _commitments[batchSeq] = ExecutionHashing.batchCommitment(root, lastSeq);
        emit BatchAnchored(batchSeq, root, lastSeq, header.bundleHash, arweaveTxId, quorum.signerBitmap);
    }

    /// @dev ExecutionHashing.batchHeaderStructHash, hashed in free memory without allocating.
    function _batchHeaderStructHash(
        uint64 batchSeq,
        uint64 firstSeq,
        uint64 lastSeq,
        bytes32 root,
        bytes32 prevCommitment,
        bytes32 bundleHash,
        bytes32 configDigest
    ) private pure returns (bytes32 h) {
        bytes32 typeHash = ExecutionHashing.BATCH_HEADER_TYPEHASH;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, typeHash)
            mstore(add(p, 0x20), batchSeq)
            mstore(add(p, 0x40), firstSeq)
            mstore(add(p, 0x60), lastSeq)
            // count = lastSeq - firstSeq + 1: the caller checked lastSeq >= firstSeq.
            mstore(add(p, 0x80), add(sub(lastSeq, firstSeq), 1))
            mstore(add(p, 0xa0), root)
            mstore(add(p, 0xc0), prevCommitment)
            mstore(add(p, 0xe0), bundleHash)
            mstore(add(p, 0x100), configDigest)
            h := keccak256(p, 0x120)
        }
    }

    function _lastSeqOf(bytes32 commitment) private pure returns (uint64) {
        // The top 64 bits of a commitment are the batch's lastSeq (docs/FORMATS.md §8).
        return uint64(uint256(commitment) >> 192);
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
        return _isAnchored(batch) && ExecutionHashing.processProof(proof, ExecutionHashing.leafHash(leaf)) == batch.root;
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
        if (!_isAnchored(batch)) revert RollupAnchorUnknownBatch(batch.batchSeq);
        if (ExecutionHashing.processProof(proof, ExecutionHashing.leafHash(leaf)) != batch.root) {
            revert RollupAnchorInvalidProof();
        }

        uint256 count = executors.length;
        uint256 required = requirement.minExecutors == 0 ? 1 : requirement.minExecutors;
        if (count < required) revert RollupAnchorTooFewExecutors(required, count);
        if (count > QuorumVerifier.MAX_SIGNERS) revert RollupAnchorTooManyExecutors(count);

        uint256[] memory packed = new uint256[](count);
        (uint256 failure, uint256 failedAt, address failedSigner, bytes32 cacSet) =
            _recoverExecutors(leaf, ctx, executors, packed);
        if (failure != 0) {
            if (failure == 1) revert RollupAnchorExecutorOrder(failedAt, failedSigner);
            if (failure == 2) revert QuorumVerifier.QuorumMalleableSignature(failedAt);
            revert QuorumVerifier.QuorumInvalidSignature(failedAt);
        }
        if (cacSet != leaf.cacSetHash) revert RollupAnchorCacSetMismatch(leaf.cacSetHash, cacSet);

        nodeRegistry.checkExecutors(packed, requirement.jurisdiction);
    }

    /// @dev One pass over the executor proofs: rebuild each CAC's EIP-712 digest (ExecutionHashing.cacStructHash
    /// layout, common fields written once), recover its signer with the QuorumVerifier checks, require
    /// strictly ascending signers (each enclave key counts once), and collect the digests' concatenation
    /// hash (cacSetHash) and the registry words `signer << 64 | timestamp`.
    /// Memory past the free pointer is used as scratch and never allocated (nothing else runs meanwhile).
    /// Failure codes: 1 order, 2 malleable, 3 invalid signature.
    function _recoverExecutors(
        ExecutionHashing.ExecutionLeaf calldata leaf,
        ExecutionHashing.CacContext calldata ctx,
        ExecutionHashing.ExecutorProof[] calldata executors,
        uint256[] memory packed
    ) private view returns (uint256 failure, uint256 failedAt, address failedSigner, bytes32 cacSet) {
        bytes32 typeHash = ExecutionHashing.CAC_TYPEHASH;
        bytes32 domainSeparator = _domainSeparatorV4();
        uint256 clauseVersion = ctx.clauseVersion; // ABI-validated uint48
        uint256 halfOrder = QuorumVerifier.HALF_ORDER;
        assembly ("memory-safe") {
            let count := executors.length
            let p := mload(0x40) // CAC preimage, 12 words
            let digests := add(p, 0x180) // count words, hashed into cacSet
            let m := add(digests, shl(5, count)) // 0x42-byte EIP-712 envelope
            mstore(p, typeHash)
            mstore(add(p, 0x20), calldataload(leaf)) // jobId
            mstore(add(p, 0x40), calldataload(add(leaf, 0x40))) // clauseId
            mstore(add(p, 0x60), clauseVersion)
            mstore(add(p, 0x80), calldataload(add(ctx, 0x20))) // codeHash
            mstore(add(p, 0xa0), calldataload(add(leaf, 0x60))) // tenantId
            mstore(add(p, 0xe0), calldataload(add(leaf, 0x80))) // inputHash
            mstore(add(p, 0x100), calldataload(add(leaf, 0xa0))) // outputHash
            mstore(add(p, 0x140), calldataload(add(ctx, 0x40))) // configDigest
            mstore(m, 0x1901000000000000000000000000000000000000000000000000000000000000)
            mstore(add(m, 0x02), domainSeparator)
            let previous := 0
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                let e := add(executors.offset, mul(i, 0xc0))
                let attempt := calldataload(e)
                let signedAt := calldataload(add(e, 0x40))
                let v := calldataload(add(e, 0xa0))
                let s := calldataload(add(e, 0x80))
                // ABI ranges (uint32 attempt, uint64 timestamp, uint8 v): dirty words never verify.
                if or(or(gt(attempt, 0xffffffff), gt(signedAt, 0xffffffffffffffff)), gt(v, 0xff)) {
                    failure := 3
                    failedAt := i
                    break
                }
                if gt(s, halfOrder) {
                    failure := 2
                    failedAt := i
                    break
                }
                mstore(add(p, 0xc0), attempt)
                mstore(add(p, 0x120), calldataload(add(e, 0x20))) // runtimeHash
                mstore(add(p, 0x160), signedAt)
                mstore(add(m, 0x22), keccak256(p, 0x180))
                let digest := keccak256(m, 0x42)
                mstore(add(digests, shl(5, i)), digest)
                // ecrecover in scratch 0x00-0x7f; free pointer and zero slot restored below.
                mstore(0x00, digest)
                mstore(0x20, v)
                mstore(0x40, calldataload(add(e, 0x60)))
                mstore(0x60, s)
                pop(staticcall(gas(), 0x01, 0x00, 0x80, 0x20, 0x20))
                let signer := mul(mload(0x20), eq(returndatasize(), 0x20))
                mstore(0x40, p)
                mstore(0x60, 0)
                if or(iszero(signer), iszero(or(eq(v, 27), eq(v, 28)))) {
                    failure := 3
                    failedAt := i
                    break
                }
                if iszero(gt(signer, previous)) {
                    failure := 1
                    failedAt := i
                    failedSigner := signer
                    break
                }
                previous := signer
                mstore(add(packed, shl(5, add(i, 1))), or(shl(64, signer), signedAt))
            }
            cacSet := keccak256(digests, shl(5, count))
        }
    }

    /// @inheritdoc IRollupAnchor
    function requireActionable(ClauseId clauseId, TenantId tenantId) external view {
        if (_safeMode) revert RollupAnchorSafeMode();
        // Freezes are rare: one packed slot tells whether the two lookups are needed at all.
        if (_frozenCount != 0) {
            if (_frozen[ClauseId.unwrap(clauseId)]) revert RollupAnchorFrozen(ClauseId.unwrap(clauseId));
            if (_frozen[TenantId.unwrap(tenantId)]) revert RollupAnchorFrozen(TenantId.unwrap(tenantId));
        }
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
        bytes32 prevCommitment = header.batchSeq == 0 ? bytes32(0) : _commitments[header.batchSeq - 1];
        if (prevCommitment == bytes32(0)) revert RollupAnchorPreviousBatchMissing(header.batchSeq);
        uint64 firstSeq = _lastSeqOf(prevCommitment) + 1;
        if (header.lastSeq < firstSeq) revert RollupAnchorInvalidRange(firstSeq, header.lastSeq);
        return _hashTypedDataV4(
            _batchHeaderStructHash(
                header.batchSeq, firstSeq, header.lastSeq, header.root, prevCommitment, header.bundleHash, _configDigest
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

    function _isAnchored(BatchRef calldata batch) private view returns (bool) {
        // batchSeq 0 is genesis: it anchors nothing.
        return batch.batchSeq != 0
            && _commitments[batch.batchSeq] == ExecutionHashing.batchCommitment(batch.root, batch.lastSeq);
    }
}
