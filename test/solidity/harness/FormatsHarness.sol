// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

import {ExecutionHashing} from "../../../contracts/libraries/ExecutionHashing.sol";
import {ClauseIdLib} from "../../../contracts/libraries/ClauseIdLib.sol";

/// @notice Test-only: ExecutionHashing (and the EIP-712 domain every NSF struct is signed under)
/// behind external functions, for the golden-vector and differential tests.
/// @dev Deployed by the mocha differential test too, so it lives in the tests tree and has a name
/// no other test contract uses.
contract FormatsHarness {
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    struct JobToken {
        bytes32 jobId;
        bytes32 clauseId;
        uint48 clauseVersion;
        bytes32 codeHash;
        bytes32 tenantId;
        address executor;
        uint32 attempt;
        bytes32 inputHash;
        uint8 triggerType;
        uint64 expiresAt;
    }

    function leafHash(ExecutionHashing.ExecutionLeaf calldata leaf) external pure returns (bytes32) {
        return ExecutionHashing.leafHash(leaf);
    }

    function processProof(bytes32[] calldata proof, bytes32 leaf) external pure returns (bytes32) {
        return ExecutionHashing.processProof(proof, leaf);
    }

    function batchCommitment(bytes32 root, uint64 lastSeq) external pure returns (bytes32) {
        return ExecutionHashing.batchCommitment(root, lastSeq);
    }

    function tenantId(address daoTimelock, bytes3 jurisdiction) external pure returns (bytes32) {
        return ExecutionHashing.tenantId(daoTimelock, jurisdiction);
    }

    /// @dev ExecutionHashing.jobId binds block.chainid and the calling router; here the router is a parameter.
    function jobId(address router, bytes32 clauseId, bytes32 triggerNonce) external view returns (bytes32) {
        return ExecutionHashing.jobId(router, clauseId, triggerNonce);
    }

    function runtimeHash(
        uint8 teeType,
        bytes32 measurement,
        address enclaveKey,
        bytes32 attestationId,
        bytes32 verdictId,
        string calldata tcbStatus
    ) external pure returns (bytes32) {
        return ExecutionHashing.runtimeHash(teeType, measurement, enclaveKey, attestationId, verdictId, tcbStatus);
    }

    function packVersion(uint16 major, uint16 minor, uint16 patch) external pure returns (uint48) {
        return ClauseIdLib.packVersion(major, minor, patch);
    }

    function composeClauseId(
        string calldata namespace_,
        string calldata domain,
        string calldata name,
        uint16 major,
        uint16 minor,
        uint16 patch,
        string calldata fork
    ) external pure returns (string memory id, string memory line) {
        (id, line,) = ClauseIdLib.compose(namespace_, domain, name, major, minor, patch, fork);
    }

    function typeHashes() external pure returns (bytes32 verdict, bytes32 jobToken, bytes32 cac, bytes32 batchHeader) {
        return (
            ExecutionHashing.ATTESTATION_VERDICT_TYPEHASH,
            ExecutionHashing.JOB_TOKEN_TYPEHASH,
            ExecutionHashing.CAC_TYPEHASH,
            ExecutionHashing.BATCH_HEADER_TYPEHASH
        );
    }

    function domainSeparator(string memory name, uint256 chainId, address verifyingContract)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256(bytes(name)), keccak256("1"), chainId, verifyingContract));
    }

    /// @notice JobToken digest: nothing on-chain verifies job tokens, but the type hash lives in ExecutionHashing.
    function jobTokenDigest(uint256 chainId, address router, JobToken calldata t) external pure returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                ExecutionHashing.JOB_TOKEN_TYPEHASH,
                t.jobId,
                t.clauseId,
                t.clauseVersion,
                t.codeHash,
                t.tenantId,
                t.executor,
                t.attempt,
                t.inputHash,
                t.triggerType,
                t.expiresAt
            )
        );
        return MessageHashUtils.toTypedDataHash(domainSeparator("NSF JobRouter", chainId, router), structHash);
    }

    function cacDigest(
        uint256 chainId,
        address anchor,
        ExecutionHashing.ExecutionLeaf calldata leaf,
        ExecutionHashing.CacContext calldata ctx,
        ExecutionHashing.ExecutorProof calldata executor
    ) external pure returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(
            domainSeparator("NSF RollupAnchor", chainId, anchor), ExecutionHashing.cacStructHash(leaf, ctx, executor)
        );
    }

    function batchHeaderDigest(
        uint256 chainId,
        address anchor,
        uint64 batchSeq,
        uint64 firstSeq,
        uint64 lastSeq,
        bytes32 root,
        bytes32 prevCommitment,
        bytes32 bundleHash,
        bytes32 configDigest
    ) external pure returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(
            domainSeparator("NSF RollupAnchor", chainId, anchor),
            ExecutionHashing.batchHeaderStructHash(batchSeq, firstSeq, lastSeq, root, prevCommitment, bundleHash, configDigest)
        );
    }
}
