// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title IGroth16Verifier
/// @notice The snarkjs-generated Groth16 verifier of a zk clause circuit (contracts/zk/*Verifier.sol), five
/// public signals: [status, amount, input_commitment, clause_binding, job_binding] (docs/FORMATS.md §18).
/// @dev G2 coordinates in `pB` are (c1, c0). Returns false (never reverts) for a failed pairing, a point not
/// on the curve or a public signal outside the scalar field.
interface IGroth16Verifier {
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[5] calldata pubSignals
    ) external view returns (bool);
}
