// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title DevStablecoin
/// @notice DEVELOPMENT ONLY: a 6-decimal stand-in for a stablecoin that anyone may mint, so local
/// chains can fund payout consumers. Never deploy it to a real network.
contract DevStablecoin is ERC20 {
    constructor() ERC20("Development USD (worthless)", "DEVUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
