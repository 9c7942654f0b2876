// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {QuorumVerifier} from "../../../contracts/libraries/QuorumVerifier.sol";

/// @notice Test-only: the QuorumVerifier library behind external functions, with the same
/// config bookkeeping RollupAnchor and NodeRegistry do (version + 1 on every change, digest stored).
contract QuorumHarness {
    bytes32 public constant ROLE = keccak256("NSF.TEST_QUORUM");

    bytes32 public storedDigest;
    uint64 public version;

    function setConfig(address[] calldata signers, uint8 threshold) external returns (bytes32 digest) {
        QuorumVerifier.validateConfig(threshold, signers);
        version += 1;
        digest = QuorumVerifier.configDigest(ROLE, version, threshold, signers);
        storedDigest = digest;
    }

    function verify(bytes32 digest, QuorumVerifier.Proof calldata proof) external view {
        QuorumVerifier.verify(digest, ROLE, storedDigest, proof);
    }

    function validateConfig(uint8 threshold, address[] calldata signers) external pure {
        QuorumVerifier.validateConfig(threshold, signers);
    }

    function configDigest(bytes32 role, uint64 configVersion, uint8 threshold, address[] calldata signers)
        external
        view
        returns (bytes32)
    {
        return QuorumVerifier.configDigest(role, configVersion, threshold, signers);
    }

    function recover(bytes32 digest, bytes32 r, bytes32 s, uint8 v, uint256 position) external view returns (address) {
        return QuorumVerifier.recover(digest, r, s, v, position);
    }
}
