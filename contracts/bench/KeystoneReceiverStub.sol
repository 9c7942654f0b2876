// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IReceiver} from "@chainlink/contracts/src/v0.8/keystone/interfaces/IReceiver.sol";

/// @title KeystoneReceiverStub
/// @notice Benchmark-only receiver for Chainlink's KeystoneForwarder (bench/peers.ts).
/// @dev Deliberately does no work in `onReport` (no storage writes, no events), so that the
/// measured gas of `KeystoneForwarder.report(...)` is the forwarder's own cost of verifying the
/// signatures, recording the transmission and routing the call, plus the receiver's ERC-165
/// checks. Not for production use.
contract KeystoneReceiverStub is IReceiver {
  /// @inheritdoc IReceiver
  function onReport(bytes calldata, bytes calldata) external override {}

  /// @notice ERC-165: reports support for IReceiver and for ERC-165 itself.
  function supportsInterface(bytes4 interfaceId) public pure override returns (bool) {
    return interfaceId == type(IReceiver).interfaceId || interfaceId == this.supportsInterface.selector;
  }
}
