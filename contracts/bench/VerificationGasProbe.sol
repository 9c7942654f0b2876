// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IRollupAnchor} from "../interfaces/IRollupAnchor.sol";
import {ExecutionHashing} from "../libraries/ExecutionHashing.sol";

/// @title VerificationGasProbe
/// @notice BENCHMARK ONLY: a consumer-shaped contract that measures, with gasleft(), the gas a
/// verification costs inside a consuming call (cold anchor and registry accounts, as in a real claim).
contract VerificationGasProbe {
    /// @notice The anchor reported the leaf as not included.
    error VerificationGasProbeNotIncluded();

    function measureInclusion(
        IRollupAnchor anchor,
        IRollupAnchor.BatchRef calldata batch,
        ExecutionHashing.ExecutionLeaf calldata leaf,
        bytes32[] calldata proof
    ) external view returns (uint256 gasUsed) {
        uint256 start = gasleft();
        bool included = anchor.verifyInclusion(batch, leaf, proof);
        gasUsed = start - gasleft();
        if (!included) revert VerificationGasProbeNotIncluded();
    }

    function measureExecution(
        IRollupAnchor anchor,
        IRollupAnchor.BatchRef calldata batch,
        ExecutionHashing.ExecutionLeaf calldata leaf,
        bytes32[] calldata proof,
        ExecutionHashing.CacContext calldata ctx,
        ExecutionHashing.ExecutorProof[] calldata executors,
        IRollupAnchor.ExecutionRequirement calldata requirement
    ) external view returns (uint256 gasUsed) {
        uint256 start = gasleft();
        anchor.verifyExecution(batch, leaf, proof, ctx, executors, requirement);
        gasUsed = start - gasleft();
    }
}
