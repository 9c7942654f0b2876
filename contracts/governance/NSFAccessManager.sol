// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

/// @title NSFAccessManager
/// @notice OpenZeppelin's AccessManager unchanged: the network's role authority. Its admin is the
/// network DAO's timelock once deployment hands it over.
contract NSFAccessManager is AccessManager {
    constructor(address initialAdmin) AccessManager(initialAdmin) {}
}
