// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title NSFTimelock
/// @notice OpenZeppelin's TimelockController unchanged; declared here so it is compiled with the
/// project's pinned compiler and verified beside the other contracts.
contract NSFTimelock is TimelockController {
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
