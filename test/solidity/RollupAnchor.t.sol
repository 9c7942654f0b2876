// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {RollupAnchor} from "../../contracts/RollupAnchor.sol";
import {IRollupAnchor} from "../../contracts/interfaces/IRollupAnchor.sol";
import {ExecutionHashing} from "../../contracts/libraries/ExecutionHashing.sol";
import {QuorumVerifier} from "../../contracts/libraries/QuorumVerifier.sol";
import {AnchorFixture} from "./utils/AnchorFixture.sol";

/// @notice DESIGN.md §6 invariants 3, 4 and 5 at the anchor: batches chain gaplessly, each batch is
/// anchored once, a zero root is never accepted, nothing signed verifies on another chain or instance,
/// and a leaf can never be confused with an internal node.
contract RollupAnchorTest is AnchorFixture {
    bytes32 private constant ROOT_1 = keccak256("root 1");
    bytes32 private constant ROOT_2 = keccak256("root 2");

    /// @dev Read once in setUp: under via-IR the optimizer may re-evaluate a local copy of
    /// block.chainid after vm.chainId, so the home chain id is kept in storage.
    uint256 private homeChainId;

    function setUp() public {
        _deployAnchor();
        homeChainId = block.chainid;
    }

    function _rejectedByQuorum(RollupAnchor target, IRollupAnchor.BatchHeader memory h, QuorumVerifier.Proof memory p)
        private
    {
        (bool ok, bytes memory reason) = address(target).call(abi.encodeCall(RollupAnchor.anchor, (h, bytes32(0), p)));
        vm.assertFalse(ok, "anchored");
        vm.assertTrue(_isQuorumError(selectorOf(reason)), "rejected, but not by the quorum check");
        vm.assertEq(target.batchCommitment(h.batchSeq), bytes32(0), "nothing stored");
    }

    // ---------------------------------------------------------------- anchoring and the chain of commitments

    function test_anchor_StoresOneCommitmentPerBatchAndChains() public {
        vm.assertEq(anchor.batchCommitment(0), _commitment(bytes32(0), 0), "genesis commitment");
        _anchor(_header(1, 4, ROOT_1));
        vm.assertEq(anchor.batchCommitment(1), _commitment(ROOT_1, 4), "batch 1 commitment");
        vm.assertEq(uint256(anchor.batchCommitment(1)) >> 192, 4, "lastSeq in the clear");
        _anchor(_header(2, 9, ROOT_2));
        vm.assertEq(anchor.batchCommitment(2), _commitment(ROOT_2, 9), "batch 2 commitment");
        vm.assertEq(anchor.batchCommitment(3), bytes32(0), "nothing beyond the last batch");
    }

    function testFuzz_batchCommitment_MatchesFormula(bytes32 root, uint64 lastSeq) public view {
        vm.assertEq(formats.batchCommitment(root, lastSeq), _commitment(root, lastSeq), "FORMATS.md section 8");
    }

    function test_anchor_RevertWhen_ZeroRoot() public {
        IRollupAnchor.BatchHeader memory h = _header(1, 4, bytes32(0));
        QuorumVerifier.Proof memory p = _sign(h);
        vm.expectRevert(IRollupAnchor.RollupAnchorZeroRoot.selector);
        anchor.anchor(h, bytes32(0), p);
        vm.assertEq(anchor.batchCommitment(1), bytes32(0), "nothing stored");
    }

    /// @notice Each batch (and so each execution it carries) is anchored at most once: a retry of the
    /// same signed batch, or another validly signed root for the same batch sequence, changes nothing.
    function test_anchor_RevertWhen_BatchAnchoredTwice() public {
        IRollupAnchor.BatchHeader memory h = _header(1, 4, ROOT_1);
        QuorumVerifier.Proof memory p = _sign(h);
        anchor.anchor(h, bytes32("ar-1"), p);
        vm.expectRevert(abi.encodeWithSelector(IRollupAnchor.RollupAnchorBatchAlreadyAnchored.selector, 1));
        anchor.anchor(h, bytes32("ar-1"), p);

        // A competing root for batch 1, signed before batch 1 landed, is refused as well.
        vm.assertEq(anchor.batchCommitment(1), _commitment(ROOT_1, 4), "the first commitment stays");
        IRollupAnchor.BatchHeader memory other = _header(1, 4, ROOT_2);
        QuorumVerifier.Proof memory otherProof =
            _signDigest(anchor, _digest(anchor, other, 1, anchor.batchCommitment(0)), aggregatorKeys, aggregators, DEFAULT_BITMAP);
        vm.expectRevert(abi.encodeWithSelector(IRollupAnchor.RollupAnchorBatchAlreadyAnchored.selector, 1));
        anchor.anchor(other, bytes32("ar-2"), otherProof);
        vm.assertEq(anchor.batchCommitment(1), _commitment(ROOT_1, 4), "the first commitment stays");
    }

    function test_anchor_RevertWhen_GenesisBatchSeq() public {
        QuorumVerifier.Proof memory p = _sign(_header(1, 4, ROOT_1));
        vm.expectRevert(abi.encodeWithSelector(IRollupAnchor.RollupAnchorBatchAlreadyAnchored.selector, 0));
        anchor.anchor(_header(0, 4, ROOT_1), bytes32(0), p);
    }

    /// @notice Batches are anchored in order: any batch sequence past the next one is refused.
    function testFuzz_anchor_RevertWhen_PreviousBatchMissing(uint64 batchSeq) public {
        _anchor(_header(1, 4, ROOT_1));
        batchSeq = uint64(bound(batchSeq, 3, type(uint64).max));
        QuorumVerifier.Proof memory p = _sign(_header(2, 9, ROOT_2));
        vm.expectRevert(abi.encodeWithSelector(IRollupAnchor.RollupAnchorPreviousBatchMissing.selector, batchSeq));
        anchor.anchor(_header(batchSeq, 9, ROOT_2), bytes32(0), p);
    }

    /// @notice The results of batch 1 (lastSeq 4) cannot be anchored again as batch 2: batch 2 starts at 5,
    /// so any lastSeq <= 4 is an empty (backward) range.
    function testFuzz_anchor_RevertWhen_RangeEndsBeforeNextResult(uint64 lastSeq) public {
        _anchor(_header(1, 4, ROOT_1));
        lastSeq = uint64(bound(lastSeq, 0, 4));
        QuorumVerifier.Proof memory p = _sign(_header(2, 9, ROOT_2));
        vm.expectRevert(abi.encodeWithSelector(IRollupAnchor.RollupAnchorInvalidRange.selector, 5, lastSeq));
        anchor.anchor(_header(2, lastSeq, ROOT_1), bytes32(0), p);
    }

    /// @notice The signed header names firstSeq (derived on-chain from the previous batch): a quorum that
    /// signed an overlapping (firstSeq <= 4) or gapped (firstSeq > 5) range for batch 2 never anchors it.
    function testFuzz_anchor_RevertWhen_SignedRangeOverlapsOrLeavesGap(uint64 firstSeq) public {
        _anchor(_header(1, 4, ROOT_1));
        IRollupAnchor.BatchHeader memory h = _header(2, 400, ROOT_2);
        bytes32 prev = anchor.batchCommitment(1);
        // Control: the off-chain digest with the right firstSeq is the contract's.
        vm.assertEq(_digest(anchor, h, 5, prev), anchor.batchHeaderDigest(h), "digest with the derived firstSeq");

        firstSeq = uint64(bound(firstSeq, 1, 400));
        vm.assume(firstSeq != 5);
        _rejectedByQuorum(anchor, h, _signDigest(anchor, _digest(anchor, h, firstSeq, prev), aggregatorKeys, aggregators, DEFAULT_BITMAP));
        anchor.anchor(h, bytes32(0), _sign(h));
    }

    /// @notice The signed header names the previous batch's commitment: a batch signed on top of another
    /// predecessor (a fork of the chain of batches) never anchors.
    function testFuzz_anchor_RevertWhen_SignedAgainstAnotherPredecessor(bytes32 otherRoot) public {
        vm.assume(otherRoot != ROOT_1);
        _anchor(_header(1, 4, ROOT_1));
        IRollupAnchor.BatchHeader memory h = _header(2, 9, ROOT_2);
        bytes32 forged = _commitment(otherRoot, 4);
        _rejectedByQuorum(anchor, h, _signDigest(anchor, _digest(anchor, h, 5, forged), aggregatorKeys, aggregators, DEFAULT_BITMAP));
    }

    // ---------------------------------------------------------------- invariant 3: no replay elsewhere

    function testFuzz_anchor_RevertWhen_ReplayedOnAnotherChainId(uint64 otherChainId) public {
        uint256 home = homeChainId;
        vm.assume(otherChainId != home && otherChainId != 0);
        IRollupAnchor.BatchHeader memory h = _header(1, 4, ROOT_1);
        QuorumVerifier.Proof memory p = _sign(h);
        bytes32 homeDigest = anchor.batchHeaderDigest(h);

        vm.chainId(otherChainId);
        vm.assertNotEq(anchor.batchHeaderDigest(h), homeDigest, "the signed digest binds the chain id");
        _rejectedByQuorum(anchor, h, p);

        // The same proof is valid where it was made: the rejection above is the chain binding alone.
        vm.chainId(home);
        anchor.anchor(h, bytes32(0), p);
        vm.assertEq(anchor.batchCommitment(1), _commitment(ROOT_1, 4), "anchored at home");
    }

    function test_anchor_RevertWhen_ReplayedOnAnotherInstance() public {
        RollupAnchor twin = _newAnchor();
        twin.setConfig(aggregators, THRESHOLD); // identical signers, threshold and version
        IRollupAnchor.BatchHeader memory h = _header(1, 4, ROOT_1);
        QuorumVerifier.Proof memory p = _sign(h);
        vm.assertNotEq(twin.batchHeaderDigest(h), anchor.batchHeaderDigest(h), "the digest binds the contract");
        (,,, address[] memory twinSigners) = twin.config();
        vm.assertEq(keccak256(abi.encode(twinSigners)), keccak256(abi.encode(aggregators)), "same signer set");

        _rejectedByQuorum(twin, h, p);
        anchor.anchor(h, bytes32(0), p);
    }

    // ---------------------------------------------------------------- invariant 2 at the anchor

    function test_anchor_RevertWhen_SignedUnderSupersededConfig() public {
        IRollupAnchor.BatchHeader memory h = _header(1, 4, ROOT_1);
        QuorumVerifier.Proof memory old = _sign(h);
        (bytes32 before,,,) = anchor.config();
        anchor.setConfig(aggregators, THRESHOLD); // same set, new version
        (bytes32 current, uint64 version,,) = anchor.config();
        vm.assertNotEq(current, before, "every setConfig yields a new digest");
        vm.assertEq(uint256(version), 2, "version incremented");

        _rejectedByQuorum(anchor, h, old);
        anchor.anchor(h, bytes32(0), _sign(h));
    }

    function test_anchor_RevertWhen_SignedByRotatedOutAggregators() public {
        (uint256[] memory newKeys, address[] memory newSigners) = sortedKeys(AGGREGATOR_SEED + 1, AGGREGATORS);
        anchor.setConfig(newSigners, THRESHOLD);
        IRollupAnchor.BatchHeader memory h = _header(1, 4, ROOT_1);
        _rejectedByQuorum(anchor, h, _sign(anchor, h, aggregatorKeys, aggregators, DEFAULT_BITMAP));
        anchor.anchor(h, bytes32(0), _sign(anchor, h, newKeys, newSigners, DEFAULT_BITMAP));
    }

    function test_anchor_RevertWhen_SignedBelowThreshold() public {
        IRollupAnchor.BatchHeader memory h = _header(1, 4, ROOT_1);
        QuorumVerifier.Proof memory p = _sign(anchor, h, aggregatorKeys, aggregators, 0x05);
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumSignatureCount.selector, THRESHOLD, 2));
        anchor.anchor(h, bytes32(0), p);
    }

    // ---------------------------------------------------------------- invariant 5: leaves vs internal nodes

    struct Tree {
        ExecutionHashing.ExecutionLeaf[4] leaves;
        bytes32[4] hashes;
        bytes32 n01;
        bytes32 n23;
        bytes32 root;
    }

    function _leaf(uint256 i) private pure returns (ExecutionHashing.ExecutionLeaf memory) {
        return ExecutionHashing.ExecutionLeaf({
            jobId: keccak256(abi.encode("job", i)),
            resultSeq: uint64(i + 1),
            clauseId: keccak256("WHO::Health::PandemicAlert@1.0.0"),
            tenantId: keccak256(abi.encode("tenant", i % 2)),
            inputHash: keccak256(abi.encode("input", i)),
            outputHash: keccak256(abi.encode("output", i)),
            cacSetHash: keccak256(abi.encode("cacs", i))
        });
    }

    function _tree() private view returns (Tree memory t) {
        for (uint256 i; i < 4; ++i) {
            t.leaves[i] = _leaf(i);
            t.hashes[i] = formats.leafHash(t.leaves[i]);
        }
        t.n01 = Hashes.commutativeKeccak256(t.hashes[0], t.hashes[1]);
        t.n23 = Hashes.commutativeKeccak256(t.hashes[2], t.hashes[3]);
        t.root = Hashes.commutativeKeccak256(t.n01, t.n23);
    }

    function _proof1(bytes32 a) private pure returns (bytes32[] memory p) {
        p = new bytes32[](1);
        p[0] = a;
    }

    function _proof2(bytes32 a, bytes32 b) private pure returns (bytes32[] memory p) {
        p = new bytes32[](2);
        (p[0], p[1]) = (a, b);
    }

    function _anchorTree(Tree memory t) private returns (IRollupAnchor.BatchRef memory ref) {
        _anchor(_header(1, 4, t.root));
        ref = IRollupAnchor.BatchRef({batchSeq: 1, root: t.root, lastSeq: 4});
    }

    function test_verifyInclusion_AcceptsEveryLeafOfAnchoredBatch() public {
        Tree memory t = _tree();
        IRollupAnchor.BatchRef memory ref = _anchorTree(t);
        vm.assertTrue(anchor.verifyInclusion(ref, t.leaves[0], _proof2(t.hashes[1], t.n23)), "leaf 0");
        vm.assertTrue(anchor.verifyInclusion(ref, t.leaves[1], _proof2(t.hashes[0], t.n23)), "leaf 1");
        vm.assertTrue(anchor.verifyInclusion(ref, t.leaves[2], _proof2(t.hashes[3], t.n01)), "leaf 2");
        vm.assertTrue(anchor.verifyInclusion(ref, t.leaves[3], _proof2(t.hashes[2], t.n01)), "leaf 3");
        vm.assertFalse(anchor.verifyInclusion(ref, t.leaves[0], _proof2(t.hashes[2], t.n23)), "wrong sibling");
        // Wrong lastSeq or an unanchored batch: no commitment matches.
        ref.lastSeq = 5;
        vm.assertFalse(anchor.verifyInclusion(ref, t.leaves[0], _proof2(t.hashes[1], t.n23)), "wrong lastSeq");
        ref = IRollupAnchor.BatchRef({batchSeq: 2, root: t.root, lastSeq: 4});
        vm.assertFalse(anchor.verifyInclusion(ref, t.leaves[0], _proof2(t.hashes[1], t.n23)), "unanchored batch");
    }

    /// @notice An internal node verifies with OpenZeppelin's raw `MerkleProof` (which takes a leaf *hash*),
    /// but RollupAnchor takes leaf *values* and double-hashes them, so an internal node placed in any
    /// leaf field, with its sibling as the proof, never verifies.
    function testFuzz_verifyInclusion_RejectsInternalNodeAsLeaf(uint256 fieldSeed, bool useRight, uint256 salt) public {
        Tree memory t = _tree();
        IRollupAnchor.BatchRef memory ref = _anchorTree(t);
        (bytes32 node, bytes32 sibling) = useRight ? (t.n23, t.n01) : (t.n01, t.n23);

        // What the double hash defends against: with a raw hash API, the internal node is "a leaf".
        vm.assertTrue(MerkleProof.verify(_proof1(sibling), t.root, node), "raw MerkleProof accepts the node");

        ExecutionHashing.ExecutionLeaf memory leaf = ExecutionHashing.ExecutionLeaf({
            jobId: keccak256(abi.encode(salt, 0)),
            resultSeq: uint64(uint256(keccak256(abi.encode(salt, 1)))),
            clauseId: keccak256(abi.encode(salt, 2)),
            tenantId: keccak256(abi.encode(salt, 3)),
            inputHash: keccak256(abi.encode(salt, 4)),
            outputHash: keccak256(abi.encode(salt, 5)),
            cacSetHash: keccak256(abi.encode(salt, 6))
        });
        uint256 field = bound(fieldSeed, 0, 6);
        if (field == 0) leaf.jobId = node;
        else if (field == 1) leaf.resultSeq = uint64(uint256(node));
        else if (field == 2) leaf.clauseId = node;
        else if (field == 3) leaf.tenantId = node;
        else if (field == 4) leaf.inputHash = node;
        else if (field == 5) leaf.outputHash = node;
        else leaf.cacSetHash = node;

        vm.assertNotEq(formats.leafHash(leaf), node, "a leaf hash equal to an internal node");
        vm.assertFalse(anchor.verifyInclusion(ref, leaf, _proof1(sibling)), "an internal node verified as a leaf");
        // Every field set to the node at once does not help either.
        leaf = ExecutionHashing.ExecutionLeaf(node, uint64(uint256(node)), node, node, node, node, node);
        vm.assertFalse(anchor.verifyInclusion(ref, leaf, _proof1(sibling)), "all fields = node verified");
    }

    /// @notice Why the second hash matters: if a leaf were the single hash of a 64-byte encoding, the two
    /// children of an internal node, presented as leaf values, would verify. Double-hashed, they do not.
    function test_leafHash_DoubleHashKeepsChildrenPairFromPassingAsLeaf() public pure {
        bytes32[4] memory single;
        bytes32[4] memory double;
        for (uint256 i; i < 4; ++i) {
            bytes memory enc = abi.encode(keccak256(abi.encode("a", i)), keccak256(abi.encode("b", i)));
            single[i] = keccak256(enc);
            double[i] = keccak256(bytes.concat(keccak256(enc)));
        }
        // Single-hashed tree: (lo, hi), the sorted children of s01, encode to s01's preimage.
        bytes32 s01 = Hashes.commutativeKeccak256(single[0], single[1]);
        bytes32 s23 = Hashes.commutativeKeccak256(single[2], single[3]);
        bytes32 sRoot = Hashes.commutativeKeccak256(s01, s23);
        (bytes32 lo, bytes32 hi) = single[0] < single[1] ? (single[0], single[1]) : (single[1], single[0]);
        bytes32 forgedSingle = keccak256(abi.encode(lo, hi));
        vm.assertEq(forgedSingle, s01, "single hash: the children pair hashes to the node");
        vm.assertTrue(MerkleProof.verify(_proof1(s23), sRoot, forgedSingle), "single hash: the forged leaf verifies");

        // Double-hashed tree (ours): the same forgery hashes to H(node), not node.
        bytes32 d01 = Hashes.commutativeKeccak256(double[0], double[1]);
        bytes32 d23 = Hashes.commutativeKeccak256(double[2], double[3]);
        bytes32 dRoot = Hashes.commutativeKeccak256(d01, d23);
        (lo, hi) = double[0] < double[1] ? (double[0], double[1]) : (double[1], double[0]);
        bytes32 forgedDouble = keccak256(bytes.concat(keccak256(abi.encode(lo, hi))));
        vm.assertNotEq(forgedDouble, d01, "double hash: the pair does not hash to the node");
        vm.assertFalse(MerkleProof.verify(_proof1(d23), dRoot, forgedDouble), "double hash: the forgery fails");
    }

    /// @notice Genesis has root 0 and lastSeq 0: naming it never proves anything.
    function testFuzz_verifyInclusion_RejectsZeroRoot(uint256 salt, bytes32 sibling) public view {
        ExecutionHashing.ExecutionLeaf memory leaf = _leaf(salt % 1000);
        IRollupAnchor.BatchRef memory genesis = IRollupAnchor.BatchRef({batchSeq: 0, root: bytes32(0), lastSeq: 0});
        vm.assertFalse(anchor.verifyInclusion(genesis, leaf, new bytes32[](0)), "empty proof against the zero root");
        vm.assertFalse(anchor.verifyInclusion(genesis, leaf, _proof1(sibling)), "one-step proof against the zero root");
    }

    /// @notice ExecutionHashing.processProof (the anchor's assembly walk) equals OpenZeppelin's MerkleProof.
    function testFuzz_processProof_MatchesOpenZeppelin(bytes32 leaf, bytes32[] calldata proof) public view {
        vm.assertEq(formats.processProof(proof, leaf), MerkleProof.processProofCalldata(proof, leaf), "sorted-pair walk");
    }
}
