// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Vm} from "./Vm.sol";

/// @notice Shared helpers for the Solidity tests: the cheatcode handle, a deterministic `bound`,
/// sorted test keys and 65-byte signatures in the r ‖ s ‖ v layout FORMATS.md §4 fixes.
abstract contract TestBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev secp256k1 group order n; low-s means s <= n / 2.
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    /// @dev Maps `x` into [min, max] (inclusive) without rejecting fuzz inputs; values already in
    /// range are kept, so the fuzzer's edge values (0, 1, max) stay edge values where they fit.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    /// @dev A valid private key derived from `seed` and `index` (1 <= key < n).
    function keyOf(uint256 seed, uint256 index) internal pure returns (uint256) {
        return (uint256(keccak256(abi.encode("nsf.test.key", seed, index))) % (SECP256K1_N - 1)) + 1;
    }

    /// @dev `n` keys derived from `seed`, ordered by ascending address (the order configs require).
    function sortedKeys(uint256 seed, uint256 n) internal pure returns (uint256[] memory keys, address[] memory addrs) {
        keys = new uint256[](n);
        addrs = new address[](n);
        for (uint256 i; i < n; ++i) {
            keys[i] = keyOf(seed, i);
            addrs[i] = vm.addr(keys[i]);
        }
        // Insertion sort: n <= 32 here.
        for (uint256 i = 1; i < n; ++i) {
            uint256 k = keys[i];
            address a = addrs[i];
            uint256 j = i;
            while (j > 0 && uint160(addrs[j - 1]) > uint160(a)) {
                keys[j] = keys[j - 1];
                addrs[j] = addrs[j - 1];
                --j;
            }
            keys[j] = k;
            addrs[j] = a;
        }
    }

    /// @dev 65-byte r ‖ s ‖ v signature (v in {27, 28}, low-s: vm.sign always returns the low-s form).
    function signDigest(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev The high-s twin of a signature: (r, n - s, v ^ 1) recovers to the same address.
    function highSTwin(bytes memory sig) internal pure returns (bytes memory) {
        (bytes32 r, bytes32 s, uint8 v) = splitSig(sig);
        return abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
    }

    function splitSig(bytes memory sig) internal pure returns (bytes32 r, bytes32 s, uint8 v) {
        require(sig.length == 65, "splitSig: length");
        assembly ("memory-safe") {
            r := mload(add(sig, 32))
            s := mload(add(sig, 64))
            v := byte(0, mload(add(sig, 96)))
        }
    }

    /// @dev The 4-byte selector of revert data (zero when it is shorter).
    function selectorOf(bytes memory revertData) internal pure returns (bytes4 sel) {
        if (revertData.length < 4) return bytes4(0);
        assembly ("memory-safe") {
            sel := mload(add(revertData, 32))
        }
    }

    /// @dev The parts of a quorum proof before packing: the non-signers' addresses and the signatures,
    /// each in config position order (docs/FORMATS.md §3).
    struct ProofParts {
        address[] nonSigners;
        bytes[] signatures;
    }

    /// @dev Position i signs with keys[i] when bit i of `bitmap` is set; otherwise addrs[i] is listed.
    function proofParts(uint256[] memory keys, address[] memory addrs, uint256 bitmap, bytes32 digest)
        internal
        pure
        returns (ProofParts memory parts)
    {
        uint256 n = addrs.length;
        uint256 signed = popcount(bitmap & ((1 << n) - 1));
        parts.nonSigners = new address[](n - signed);
        parts.signatures = new bytes[](signed);
        uint256 nextNon;
        uint256 nextSig;
        for (uint256 i; i < n; ++i) {
            if ((bitmap >> i) & 1 == 1) parts.signatures[nextSig++] = signDigest(keys[i], digest);
            else parts.nonSigners[nextNon++] = addrs[i];
        }
    }

    /// @dev `packed` = 20-byte non-signer addresses, then 65-byte signatures (docs/FORMATS.md §3).
    function packParts(ProofParts memory parts) internal pure returns (bytes memory packed) {
        for (uint256 i; i < parts.nonSigners.length; ++i) packed = bytes.concat(packed, bytes20(parts.nonSigners[i]));
        for (uint256 i; i < parts.signatures.length; ++i) packed = bytes.concat(packed, parts.signatures[i]);
    }

    function popcount(uint256 x) internal pure returns (uint256 count) {
        while (x != 0) {
            x &= x - 1;
            ++count;
        }
    }
}
