// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @title ClauseIdLib
/// @notice Composes clause id strings from their parts (docs/FORMATS.md §1) so ids always match them.
library ClauseIdLib {
    /// @notice A part is empty, too long, or has a character outside its alphabet.
    error ClauseIdInvalidPart(string part);

    uint256 private constant MAX_PART = 32;
    uint256 private constant MAX_FORK = 16;

    /// @return id "<Namespace>::<Domain>::<Name>@<Major>.<Minor>.<Patch>[-<Fork>]"
    /// @return line "<Namespace>::<Domain>::<Name>[-<Fork>]"
    /// @return baseLine "<Namespace>::<Domain>::<Name>" (the line a fork's parent belongs to)
    function compose(
        string calldata namespace_,
        string calldata domain,
        string calldata name,
        uint16 major,
        uint16 minor,
        uint16 patch,
        string calldata fork
    ) internal pure returns (string memory id, string memory line, string memory baseLine) {
        _requirePart(namespace_, MAX_PART, true);
        _requirePart(domain, MAX_PART, true);
        _requirePart(name, MAX_PART, true);
        if (bytes(fork).length != 0) _requirePart(fork, MAX_FORK, false);

        baseLine = string.concat(namespace_, "::", domain, "::", name);
        string memory version = string.concat(
            Strings.toString(major), ".", Strings.toString(minor), ".", Strings.toString(patch)
        );
        if (bytes(fork).length == 0) {
            line = baseLine;
            id = string.concat(baseLine, "@", version);
        } else {
            line = string.concat(baseLine, "-", fork);
            id = string.concat(baseLine, "@", version, "-", fork);
        }
    }

    function packVersion(uint16 major, uint16 minor, uint16 patch) internal pure returns (uint48) {
        return (uint48(major) << 32) | (uint48(minor) << 16) | uint48(patch);
    }

    /// @dev Left-aligned ASCII: a part is at most 32 bytes, so it always fits.
    function toBytes32(string calldata part) internal pure returns (bytes32 out) {
        bytes memory b = bytes(part);
        assembly ("memory-safe") {
            out := mload(add(b, 32))
        }
        // Clear whatever followed the string in memory.
        uint256 len = b.length;
        if (len < 32) out &= bytes32(~(type(uint256).max >> (len * 8)));
    }

    function _requirePart(string calldata part, uint256 maxLength, bool allowUnderscore) private pure {
        bytes calldata b = bytes(part);
        if (b.length == 0 || b.length > maxLength) revert ClauseIdInvalidPart(part);
        for (uint256 i; i < b.length; ++i) {
            bytes1 c = b[i];
            bool ok = (c >= "0" && c <= "9") || (c >= "A" && c <= "Z") || (c >= "a" && c <= "z")
                || (allowUnderscore && c == "_");
            if (!ok) revert ClauseIdInvalidPart(part);
        }
    }
}
