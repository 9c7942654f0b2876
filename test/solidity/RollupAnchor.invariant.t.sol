// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {NSFAccessManager} from "../../contracts/governance/NSFAccessManager.sol";
import {RollupAnchor} from "../../contracts/RollupAnchor.sol";
import {IRollupAnchor} from "../../contracts/interfaces/IRollupAnchor.sol";
import {QuorumVerifier} from "../../contracts/libraries/QuorumVerifier.sol";
import {FormatsHarness} from "./harness/FormatsHarness.sol";
import {AnchorFixture} from "./utils/AnchorFixture.sol";

/// @notice Drives a RollupAnchor with random anchor attempts. It holds the aggregator keys (vm.sign), so
/// it can produce every batch the quorum could sign: valid next batches, and bad ones (zero root, a
/// backward range, a range signed as overlapping or gapped, a signed predecessor other than the stored
/// one, a re-anchored or skipped batch sequence, too few, foreign or malleable signatures, a header
/// other than the one signed). It also rotates the aggregator quorum.
contract AnchorHandler is AnchorFixture {
    struct Batch {
        uint64 firstSeq;
        uint64 lastSeq;
        bytes32 root;
        bytes32 prevCommitment; // what the quorum signed as the predecessor
        bytes32 written; // the commitment read back right after the anchor
    }

    /// @dev Index = batchSeq; index 0 is genesis (root 0, lastSeq 0).
    Batch[] private _batches;
    uint256 public badAccepted;
    uint256 public goodRejected;
    uint256 public anchored;
    uint256 public rejected;
    uint256 public rotations;

    constructor(
        NSFAccessManager manager_,
        RollupAnchor anchor_,
        FormatsHarness formats_,
        uint256[] memory keys,
        address[] memory addrs
    ) {
        manager = manager_;
        anchor = anchor_;
        formats = formats_;
        aggregatorKeys = keys;
        aggregators = addrs;
        _batches.push(Batch(0, 0, bytes32(0), bytes32(0), anchor_.batchCommitment(0)));
    }

    function batchCount() external view returns (uint256) {
        return _batches.length - 1;
    }

    function batch(uint256 batchSeq) external view returns (Batch memory) {
        return _batches[batchSeq];
    }

    /// @dev A random THRESHOLD-subset of the aggregator positions.
    function _bitmap(uint256 seed) private pure returns (uint256 bitmap) {
        for (uint256 i; popcount(bitmap) < THRESHOLD; ++i) {
            bitmap |= 1 << (uint256(keccak256(abi.encode(seed, i))) % AGGREGATORS);
        }
    }

    // ---------------------------------------------------------------- actions

    function anchorNext(uint256 rootSeed, uint256 countSeed, uint256 bitmapSeed) external {
        Batch memory tip = _batches[_batches.length - 1];
        uint64 lastSeq = tip.lastSeq + uint64(bound(countSeed, 1, 1024));
        bytes32 root = keccak256(abi.encode("root", rootSeed, _batches.length));
        IRollupAnchor.BatchHeader memory h = _header(uint64(_batches.length), lastSeq, root);
        // Signed off-chain from the handler's own view of the chain, not from the contract's digest.
        bytes32 digest = _digest(anchor, h, tip.lastSeq + 1, tip.written);
        QuorumVerifier.Proof memory p = _signDigest(anchor, digest, aggregatorKeys, aggregators, _bitmap(bitmapSeed));
        try anchor.anchor(h, bytes32(rootSeed), p) {
            anchored++;
            _batches.push(Batch(tip.lastSeq + 1, lastSeq, root, tip.written, anchor.batchCommitment(h.batchSeq)));
        } catch {
            goodRejected++;
        }
    }

    function anchorBad(uint256 kind, uint256 seedA, uint256 seedB) external {
        Batch memory tip = _batches[_batches.length - 1];
        IRollupAnchor.BatchHeader memory h =
            _header(uint64(_batches.length), tip.lastSeq + 1 + uint64(bound(seedB, 0, 100)), keccak256(abi.encode(seedA)));
        uint64 firstSeq = tip.lastSeq + 1;
        bytes32 prev = tip.written;
        uint256 bitmap = _bitmap(seedA);
        kind = bound(kind, 0, 10);
        IRollupAnchor.BatchHeader memory signed = h;
        if (kind == 0) {
            h.root = bytes32(0);
            signed = h;
        } else if (kind == 1) {
            // Backward range: ends before the next unanchored result (re-covers anchored results).
            h.lastSeq = uint64(bound(seedB, 0, tip.lastSeq));
        } else if (kind == 2) {
            // Signed as overlapping or gapped: the quorum's firstSeq is not previous lastSeq + 1.
            uint64 shift = uint64(bound(seedB, 1, 50));
            firstSeq = seedA % 2 == 0 || firstSeq <= shift ? firstSeq + shift : firstSeq - shift;
            if (h.lastSeq < firstSeq) h.lastSeq = firstSeq;
            signed = h;
        } else if (kind == 3) {
            // Signed on top of another predecessor.
            prev = _commitment(keccak256(abi.encode("other predecessor", seedB)), tip.lastSeq);
        } else if (kind == 4) {
            // Re-anchor an existing batch sequence (genesis included) with a different root.
            h.batchSeq = uint64(bound(seedB, 0, _batches.length - 1));
            signed = h;
        } else if (kind == 5) {
            h.batchSeq = uint64(_batches.length) + 1 + uint64(bound(seedB, 0, 1000));
            signed = h;
        } else if (kind == 9) {
            // The bundle was swapped after signing.
            signed = _header(h.batchSeq, h.lastSeq, h.root);
            h.bundleHash = keccak256(abi.encode("swapped bundle", seedB));
        } else {
            signed = h;
        }
        bytes32 digest = _digest(anchor, signed, firstSeq, prev);
        QuorumVerifier.Proof memory p = _signDigest(anchor, digest, aggregatorKeys, aggregators, bitmap);
        if (kind == 6) {
            // One signature short.
            p = _signDigest(anchor, digest, aggregatorKeys, aggregators, bitmap & (bitmap - 1));
        } else if (kind == 7 || kind == 8) {
            // Replace the first signature by a foreign key's (7) or by its own high-s twin (8).
            ProofParts memory parts = proofParts(aggregatorKeys, aggregators, bitmap, digest);
            parts.signatures[0] =
                kind == 7 ? signDigest(keyOf(seedB, 999), digest) : highSTwin(parts.signatures[0]);
            p.packed = packParts(parts);
        } else if (kind == 10) {
            // Signed by a rotated-out quorum (fresh keys the config does not list).
            (uint256[] memory ks, address[] memory addrs) = sortedKeys(seedB ^ 0xdead, AGGREGATORS);
            p = _signDigest(anchor, digest, ks, addrs, bitmap);
        }
        try anchor.anchor(h, bytes32(seedA), p) {
            badAccepted++;
        } catch {
            rejected++;
        }
    }

    function rotate(uint256 seed) external {
        (aggregatorKeys, aggregators) = sortedKeys(uint256(keccak256(abi.encode("rotation", seed))), AGGREGATORS);
        anchor.setConfig(aggregators, THRESHOLD);
        rotations++;
    }
}

