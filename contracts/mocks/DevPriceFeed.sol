// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/shared/mocks/MockV3Aggregator.sol";

/// @title DevPriceFeed
/// @notice DEVELOPMENT ONLY: Chainlink's own MockV3Aggregator (AggregatorV3Interface), whose answer
/// anyone can set. Local chains use it in place of a real feed; never deploy it to a real network.
contract DevPriceFeed is MockV3Aggregator {
    constructor(uint8 decimals_, int256 initialAnswer) MockV3Aggregator(decimals_, initialAnswer) {}
}
