// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title ExecutionHashing
/// @notice Struct hashes, leaves and ids exactly as docs/FORMATS.md specifies; pure, no storage.
library ExecutionHashing {
    bytes32 internal constant CAC_TYPEHASH = keccak256(
        "CAC(bytes32 jobId,bytes32 clauseId,uint48 clauseVersion,bytes32 codeHash,bytes32 tenantId,uint32 attempt,bytes32 inputHash,bytes32 outputHash,bytes32 runtimeHash,bytes32 configDigest,uint64 timestamp)"
    );
    bytes32 internal constant BATCH_HEADER_TYPEHASH = keccak256(
        "BatchHeader(uint64 batchSeq,uint64 firstSeq,uint64 lastSeq,uint64 count,bytes32 root,bytes32 prevCommitment,bytes32 bundleHash,bytes32 configDigest)"
    );
    bytes32 internal constant ATTESTATION_VERDICT_TYPEHASH = keccak256(
        "AttestationVerdict(address enclaveKey,address operator,uint8 teeType,bytes32 measurement,bytes3 jurisdiction,bool sovereign,bool debug,bytes32 attestationId,uint64 attestedAt,uint64 validUntil,bytes32 configDigest)"
    );
    bytes32 internal constant JOB_TOKEN_TYPEHASH = keccak256(
        "JobToken(bytes32 jobId,bytes32 clauseId,uint48 clauseVersion,bytes32 codeHash,bytes32 tenantId,address executor,uint32 attempt,bytes32 inputHash,uint8 triggerType,uint64 expiresAt)"
    );

    /// @notice One agreed result, the values of a Merkle leaf (docs/FORMATS.md §7).
    struct ExecutionLeaf {
        bytes32 jobId;
        uint64 resultSeq;
        bytes32 clauseId;
        bytes32 tenantId;
        bytes32 inputHash;
        bytes32 outputHash;
        bytes32 cacSetHash;
    }

    /// @notice The CAC fields every agreeing executor shares but the leaf does not carry.
    struct CacContext {
        uint48 clauseVersion;
        bytes32 codeHash;
        bytes32 configDigest;
    }

    /// @notice One executor's own CAC fields and its enclave signature (r, s, v); supplied in ascending
    /// signer order. Static, so an array of them encodes without per-element offsets.
    struct ExecutorProof {
        uint32 attempt;
        bytes32 runtimeHash;
        uint64 timestamp;
        bytes32 r;
        bytes32 s;
        uint8 v;
    }

    /// @notice Double-hashed leaf, equal to OpenZeppelin StandardMerkleTree's for the same values.
    /// @dev The outer hash makes a leaf preimage 32 bytes long, so it can never be a 64-byte internal node.
    /// The seven words are hashed straight from calldata (they are abi.encode's output already); only
    /// resultSeq needs a range check, every other field is a full word.
    function leafHash(ExecutionLeaf calldata leaf) internal pure returns (bytes32 h) {
        uint256 resultSeq = leaf.resultSeq; // ABI-validated uint64
        assembly ("memory-safe") {
            let p := mload(0x40)
            calldatacopy(p, leaf, 0xe0)
            mstore(add(p, 0x20), resultSeq)
            mstore(0x00, keccak256(p, 0xe0))
            h := keccak256(0x00, 0x20)
        }
    }

    /// @notice Walks a sorted-pair Merkle proof from calldata (OpenZeppelin MerkleProof semantics).
    /// @dev Same result as MerkleProof.processProofCalldata, in one tight loop for the consumer hot path.
    function processProof(bytes32[] calldata proof, bytes32 leaf) internal pure returns (bytes32 computed) {
        assembly ("memory-safe") {
            computed := leaf
            let end := add(proof.offset, shl(5, proof.length))
            for { let p := proof.offset } lt(p, end) { p := add(p, 0x20) } {
                let sibling := calldataload(p)
                // Sorted pair without branches: swap = (computed ^ sibling) when sibling < computed.
                let swap := mul(xor(computed, sibling), lt(sibling, computed))
                mstore(0x00, xor(computed, swap))
                mstore(0x20, xor(sibling, swap))
                computed := keccak256(0x00, 0x40)
            }
        }
    }

    /// @notice EIP-712 struct hash of one executor's CAC for `leaf`.
    function cacStructHash(ExecutionLeaf calldata leaf, CacContext calldata ctx, ExecutorProof calldata executor)
        internal
        pure
        returns (bytes32 h)
    {
        bytes32 typeHash = CAC_TYPEHASH;
        // Field reads are ABI-validated (uint48, uint32, uint64); the rest are full words.
        uint256 clauseVersion = ctx.clauseVersion;
        uint256 attempt = executor.attempt;
        uint256 signedAt = executor.timestamp;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, typeHash)
            mstore(add(p, 0x20), calldataload(leaf)) // jobId
            mstore(add(p, 0x40), calldataload(add(leaf, 0x40))) // clauseId
            mstore(add(p, 0x60), clauseVersion)
            mstore(add(p, 0x80), calldataload(add(ctx, 0x20))) // codeHash
            mstore(add(p, 0xa0), calldataload(add(leaf, 0x60))) // tenantId
            mstore(add(p, 0xc0), attempt)
            mstore(add(p, 0xe0), calldataload(add(leaf, 0x80))) // inputHash
            mstore(add(p, 0x100), calldataload(add(leaf, 0xa0))) // outputHash
            mstore(add(p, 0x120), calldataload(add(executor, 0x20))) // runtimeHash
            mstore(add(p, 0x140), calldataload(add(ctx, 0x40))) // configDigest
            mstore(add(p, 0x160), signedAt)
            h := keccak256(p, 0x180)
        }
    }

    function batchHeaderStructHash(
        uint64 batchSeq,
        uint64 firstSeq,
        uint64 lastSeq,
        bytes32 root,
        bytes32 prevCommitment,
        bytes32 bundleHash,
        bytes32 configDigest
    ) internal pure returns (bytes32) {
        // count is derived, never supplied: callers check lastSeq >= firstSeq, so this cannot underflow.
        uint64 count = lastSeq - firstSeq + 1;
        return keccak256(
            abi.encode(
                BATCH_HEADER_TYPEHASH, batchSeq, firstSeq, lastSeq, count, root, prevCommitment, bundleHash, configDigest
            )
        );
    }

    /// @notice docs/FORMATS.md §8: what RollupAnchor stores per batch, `lastSeq << 192 | (H(root, lastSeq) >> 64)`.
    /// @dev lastSeq in the clear lets the next anchor derive its firstSeq from the one word it reads anyway;
    /// 192 bits of commitment keep preimage resistance (2^192) above the signatures' 128-bit security level.
    function batchCommitment(bytes32 root, uint64 lastSeq) internal pure returns (bytes32 c) {
        assembly ("memory-safe") {
            mstore(0x00, root)
            mstore(0x20, lastSeq)
            c := or(shl(192, lastSeq), shr(64, keccak256(0x00, 0x40)))
        }
    }

    function tenantId(address daoTimelock, bytes3 jurisdiction) internal pure returns (bytes32) {
        return keccak256(abi.encode(daoTimelock, jurisdiction));
    }

    function jobId(address router, bytes32 clauseId, bytes32 triggerNonce) internal view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, router, clauseId, triggerNonce));
    }

    /// @dev docs/FORMATS.md §1: the registered runtime, the NodeRegistry verdict id it ran under and the accepted TCB status.
    function runtimeHash(
        uint8 teeType,
        bytes32 measurement,
        address enclaveKey,
        bytes32 attestationId,
        bytes32 verdictId,
        string memory tcbStatus
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(teeType, measurement, enclaveKey, attestationId, verdictId, tcbStatus));
    }
}
