// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice The cheatcodes these tests use, as Hardhat 3's EDR implements them (Foundry-compatible
/// signatures). forge-std on npm is too old (TOOLCHAIN.md item 5), so only what is used is declared.
interface Vm {
    // Keys and signatures
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);

    // Caller, chain and time
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function chainId(uint256 newChainId) external;
    function warp(uint256 newTimestamp) external;
    function roll(uint256 newHeight) external;
    function etch(address target, bytes calldata code) external;
    function copyStorage(address from, address to) external;

    // Expectations and fuzzing
    function expectRevert(bytes calldata revertData) external;
    function expectRevert(bytes4 revertSelector) external;
    function expectRevert() external;
    function assume(bool condition) external pure;
    function label(address account, string calldata newLabel) external;

    // Assertions (reported with both values by the runner)
    function assertTrue(bool condition, string calldata error) external pure;
    function assertFalse(bool condition, string calldata error) external pure;
    function assertEq(bool left, bool right, string calldata error) external pure;
    function assertEq(uint256 left, uint256 right, string calldata error) external pure;
    function assertEq(address left, address right, string calldata error) external pure;
    function assertEq(bytes32 left, bytes32 right, string calldata error) external pure;
    function assertEq(bytes calldata left, bytes calldata right, string calldata error) external pure;
    function assertNotEq(bytes32 left, bytes32 right, string calldata error) external pure;
}
