// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {QuorumVerifier} from "../../contracts/libraries/QuorumVerifier.sol";
import {QuorumHarness} from "./harness/QuorumHarness.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice DESIGN.md §6 invariants 1 and 2 for the quorum library: one signature per key, distinct and
/// ascending signers, low-s only, never address(0), 1 <= k <= n, and only the current config counts.
contract QuorumVerifierTest is TestBase {
    uint256 private constant SEED = 1;
    uint256 private constant N = 5;
    uint8 private constant K = 3;
    bytes32 private constant MESSAGE = keccak256("nsf.test.message");

    QuorumHarness private harness;
    uint256[] private keys;
    address[] private signers;

    /// @dev The harness's current config version, cached so building a proof makes no external call
    /// (an external call between vm.expectRevert and the call under test would consume the expectation).
    uint64 private cfgVersion;

    function setUp() public {
        harness = new QuorumHarness();
        (keys, signers) = sortedKeys(SEED, N);
        _setConfig(signers, K);
    }

    function _setConfig(address[] memory addrs, uint8 k) internal {
        harness.setConfig(addrs, k);
        cfgVersion = harness.version();
    }

    // ---------------------------------------------------------------- helpers

    function _proof(uint64 version, uint8 threshold, uint256 bitmap, ProofParts memory parts)
        internal
        pure
        returns (QuorumVerifier.Proof memory)
    {
        return QuorumVerifier.Proof({
            configVersion: version,
            threshold: threshold,
            signerBitmap: bitmap,
            packed: packParts(parts)
        });
    }

    /// @dev A proof for the current config of the default 3-of-5 keys.
    function _proof(uint256 bitmap) internal view returns (QuorumVerifier.Proof memory) {
        return _proof(cfgVersion, K, bitmap, proofParts(keys, signers, bitmap, MESSAGE));
    }

    /// @dev Index among the signatures of config position `position` (number of set bits below it).
    function _sigIndex(uint256 bitmap, uint256 position) internal pure returns (uint256) {
        return popcount(bitmap & ((1 << position) - 1));
    }

    /// @dev Sets bits of `bitmap` from position 0 upward (skipping `avoid`) until it has `k` bits.
    function _fillTo(uint256 bitmap, uint256 k, uint256 n, uint256 avoid) internal pure returns (uint256) {
        for (uint256 i; i < n && popcount(bitmap) < k; ++i) {
            if (i != avoid) bitmap |= 1 << i;
        }
        return bitmap;
    }

    function _randomConfig(uint256 seed, uint256 nSeed, uint256 kSeed)
        internal
        returns (uint256[] memory ks, address[] memory addrs, uint256 n, uint8 k)
    {
        n = bound(nSeed, 1, QuorumVerifier.MAX_SIGNERS);
        k = uint8(bound(kSeed, 1, n));
        (ks, addrs) = sortedKeys(seed, n);
        _setConfig(addrs, k);
    }

    /// @dev A bitmap with exactly k of the low n bits set, chosen by `pick` (a partial Fisher-Yates).
    function _kSubset(uint256 pick, uint256 n, uint256 k) internal pure returns (uint256 bitmap) {
        uint256[] memory pos = new uint256[](n);
        for (uint256 i; i < n; ++i) pos[i] = i;
        for (uint256 i; i < k; ++i) {
            uint256 j = i + uint256(keccak256(abi.encode(pick, i))) % (n - i);
            (pos[i], pos[j]) = (pos[j], pos[i]);
            bitmap |= 1 << pos[i];
        }
    }

    function _isQuorumError(bytes4 sel) internal pure returns (bool) {
        return sel == QuorumVerifier.QuorumSignatureCount.selector || sel == QuorumVerifier.QuorumSignatureLength.selector
            || sel == QuorumVerifier.QuorumBitmapOutOfRange.selector
            || sel == QuorumVerifier.QuorumMalleableSignature.selector
            || sel == QuorumVerifier.QuorumInvalidSignature.selector || sel == QuorumVerifier.QuorumSignerOrder.selector
            || sel == QuorumVerifier.QuorumConfigMismatch.selector;
    }

    // ---------------------------------------------------------------- acceptance

    function test_verify_AcceptsThresholdOfConfigSigners() public view {
        harness.verify(MESSAGE, _proof(0x15)); // positions 0, 2, 4
        harness.verify(MESSAGE, _proof(0x07)); // positions 0, 1, 2
        harness.verify(MESSAGE, _proof(0x1c)); // positions 2, 3, 4
    }

    /// @notice For a random config (1 <= n <= 32, 1 <= k <= n) every k-subset of its signers verifies.
    function testFuzz_verify_AcceptsEveryKSubset(uint256 seed, uint256 nSeed, uint256 kSeed, uint256 pick) public {
        (uint256[] memory ks, address[] memory addrs, uint256 n, uint8 k) = _randomConfig(seed, nSeed, kSeed);
        uint256 bitmap = _kSubset(pick, n, k);
        harness.verify(MESSAGE, _proof(cfgVersion, k, bitmap, proofParts(ks, addrs, bitmap, MESSAGE)));
    }

    /// @notice A bitmap over the config's positions verifies iff it names exactly k signers; any other
    /// count fails with QuorumSignatureCount(k, count), and claiming the threshold the signatures happen
    /// to meet fails on the config digest.
    function testFuzz_verify_AcceptsExactlyKSignerBitmaps(uint256 seed, uint256 nSeed, uint256 kSeed, uint256 rawBitmap)
        public
    {
        (uint256[] memory ks, address[] memory addrs, uint256 n, uint8 k) = _randomConfig(seed, nSeed, kSeed);
        uint256 bitmap = rawBitmap & ((1 << n) - 1);
        uint64 version = cfgVersion;
        QuorumVerifier.Proof memory p = _proof(version, k, bitmap, proofParts(ks, addrs, bitmap, MESSAGE));
        uint256 count = popcount(bitmap);
        if (count == k) {
            harness.verify(MESSAGE, p);
        } else {
            vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumSignatureCount.selector, k, count));
            harness.verify(MESSAGE, p);
            if (count > 0) {
                p.threshold = uint8(count);
                bytes32 lying = harness.configDigest(harness.ROLE(), version, uint8(count), addrs);
                vm.expectRevert(
                    abi.encodeWithSelector(QuorumVerifier.QuorumConfigMismatch.selector, harness.storedDigest(), lying)
                );
                harness.verify(MESSAGE, p);
            }
        }
    }

    /// @notice Any single-byte change to a valid proof or to the signed digest is rejected with a quorum error.
    function testFuzz_verify_RevertWhen_AnySingleByteCorrupted(
        uint256 seed,
        uint256 nSeed,
        uint256 kSeed,
        uint256 pick,
        uint256 offsetSeed,
        uint8 flip
    ) public {
        (uint256[] memory ks, address[] memory addrs, uint256 n, uint8 k) = _randomConfig(seed, nSeed, kSeed);
        uint256 bitmap = _kSubset(pick, n, k);
        QuorumVerifier.Proof memory p = _proof(cfgVersion, k, bitmap, proofParts(ks, addrs, bitmap, MESSAGE));
        harness.verify(MESSAGE, p); // valid before corruption

        uint8 mask = uint8(bound(flip, 1, 255));
        // Byte layout: digest 32 | configVersion 8 | threshold 1 | bitmap 32 | packed.
        uint256 offset = bound(offsetSeed, 0, 32 + 8 + 1 + 32 + p.packed.length - 1);
        bytes32 digest = MESSAGE;
        if (offset < 32) {
            digest = bytes32(uint256(digest) ^ (uint256(mask) << (8 * (31 - offset))));
        } else if ((offset -= 32) < 8) {
            p.configVersion ^= uint64(mask) << uint64(8 * (7 - offset));
        } else if ((offset -= 8) < 1) {
            p.threshold ^= mask;
        } else if ((offset -= 1) < 32) {
            p.signerBitmap ^= uint256(mask) << (8 * (31 - offset));
        } else {
            offset -= 32;
            p.packed[offset] = bytes1(uint8(p.packed[offset]) ^ mask);
        }

        (bool ok, bytes memory reason) = address(harness).call(abi.encodeCall(QuorumHarness.verify, (digest, p)));
        vm.assertFalse(ok, "a corrupted proof verified");
        vm.assertTrue(_isQuorumError(selectorOf(reason)), "rejected, but not with a quorum error");
    }

    // ---------------------------------------------------------------- invariant 1: one signature per key

    /// @notice Key `dupOf` also signs at position `position`: the rebuilt list breaks strict order exactly
    /// where the duplicate lands (below its own position) or right after it (above).
    function testFuzz_verify_RevertWhen_DuplicateSignerAtAnyPosition(
        uint256 seed,
        uint256 nSeed,
        uint256 positionSeed,
        uint256 dupSeed,
        uint256 kSeed
    ) public {
        uint256 n = bound(nSeed, 2, QuorumVerifier.MAX_SIGNERS);
        uint256 position = bound(positionSeed, 0, n - 1);
        uint256 dupOf = bound(dupSeed, 0, n - 2);
        if (dupOf >= position) dupOf += 1; // any other position
        uint8 k = uint8(bound(kSeed, 1, n));
        (uint256[] memory ks, address[] memory addrs) = sortedKeys(seed, n);
        _setConfig(addrs, k);

        uint256 bitmap = _fillTo(1 << position, k, n, type(uint256).max);
        ProofParts memory parts = proofParts(ks, addrs, bitmap, MESSAGE);
        parts.signatures[_sigIndex(bitmap, position)] = signDigest(ks[dupOf], MESSAGE);

        if (dupOf < position) {
            vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumSignerOrder.selector, position, addrs[dupOf]));
        } else {
            // addrs[dupOf] sits at `position`, so the next entry (addrs[position + 1] <= addrs[dupOf]) is out of order.
            vm.expectRevert(
                abi.encodeWithSelector(QuorumVerifier.QuorumSignerOrder.selector, position + 1, addrs[position + 1])
            );
        }
        harness.verify(MESSAGE, _proof(cfgVersion, k, bitmap, parts));
    }

    /// @notice A non-signer slot repeating the signer just before it is rejected at that position.
    function testFuzz_verify_RevertWhen_NonSignerDuplicatesSigner(uint256 positionSeed) public {
        uint256 position = bound(positionSeed, 1, N - 1);
        uint256 bitmap = _fillTo(1 << (position - 1), K, N, position);
        ProofParts memory parts = proofParts(keys, signers, bitmap, MESSAGE);
        parts.nonSigners[position - _sigIndex(bitmap, position)] = signers[position - 1];
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumSignerOrder.selector, position, signers[position - 1]));
        harness.verify(MESSAGE, _proof(cfgVersion, K, bitmap, parts));
    }

    function test_verify_RevertWhen_SignaturesUnsorted() public {
        // Positions 0, 2, 4 signed, but the first two signatures swapped.
        ProofParts memory parts = proofParts(keys, signers, 0x15, MESSAGE);
        (parts.signatures[0], parts.signatures[1]) = (parts.signatures[1], parts.signatures[0]);
        // Position 0 now recovers signers[2]; position 1 (the non-signer signers[1]) is below it.
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumSignerOrder.selector, 1, signers[1]));
        harness.verify(MESSAGE, _proof(cfgVersion, K, 0x15, parts));
    }

    function test_verify_RevertWhen_NonSignersUnsorted() public {
        // Positions 1 and 3 are non-signers; listing them in the wrong order breaks the rebuilt list.
        ProofParts memory parts = proofParts(keys, signers, 0x15, MESSAGE);
        (parts.nonSigners[0], parts.nonSigners[1]) = (parts.nonSigners[1], parts.nonSigners[0]);
        // Position 1 gets signers[3], position 2 recovers signers[2] < signers[3].
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumSignerOrder.selector, 2, signers[2]));
        harness.verify(MESSAGE, _proof(cfgVersion, K, 0x15, parts));
    }

    function test_verify_RevertWhen_HighSTwinOfValidSignature() public {
        for (uint256 position; position < N; ++position) {
            uint256 bitmap = _fillTo(1 << position, K, N, type(uint256).max);
            ProofParts memory parts = proofParts(keys, signers, bitmap, MESSAGE);
            bytes memory twin = highSTwin(parts.signatures[_sigIndex(bitmap, position)]);
            // The twin is a valid secp256k1 signature by the same key: only the low-s rule rejects it.
            (bytes32 r, bytes32 s, uint8 v) = splitSig(twin);
            vm.assertEq(ecrecover(MESSAGE, v, r, s), signers[position], "the twin recovers to the same key");
            parts.signatures[_sigIndex(bitmap, position)] = twin;
            vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumMalleableSignature.selector, position));
            harness.verify(MESSAGE, _proof(cfgVersion, K, bitmap, parts));
        }
    }

    function test_recover_RevertWhen_HighSTwin() public {
        (bytes32 r, bytes32 s, uint8 v) = splitSig(highSTwin(signDigest(keys[0], MESSAGE)));
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumMalleableSignature.selector, 7));
        harness.recover(MESSAGE, r, s, v, 7);
    }

    function test_verify_RevertWhen_SignatureRecoversToZeroAddress() public {
        (bytes32 r, bytes32 s, uint8 v) = splitSig(signDigest(keys[2], MESSAGE));
        bytes[4] memory bad = [
            abi.encodePacked(r, s, uint8(29)), // v outside {27, 28}
            abi.encodePacked(r, s, uint8(v - 27)), // v in {0, 1}: the precompile returns nothing
            abi.encodePacked(bytes32(0), s, v), // r = 0
            abi.encodePacked(r, bytes32(0), v) // s = 0
        ];
        for (uint256 i; i < bad.length; ++i) {
            (bytes32 br, bytes32 bs, uint8 bv) = splitSig(bad[i]);
            vm.assertEq(ecrecover(MESSAGE, bv, br, bs), address(0), "precondition: recovers to address(0)");
            ProofParts memory parts = proofParts(keys, signers, 0x15, MESSAGE);
            parts.signatures[1] = bad[i]; // position 2 is the second signature
            vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumInvalidSignature.selector, 2));
            harness.verify(MESSAGE, _proof(cfgVersion, K, 0x15, parts));
            vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumInvalidSignature.selector, 4));
            harness.recover(MESSAGE, br, bs, bv, 4);
        }
    }

    function test_recover_ReturnsSignerOfValidSignature() public view {
        (bytes32 r, bytes32 s, uint8 v) = splitSig(signDigest(keys[3], MESSAGE));
        vm.assertEq(harness.recover(MESSAGE, r, s, v, 0), signers[3], "recovered signer");
    }

    function test_verify_RevertWhen_ForeignKeySigns() public {
        ProofParts memory parts = proofParts(keys, signers, 0x15, MESSAGE);
        parts.signatures[1] = signDigest(keyOf(99, 0), MESSAGE);
        // Either order breaks or the rebuilt list is not the config: both reject the foreign key.
        QuorumVerifier.Proof memory p = _proof(cfgVersion, K, 0x15, parts);
        (bool ok, bytes memory reason) = address(harness).call(abi.encodeCall(QuorumHarness.verify, (MESSAGE, p)));
        vm.assertFalse(ok, "a foreign key counted");
        bytes4 sel = selectorOf(reason);
        vm.assertTrue(
            sel == QuorumVerifier.QuorumSignerOrder.selector || sel == QuorumVerifier.QuorumConfigMismatch.selector,
            "unexpected error"
        );
    }

    function test_verify_RevertWhen_CountLengthOrBitmapMalformed() public {
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumSignatureCount.selector, K, 2));
        harness.verify(MESSAGE, _proof(0x05)); // two signatures where three are required

        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumSignatureCount.selector, K, 4));
        harness.verify(MESSAGE, _proof(0x0f)); // four signatures

        QuorumVerifier.Proof memory p = _proof(0x15);
        p.packed = bytes.concat(p.packed, hex"00");
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumSignatureLength.selector, 2 * 20 + 3 * 65 + 1));
        harness.verify(MESSAGE, p);

        p = _proof(0x15);
        p.packed = new bytes(3 * 65 - 1); // shorter than the signatures alone
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumSignatureLength.selector, 3 * 65 - 1));
        harness.verify(MESSAGE, p);

        // A bit beyond the rebuilt list (3 signed + 2 listed = 5 positions; bit 5 is outside).
        p = _proof(0x15);
        p.signerBitmap = 0x25; // positions 0, 2, 5
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumBitmapOutOfRange.selector, 0x25, 5));
        harness.verify(MESSAGE, p);
    }

    // ---------------------------------------------------------------- invariant 2: 1 <= k <= n, new digest per change

    function test_setConfig_RevertWhen_ThresholdZero() public {
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumInvalidThreshold.selector, 0, N));
        harness.setConfig(signers, 0);
    }

    function test_setConfig_RevertWhen_ThresholdAboveSignerCount() public {
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumInvalidThreshold.selector, N + 1, N));
        harness.setConfig(signers, uint8(N + 1));
    }

    function test_setConfig_RevertWhen_EmptySignerSet() public {
        address[] memory none = new address[](0);
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumInvalidThreshold.selector, 1, 0));
        harness.setConfig(none, 1);
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumInvalidThreshold.selector, 0, 0));
        harness.setConfig(none, 0);
    }

    function test_setConfig_RevertWhen_MoreThanMaxSigners() public {
        (, address[] memory many) = sortedKeys(SEED, QuorumVerifier.MAX_SIGNERS + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                QuorumVerifier.QuorumTooManySigners.selector, QuorumVerifier.MAX_SIGNERS + 1, QuorumVerifier.MAX_SIGNERS
            )
        );
        harness.setConfig(many, 1);
    }

    function test_setConfig_RevertWhen_ZeroAddressSigner() public {
        address[] memory list = new address[](2);
        list[1] = signers[0];
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumSignersNotAscending.selector, 0, address(0)));
        harness.setConfig(list, 1);
    }

    function testFuzz_setConfig_RevertWhen_ThresholdOutOfRange(uint256 nSeed, uint8 k) public {
        uint256 n = bound(nSeed, 0, QuorumVerifier.MAX_SIGNERS);
        vm.assume(k == 0 || k > n);
        (, address[] memory addrs) = sortedKeys(SEED, n);
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumInvalidThreshold.selector, k, n));
        harness.setConfig(addrs, k);
    }

    function testFuzz_setConfig_RevertWhen_DuplicateOrUnsortedSigner(uint256 nSeed, uint256 positionSeed, bool swap)
        public
    {
        uint256 n = bound(nSeed, 2, QuorumVerifier.MAX_SIGNERS);
        uint256 position = bound(positionSeed, 1, n - 1);
        (, address[] memory addrs) = sortedKeys(SEED, n);
        if (swap) (addrs[position - 1], addrs[position]) = (addrs[position], addrs[position - 1]);
        else addrs[position] = addrs[position - 1];
        vm.expectRevert(
            abi.encodeWithSelector(QuorumVerifier.QuorumSignersNotAscending.selector, position, addrs[position])
        );
        harness.setConfig(addrs, 1);
    }

    /// @notice A proof with no signatures (threshold 0, everyone listed as non-signer) never verifies.
    function test_verify_RevertWhen_ZeroThresholdProof() public {
        QuorumVerifier.Proof memory p = _proof(1, 0, 0, proofParts(keys, signers, 0, MESSAGE));
        bytes32 computed = harness.configDigest(harness.ROLE(), 1, 0, signers);
        vm.expectRevert(
            abi.encodeWithSelector(QuorumVerifier.QuorumConfigMismatch.selector, harness.storedDigest(), computed)
        );
        harness.verify(MESSAGE, p);
    }

    function test_verify_RevertWhen_SignedUnderSupersededConfig() public {
        QuorumVerifier.Proof memory old = _proof(0x15);
        bytes32 oldDigest = harness.storedDigest();
        harness.verify(MESSAGE, old);

        // Same signers and threshold, new version: the old proof names version 1 and stops counting.
        _setConfig(signers, K);
        bytes32 current = harness.storedDigest();
        vm.assertNotEq(current, oldDigest, "a config change yields a new digest");
        vm.expectRevert(abi.encodeWithSelector(QuorumVerifier.QuorumConfigMismatch.selector, current, oldDigest));
        harness.verify(MESSAGE, old);

        // Rotation to new keys: the old keys' signatures under the new version do not count either.
        (uint256[] memory newKeys, address[] memory newSigners) = sortedKeys(SEED + 1, N);
        _setConfig(newSigners, K);
        QuorumVerifier.Proof memory stale = _proof(3, K, 0x15, proofParts(keys, signers, 0x15, MESSAGE));
        bytes32 staleDigest = harness.configDigest(harness.ROLE(), 3, K, signers);
        vm.expectRevert(
            abi.encodeWithSelector(QuorumVerifier.QuorumConfigMismatch.selector, harness.storedDigest(), staleDigest)
        );
        harness.verify(MESSAGE, stale);
        harness.verify(MESSAGE, _proof(3, K, 0x15, proofParts(newKeys, newSigners, 0x15, MESSAGE)));
    }

    // ---------------------------------------------------------------- the config digest

    function testFuzz_configDigest_MatchesFormula(bytes32 role, uint64 version, uint8 threshold, uint256 nSeed)
        public
        view
    {
        (, address[] memory addrs) = sortedKeys(SEED, bound(nSeed, 0, QuorumVerifier.MAX_SIGNERS));
        vm.assertEq(
            harness.configDigest(role, version, threshold, addrs),
            keccak256(abi.encode(block.chainid, address(harness), role, version, threshold, addrs)),
            "FORMATS.md section 3"
        );
    }

    /// @notice Changing the version, the threshold, the role or any one signer changes the digest.
    function testFuzz_configDigest_ChangesWhenAnyFieldChanges(
        uint64 version,
        uint8 threshold,
        uint256 nSeed,
        uint256 positionSeed,
        address replacement,
        uint64 otherVersion,
        uint8 otherThreshold
    ) public view {
        uint256 n = bound(nSeed, 1, QuorumVerifier.MAX_SIGNERS);
        (, address[] memory addrs) = sortedKeys(SEED, n);
        bytes32 role = harness.ROLE();
        bytes32 base = harness.configDigest(role, version, threshold, addrs);

        if (otherVersion != version) {
            vm.assertNotEq(harness.configDigest(role, otherVersion, threshold, addrs), base, "version not bound");
        }
        if (otherThreshold != threshold) {
            vm.assertNotEq(harness.configDigest(role, version, otherThreshold, addrs), base, "threshold not bound");
        }
        vm.assertNotEq(harness.configDigest(keccak256("NSF.OTHER"), version, threshold, addrs), base, "role not bound");

        uint256 position = bound(positionSeed, 0, n - 1);
        if (replacement != addrs[position]) {
            address[] memory changed = new address[](n);
            for (uint256 i; i < n; ++i) changed[i] = addrs[i];
            changed[position] = replacement;
            vm.assertNotEq(harness.configDigest(role, version, threshold, changed), base, "signer not bound");
        }
        if (n > 1) {
            address[] memory shorter = new address[](n - 1);
            for (uint256 i; i < n - 1; ++i) shorter[i] = addrs[i];
            vm.assertNotEq(harness.configDigest(role, version, threshold, shorter), base, "signer count not bound");
        }
    }

    function testFuzz_configDigest_BindsChainIdAndContract(uint64 chainId) public {
        vm.assume(chainId != block.chainid && chainId != 0);
        bytes32 here = harness.configDigest(harness.ROLE(), 1, K, signers);
        QuorumHarness other = new QuorumHarness();
        vm.assertNotEq(other.configDigest(harness.ROLE(), 1, K, signers), here, "contract not bound");
        vm.chainId(chainId);
        vm.assertNotEq(harness.configDigest(harness.ROLE(), 1, K, signers), here, "chain id not bound");
    }
}
