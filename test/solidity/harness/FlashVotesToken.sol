// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20FlashMint} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20FlashMint.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {IERC3156FlashBorrower} from "@openzeppelin/contracts/interfaces/IERC3156FlashBorrower.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

import {NSFGovernor} from "../../../contracts/governance/NSFGovernor.sol";

/// @notice Test-only: a voting token anyone can flash-mint (ERC-3156), the worst case for a Governor.
contract FlashVotesToken is ERC20, ERC20Permit, ERC20Votes, ERC20FlashMint {
    constructor(address holder, uint256 amount) ERC20("Flash Votes", "FV") ERC20Permit("Flash Votes") {
        _mint(holder, amount);
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}

/// @notice Test-only: borrows a flash mint, delegates it to itself and votes inside the callback.
contract FlashVoter is IERC3156FlashBorrower {
    FlashVotesToken private immutable token;
    NSFGovernor private immutable governor;

    uint256 public votesDuringLoan;
    uint256 public castWeight;

    constructor(FlashVotesToken token_, NSFGovernor governor_) {
        token = token_;
        governor = governor_;
    }

    function attack(uint256 proposalId, uint256 amount) external {
        token.flashLoan(this, address(token), amount, abi.encode(proposalId));
    }

    function onFlashLoan(address, address, uint256 amount, uint256 fee, bytes calldata data)
        external
        returns (bytes32)
    {
        token.delegate(address(this));
        votesDuringLoan = token.getVotes(address(this));
        castWeight = governor.castVote(abi.decode(data, (uint256)), 1);
        token.approve(address(token), amount + fee);
        return keccak256("ERC3156FlashBorrower.onFlashLoan");
    }
}