/// @notice DESIGN.md §6 invariants 4 and 5 under random anchor attempts: anchored batches always form a
/// gapless chain — commitment[n] = batchCommitment(root_n, lastSeq_n), batch n was signed over
/// prevCommitment = commitment[n - 1] and firstSeq = lastSeq_{n-1} + 1 — and a written commitment never changes.
contract RollupAnchorInvariantTest is AnchorFixture {
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    AnchorHandler private handler;

    function setUp() public {
        _deployAnchor();
        handler = new AnchorHandler(manager, anchor, formats, aggregatorKeys, aggregators);
        // The handler administers the aggregator config (rotation), as network governance would.
        manager.grantRole(manager.ADMIN_ROLE(), address(handler), 0);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory selectors) {
        bytes4[] memory fns = new bytes4[](5);
        // Valid and bad attempts weighted 2:2:1 so chains grow while bad batches keep coming.
        fns[0] = AnchorHandler.anchorNext.selector;
        fns[1] = AnchorHandler.anchorNext.selector;
        fns[2] = AnchorHandler.anchorBad.selector;
        fns[3] = AnchorHandler.anchorBad.selector;
        fns[4] = AnchorHandler.rotate.selector;
        selectors = new FuzzSelector[](1);
        selectors[0] = FuzzSelector(address(handler), fns);
    }

    function invariant_batchesFormGaplessChain() public view {
        uint256 count = handler.batchCount();
        for (uint256 n = 1; n <= count; ++n) {
            AnchorHandler.Batch memory b = handler.batch(n);
            AnchorHandler.Batch memory prev = handler.batch(n - 1);
            vm.assertTrue(b.root != bytes32(0), "a zero root was anchored");
            vm.assertEq(uint256(b.firstSeq), uint256(prev.lastSeq) + 1, "result ranges are gapless and disjoint");
            vm.assertTrue(b.lastSeq >= b.firstSeq, "non-empty range");
            vm.assertEq(anchor.batchCommitment(uint64(n)), _commitment(b.root, b.lastSeq), "commitment[n]");
            vm.assertEq(anchor.batchCommitment(uint64(n - 1)), b.prevCommitment, "batch n signed over commitment[n-1]");
            vm.assertEq(uint256(anchor.batchCommitment(uint64(n - 1))) >> 192, uint256(b.firstSeq) - 1, "lastSeq[n-1]");
        }
        vm.assertEq(anchor.batchCommitment(uint64(count + 1)), bytes32(0), "nothing anchored past the tip");
        vm.assertEq(anchor.batchCommitment(uint64(count + 2)), bytes32(0), "nothing anchored past the tip");
    }

    function invariant_commitmentNeverChangesOnceWritten() public view {
        uint256 count = handler.batchCount();
        for (uint256 n; n <= count; ++n) {
            vm.assertEq(anchor.batchCommitment(uint64(n)), handler.batch(n).written, "a written commitment changed");
        }
    }

    function invariant_badBatchesNeverAccepted() public view {
        vm.assertEq(handler.badAccepted(), 0, "a bad batch was anchored");
    }

    function invariant_validNextBatchAlwaysAccepted() public view {
        vm.assertEq(handler.goodRejected(), 0, "a valid next batch was refused");
    }
}
