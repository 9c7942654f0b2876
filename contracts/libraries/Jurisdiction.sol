// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title Jurisdiction
/// @notice ISO 3166-1 alpha-3 codes as `bytes3` (e.g. "KEN" = 0x4b454e).
library Jurisdiction {
    /// @notice The code is not three uppercase ASCII letters.
    error JurisdictionInvalidCode(bytes3 code);

    /// @dev Only the shape is checked: which codes exist is governance's call (JurisdictionRegistry).
    function isValid(bytes3 code) internal pure returns (bool) {
        for (uint256 i = 0; i < 3; ++i) {
            bytes1 c = code[i];
            if (c < 0x41 || c > 0x5a) return false;
        }
        return true;
    }

    function requireValid(bytes3 code) internal pure {
        if (!isValid(code)) revert JurisdictionInvalidCode(code);
    }
}
