// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title QuorumVerifier
/// @notice k-of-n EIP-712 signature checks against a stored config digest (docs/FORMATS.md §3, §8).
/// @dev The contract stores only the digest of its signer config. A proof names which config
/// positions signed (a bitmap) and carries the addresses of those that did not; the library
/// rebuilds the full signer list from recovered and supplied addresses and checks it against the
/// digest. That binds every recovered signer to its position, so one key can never fill two
/// positions, at the calldata cost of the non-signers only.
library QuorumVerifier {
    /// @dev Bitmaps are uint256, but a small cap keeps the rebuilt list cheap and bounded.
    uint256 internal constant MAX_SIGNERS = 32;
    uint256 private constant SIGNATURE_LENGTH = 65;
    /// @dev secp256k1n / 2: signatures with a larger s are the malleable twins of low-s ones (EIP-2).
    uint256 internal constant HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    /// @notice A quorum proof for one signed digest (docs/FORMATS.md §3).
    /// @param configVersion Version of the config the signers signed under.
    /// @param threshold The config's k.
    /// @param signerBitmap Bit i set = config signer i signed.
    /// @param packed The 20-byte addresses of the config positions whose bit is clear (position order),
    /// followed by the 65-byte (r, s, v) signatures of the set positions (position order). One blob
    /// instead of an address[] and a bytes saves two offsets, a length and the address padding.
    struct Proof {
        uint64 configVersion;
        uint8 threshold;
        uint256 signerBitmap;
        bytes packed;
    }

    /// @notice The proof carries `received` signatures where the config requires exactly `expected`.
    error QuorumSignatureCount(uint256 expected, uint256 received);
    /// @notice The packed blob is not 20 bytes per non-signer plus 65 bytes per set bit.
    error QuorumSignatureLength(uint256 length);
    /// @notice The bitmap names positions beyond the signer list.
    error QuorumBitmapOutOfRange(uint256 bitmap, uint256 signerCount);
    /// @notice The signature at config position `position` has a high s value (malleable twin).
    error QuorumMalleableSignature(uint256 position);
    /// @notice The signature at config position `position` does not recover to a signer.
    error QuorumInvalidSignature(uint256 position);
    /// @notice The rebuilt signer list is not strictly ascending at `position` (duplicate, unsorted or foreign key).
    error QuorumSignerOrder(uint256 position, address signer);
    /// @notice The rebuilt config does not hash to the stored digest (wrong signer, superseded config, other chain/contract).
    error QuorumConfigMismatch(bytes32 expected, bytes32 computed);
    /// @notice A new config violates 1 <= threshold <= signers.length.
    error QuorumInvalidThreshold(uint256 threshold, uint256 signerCount);
    /// @notice A new config has more than MAX_SIGNERS signers.
    error QuorumTooManySigners(uint256 signerCount, uint256 max);
    /// @notice A new config's signers are not strictly ascending non-zero addresses.
    error QuorumSignersNotAscending(uint256 index, address signer);

    /// @notice docs/FORMATS.md §3. Binding chain id and contract makes a digest unusable anywhere else.
    function configDigest(bytes32 role, uint64 version, uint8 threshold, address[] memory signers)
        internal
        view
        returns (bytes32)
    {
        return keccak256(abi.encode(block.chainid, address(this), role, version, threshold, signers));
    }

    /// @notice Reverts unless `signers` is a valid config for `threshold`.
    function validateConfig(uint8 threshold, address[] calldata signers) internal pure {
        uint256 n = signers.length;
        if (n > MAX_SIGNERS) revert QuorumTooManySigners(n, MAX_SIGNERS);
        if (threshold == 0 || threshold > n) revert QuorumInvalidThreshold(threshold, n);
        uint160 previous;
        for (uint256 i; i < n; ++i) {
            // Strictly ascending makes duplicates impossible and excludes address(0) (Safe's trick).
            uint160 current = uint160(signers[i]);
            if (current <= previous) revert QuorumSignersNotAscending(i, signers[i]);
            previous = current;
        }
    }

    /// @notice Reverts unless exactly `proof.threshold` distinct config signers signed `digest`
    /// under the config whose digest is `expectedConfig`.
    /// @dev Hot path of every anchor: the config preimage abi.encode(chainId, this, role, version,
    /// threshold, signers) is written straight into free memory (never allocated: nothing else uses
    /// memory before the hash) and signatures are recovered from calldata in place.
    function verify(bytes32 digest, bytes32 role, bytes32 expectedConfig, Proof calldata proof) internal view {
        uint256 bitmap = proof.signerBitmap;
        uint256 signed = _popcount(bitmap);
        // Exact count: extra signatures would only add gas and ambiguity.
        if (signed != proof.threshold) revert QuorumSignatureCount(proof.threshold, signed);
        bytes calldata packed = proof.packed;
        // packed = 20 * m non-signer addresses, then 65 * signed signatures.
        uint256 signatureBytes = signed * SIGNATURE_LENGTH;
        if (packed.length < signatureBytes || (packed.length - signatureBytes) % 20 != 0) {
            revert QuorumSignatureLength(packed.length);
        }
        uint256 nonSignerBytes = packed.length - signatureBytes;
        uint256 n = signed + nonSignerBytes / 20;
        if (n > MAX_SIGNERS || (bitmap >> n) != 0) revert QuorumBitmapOutOfRange(bitmap, n);

        uint256 preimage;
        uint64 version = proof.configVersion;
        uint8 threshold = proof.threshold;
        assembly ("memory-safe") {
            preimage := mload(0x40)
            mstore(preimage, chainid())
            mstore(add(preimage, 0x20), address())
            mstore(add(preimage, 0x40), role)
            mstore(add(preimage, 0x60), version)
            mstore(add(preimage, 0x80), threshold)
            mstore(add(preimage, 0xa0), 0xc0) // offset of the signers array in the encoding
            mstore(add(preimage, 0xc0), n)
        }
        // One pass over the config positions: a set bit recovers the next signature (precompile 0x01,
        // scratch space 0x00-0x7f restored afterwards), a clear bit takes the next supplied non-signer.
        // The rebuilt list must be strictly ascending: no duplicate, no reordering, no foreign key.
        // Bounded: i < n <= MAX_SIGNERS; both cursors stay inside their length-checked regions.
        uint256 failure; // 0 ok, 1 order, 2 malleable, 3 invalid
        uint256 failedAt;
        uint256 failedSigner;
        assembly ("memory-safe") {
            let freePointer := mload(0x40)
            let previous := 0
            let nonCursor := packed.offset
            let sigCursor := add(packed.offset, nonSignerBytes)
            let out := add(preimage, 0xe0)
            mstore(0x00, digest)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let signer
                switch and(shr(i, bitmap), 1)
                case 0 {
                    signer := shr(96, calldataload(nonCursor))
                    nonCursor := add(nonCursor, 20)
                }
                default {
                    let sv := calldataload(add(sigCursor, 0x20))
                    let v := byte(0, calldataload(add(sigCursor, 0x40)))
                    if gt(sv, HALF_ORDER) {
                        failure := 2
                        failedAt := i
                        break
                    }
                    mstore(0x20, v)
                    mstore(0x40, calldataload(sigCursor))
                    mstore(0x60, sv)
                    // An invalid signature makes the precompile return nothing: signer is then 0.
                    pop(staticcall(gas(), 0x01, 0x00, 0x80, 0x20, 0x20))
                    signer := mul(mload(0x20), eq(returndatasize(), 0x20))
                    if or(iszero(signer), iszero(or(eq(v, 27), eq(v, 28)))) {
                        failure := 3
                        failedAt := i
                        break
                    }
                    sigCursor := add(sigCursor, 65)
                }
                if iszero(gt(signer, previous)) {
                    failure := 1
                    failedAt := i
                    failedSigner := signer
                    break
                }
                previous := signer
                mstore(add(out, shl(5, i)), signer)
            }
            mstore(0x40, freePointer)
            mstore(0x60, 0)
        }
        if (failure != 0) {
            if (failure == 1) revert QuorumSignerOrder(failedAt, address(uint160(failedSigner)));
            if (failure == 2) revert QuorumMalleableSignature(failedAt);
            revert QuorumInvalidSignature(failedAt);
        }
        bytes32 computed;
        assembly ("memory-safe") {
            computed := keccak256(preimage, add(0xe0, shl(5, n)))
        }
        if (computed != expectedConfig) revert QuorumConfigMismatch(expectedConfig, computed);
    }

    /// @notice Recovers one (r, s, v) signature with the same checks as `verify`: low s, v in {27, 28},
    /// a non-zero signer. `position` only labels the error.
    function recover(bytes32 digest, bytes32 r, bytes32 s, uint8 v, uint256 position) internal view returns (address signer) {
        if (uint256(s) > HALF_ORDER) revert QuorumMalleableSignature(position);
        assembly ("memory-safe") {
            let freePointer := mload(0x40)
            mstore(0x00, digest)
            mstore(0x20, v)
            mstore(0x40, r)
            mstore(0x60, s)
            // An invalid signature makes the precompile return nothing: signer is then 0.
            pop(staticcall(gas(), 0x01, 0x00, 0x80, 0x20, 0x20))
            signer := mul(mload(0x20), eq(returndatasize(), 0x20))
            mstore(0x40, freePointer)
            mstore(0x60, 0)
        }
        if ((v != 27 && v != 28) || signer == address(0)) revert QuorumInvalidSignature(position);
    }

    function _popcount(uint256 x) private pure returns (uint256 count) {
        // Kernighan: one iteration per set bit; x - 1 cannot underflow because x != 0 in the loop.
        unchecked {
            while (x != 0) {
                x &= x - 1;
                ++count;
            }
        }
    }
}
