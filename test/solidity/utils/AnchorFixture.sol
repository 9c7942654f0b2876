// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {NSFAccessManager} from "../../../contracts/governance/NSFAccessManager.sol";
import {NodeRegistry} from "../../../contracts/NodeRegistry.sol";
import {RollupAnchor} from "../../../contracts/RollupAnchor.sol";
import {IRollupAnchor} from "../../../contracts/interfaces/IRollupAnchor.sol";
import {QuorumVerifier} from "../../../contracts/libraries/QuorumVerifier.sol";
import {FormatsHarness} from "../harness/FormatsHarness.sol";
import {TestBase} from "./TestBase.sol";

/// @notice A RollupAnchor with a 3-of-5 aggregator quorum whose keys the test holds, and the helpers
/// to build and sign batch headers (docs/FORMATS.md §3, §4, §8).
abstract contract AnchorFixture is TestBase {
    uint256 internal constant AGGREGATOR_SEED = 7;
    uint256 internal constant AGGREGATORS = 5;
    uint8 internal constant THRESHOLD = 3;
    /// @dev Positions 0, 2 and 4 sign unless a test says otherwise.
    uint256 internal constant DEFAULT_BITMAP = 0x15;

    NSFAccessManager internal manager;
    NodeRegistry internal nodeRegistry;
    RollupAnchor internal anchor;
    FormatsHarness internal formats;
    uint256[] internal aggregatorKeys;
    address[] internal aggregators;

    function _deployAnchor() internal {
        manager = new NSFAccessManager(address(this));
        nodeRegistry = new NodeRegistry(address(manager), 30 days);
        formats = new FormatsHarness();
        anchor = _newAnchor();
        (aggregatorKeys, aggregators) = sortedKeys(AGGREGATOR_SEED, AGGREGATORS);
        anchor.setConfig(aggregators, THRESHOLD);
    }

    /// @dev Another instance under the same access manager (the test is its admin).
    function _newAnchor() internal returns (RollupAnchor) {
        return new RollupAnchor(address(manager), nodeRegistry);
    }

    function _header(uint64 batchSeq, uint64 lastSeq, bytes32 root) internal pure returns (IRollupAnchor.BatchHeader memory) {
        return IRollupAnchor.BatchHeader({
            batchSeq: batchSeq,
            lastSeq: lastSeq,
            root: root,
            bundleHash: keccak256(abi.encode("bundle", batchSeq, root))
        });
    }

    /// @dev The BatchHeader digest for any (firstSeq, prevCommitment), computed from ExecutionHashing
    /// and the EIP-712 domain of `target` under its current config: what signers would sign off-chain.
    function _digest(
        RollupAnchor target,
        IRollupAnchor.BatchHeader memory h,
        uint64 firstSeq,
        bytes32 prevCommitment
    ) internal view returns (bytes32) {
        (bytes32 configDigest,,,) = target.config();
        return formats.batchHeaderDigest(
            block.chainid, address(target), h.batchSeq, firstSeq, h.lastSeq, h.root, prevCommitment, h.bundleHash, configDigest
        );
    }

    /// @dev A quorum proof over `digest` for the positions in `bitmap` of the given keys, under `target`'s config.
    function _signDigest(
        RollupAnchor target,
        bytes32 digest,
        uint256[] memory ks,
        address[] memory addrs,
        uint256 bitmap
    ) internal view returns (QuorumVerifier.Proof memory) {
        (, uint64 version, uint8 threshold,) = target.config();
        return QuorumVerifier.Proof({
            configVersion: version,
            threshold: threshold,
            signerBitmap: bitmap,
            packed: packParts(proofParts(ks, addrs, bitmap, digest))
        });
    }

    /// @dev Signs what `target` itself says must be signed for `header` now.
    function _sign(
        RollupAnchor target,
        IRollupAnchor.BatchHeader memory header,
        uint256[] memory ks,
        address[] memory addrs,
        uint256 bitmap
    ) internal view returns (QuorumVerifier.Proof memory) {
        return _signDigest(target, target.batchHeaderDigest(header), ks, addrs, bitmap);
    }

    function _sign(IRollupAnchor.BatchHeader memory header) internal view returns (QuorumVerifier.Proof memory) {
        return _sign(anchor, header, aggregatorKeys, aggregators, DEFAULT_BITMAP);
    }

    function _anchor(IRollupAnchor.BatchHeader memory header) internal {
        anchor.anchor(header, bytes32(uint256(header.batchSeq)), _sign(header));
    }

    /// @dev docs/FORMATS.md §8: lastSeq << 192 | (H(enc(root, lastSeq)) >> 64).
    function _commitment(bytes32 root, uint64 lastSeq) internal pure returns (bytes32) {
        return bytes32((uint256(lastSeq) << 192) | (uint256(keccak256(abi.encode(root, lastSeq))) >> 64));
    }

    function _isQuorumError(bytes4 sel) internal pure returns (bool) {
        return sel == QuorumVerifier.QuorumSignatureCount.selector || sel == QuorumVerifier.QuorumSignatureLength.selector
            || sel == QuorumVerifier.QuorumBitmapOutOfRange.selector
            || sel == QuorumVerifier.QuorumMalleableSignature.selector
            || sel == QuorumVerifier.QuorumInvalidSignature.selector || sel == QuorumVerifier.QuorumSignerOrder.selector
            || sel == QuorumVerifier.QuorumConfigMismatch.selector;
    }
}
