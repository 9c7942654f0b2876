// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title ExecutionHashing
/// @notice Struct hashes, leaves and ids exactly as docs/FORMATS.md specifies; pure, no storage.
library ExecutionHashing {
    bytes32 internal constant CAC_TYPEHASH = keccak256(
        "CAC(bytes32 jobId,bytes32 clauseId,uint48 clauseVersion,bytes32 codeHash,bytes32 tenantId,uint32 attempt,bytes32 inputHash,bytes32 outputHash,bytes32 runtimeHash,bytes32 configDigest,uint64 timestamp)"
    );
    bytes32 internal constant BATCH_HEADER_TYPEHASH = keccak256(
        "BatchHeader(uint64 batchSeq,uint64 firstSeq,uint64 lastSeq,uint64 count,bytes32 root,bytes32 prevRoot,bytes32 bundleHash,bytes32 configDigest)"
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

    /// @notice One executor's own CAC fields and its enclave signature; supplied in ascending signer order.
    struct ExecutorProof {
        uint32 attempt;
        bytes32 runtimeHash;
        uint64 timestamp;
        bytes signature;
    }

    /// @notice Double-hashed leaf, equal to OpenZeppelin StandardMerkleTree's for the same values.
    /// @dev The outer hash makes a leaf preimage 32 bytes long, so it can never be a 64-byte internal node.
    function leafHash(ExecutionLeaf calldata leaf) internal pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                keccak256(
                    abi.encode(
                        leaf.jobId,
                        leaf.resultSeq,
                        leaf.clauseId,
                        leaf.tenantId,
                        leaf.inputHash,
                        leaf.outputHash,
                        leaf.cacSetHash
                    )
                )
            )
        );
    }

    /// @notice EIP-712 struct hash of one executor's CAC for `leaf`.
    function cacStructHash(ExecutionLeaf calldata leaf, CacContext calldata ctx, ExecutorProof calldata executor)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(
            abi.encode(
                CAC_TYPEHASH,
                leaf.jobId,
                leaf.clauseId,
                ctx.clauseVersion,
                ctx.codeHash,
                leaf.tenantId,
                executor.attempt,
                leaf.inputHash,
                leaf.outputHash,
                executor.runtimeHash,
                ctx.configDigest,
                executor.timestamp
            )
        );
    }

    function batchHeaderStructHash(
        uint64 batchSeq,
        uint64 firstSeq,
        uint64 lastSeq,
        bytes32 root,
        bytes32 prevRoot,
        bytes32 bundleHash,
        bytes32 configDigest
    ) internal pure returns (bytes32) {
        // count is derived, never supplied: lastSeq >= firstSeq is checked by the caller, so this cannot underflow.
        uint64 count = lastSeq - firstSeq + 1;
        return keccak256(
            abi.encode(
                BATCH_HEADER_TYPEHASH, batchSeq, firstSeq, lastSeq, count, root, prevRoot, bundleHash, configDigest
            )
        );
    }

    /// @notice docs/FORMATS.md §8: what RollupAnchor stores per batch.
    function batchCommitment(bytes32 root, uint64 lastSeq) internal pure returns (bytes32) {
        return keccak256(abi.encode(root, lastSeq));
    }

    function tenantId(address daoTimelock, bytes3 jurisdiction) internal pure returns (bytes32) {
        return keccak256(abi.encode(daoTimelock, jurisdiction));
    }

    function jobId(address router, bytes32 clauseId, bytes32 triggerNonce) internal view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, router, clauseId, triggerNonce));
    }

    function runtimeHash(uint8 teeType, bytes32 measurement, address enclaveKey, bytes32 attestationId)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(teeType, measurement, enclaveKey, attestationId));
    }
}
