// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

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

    /// @notice A quorum proof for one signed digest.
    /// @param configVersion Version of the config the signers signed under.
    /// @param threshold The config's k.
    /// @param signerBitmap Bit i set = config signer i signed.
    /// @param nonSigners Addresses of the config positions whose bit is clear, in position order.
    /// @param signatures 65-byte (r, s, v) signatures, in ascending bit order.
    struct Proof {
        uint64 configVersion;
        uint8 threshold;
        uint256 signerBitmap;
        address[] nonSigners;
        bytes signatures;
    }

    /// @notice The proof carries `received` signatures where the config requires exactly `expected`.
    error QuorumSignatureCount(uint256 expected, uint256 received);
    /// @notice The signatures blob is not 65 bytes per set bit.
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
    function verify(bytes32 digest, bytes32 role, bytes32 expectedConfig, Proof calldata proof) internal view {
        uint256 bitmap = proof.signerBitmap;
        uint256 signed = _popcount(bitmap);
        // Exact count: extra signatures would only add gas and ambiguity.
        if (signed != proof.threshold) revert QuorumSignatureCount(proof.threshold, signed);
        if (proof.signatures.length != signed * SIGNATURE_LENGTH) {
            revert QuorumSignatureLength(proof.signatures.length);
        }
        uint256 n = signed + proof.nonSigners.length;
        if (n > MAX_SIGNERS || (bitmap >> n) != 0) revert QuorumBitmapOutOfRange(bitmap, n);

        address[] memory signers = new address[](n);
        uint256 nextSignature;
        uint256 nextNonSigner;
        uint160 previous;
        for (uint256 i; i < n; ++i) {
            address signer;
            if ((bitmap >> i) & 1 == 1) {
                signer = _recoverAt(digest, proof.signatures, nextSignature++, i);
            } else {
                signer = proof.nonSigners[nextNonSigner++];
            }
            // Config signers are strictly ascending, so a duplicate or misplaced key breaks order here.
            if (uint160(signer) <= previous) revert QuorumSignerOrder(i, signer);
            previous = uint160(signer);
            signers[i] = signer;
        }

        bytes32 computed = configDigest(role, proof.configVersion, proof.threshold, signers);
        if (computed != expectedConfig) revert QuorumConfigMismatch(expectedConfig, computed);
    }

    /// @notice Recovers a 65-byte signature with low-s and non-zero-signer checks.
    function recover(bytes32 digest, bytes calldata signature, uint256 position) internal pure returns (address) {
        if (signature.length != SIGNATURE_LENGTH) revert QuorumSignatureLength(signature.length);
        return _recoverAt(digest, signature, 0, position);
    }

    function _recoverAt(bytes32 digest, bytes calldata signatures, uint256 index, uint256 position)
        private
        pure
        returns (address signer)
    {
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly ("memory-safe") {
            let p := add(signatures.offset, mul(index, 65))
            r := calldataload(p)
            s := calldataload(add(p, 32))
            v := byte(0, calldataload(add(p, 64)))
        }
        // OpenZeppelin rejects s > n/2 and a zero recovered address; we keep its checks, with our positions.
        ECDSA.RecoverError err;
        (signer, err,) = ECDSA.tryRecover(digest, v, r, s);
        if (err == ECDSA.RecoverError.InvalidSignatureS) revert QuorumMalleableSignature(position);
        if (err != ECDSA.RecoverError.NoError) revert QuorumInvalidSignature(position);
    }

    function _popcount(uint256 x) private pure returns (uint256 count) {
        // Kernighan: one iteration per set bit; bitmaps here have at most MAX_SIGNERS bits set in practice.
        while (x != 0) {
            x &= x - 1;
            ++count;
        }
    }
}
