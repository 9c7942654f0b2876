// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";

import {NSFGovernor} from "../../contracts/governance/NSFGovernor.sol";
import {NSFTimelock} from "../../contracts/governance/NSFTimelock.sol";
import {FlashVoter, FlashVotesToken} from "./harness/FlashVotesToken.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice A flash-minted vote has no weight: NSFGovernor reads votes at the proposal snapshot, and a
/// flash loan cannot span blocks, so whatever is borrowed and delegated after the snapshot counts 0.
contract FlashVoteTest is TestBase {
    uint256 private constant SUPPLY = 100e18;
    uint48 private constant VOTING_DELAY = 1;
    uint32 private constant VOTING_PERIOD = 50;

    FlashVotesToken private token;
    NSFGovernor private governor;
    NSFTimelock private timelock;
    FlashVoter private voter;
    address private holder = address(0xB0B);
    uint256 private proposalId;

    function setUp() public {
        token = new FlashVotesToken(holder, SUPPLY);
        vm.prank(holder);
        token.delegate(holder);

        address[] memory none = new address[](0);
        timelock = new NSFTimelock(1, none, none, address(this));
        governor = new NSFGovernor("FlashDAO", token, timelock, VOTING_DELAY, VOTING_PERIOD, 0, 4);
        timelock.grantRole(timelock.PROPOSER_ROLE(), address(governor));
        voter = new FlashVoter(token, governor);

        vm.roll(block.number + 1);
        address[] memory targets = new address[](1);
        targets[0] = address(token);
        uint256[] memory values = new uint256[](1);
        bytes[] memory calldatas = new bytes[](1);
        calldatas[0] = abi.encodeCall(token.name, ());
        vm.prank(holder);
        proposalId = governor.propose(targets, values, calldatas, "flash vote test");
        vm.roll(governor.proposalSnapshot(proposalId) + 1);
        vm.assertEq(uint256(governor.state(proposalId)), uint256(IGovernor.ProposalState.Active), "voting open");
    }

    function testFuzz_castVote_FlashMintedVotesHaveNoWeight(uint256 amount) public {
        amount = bound(amount, 1, 1e36);
        voter.attack(proposalId, amount);

        // Inside the loan the borrower really held `amount` votes at the current block...
        vm.assertEq(voter.votesDuringLoan(), amount, "current voting power during the loan");
        // ...but its vote was weighed at the snapshot, where it had none.
        vm.assertEq(voter.castWeight(), 0, "weight of the flash-minted vote");
        vm.assertTrue(governor.hasVoted(proposalId, address(voter)), "the vote was recorded");
        (uint256 against, uint256 forVotes, uint256 abstain) = governor.proposalVotes(proposalId);
        vm.assertEq(forVotes, 0, "for votes");
        vm.assertEq(against, 0, "against votes");
        vm.assertEq(abstain, 0, "abstain votes");
        vm.assertEq(token.totalSupply(), SUPPLY, "the loan was repaid and burned");
    }

    /// @notice Control: the same path counts real, pre-snapshot votes, so the zero above is the snapshot.
    function test_castVote_SnapshotHolderVoteCounts() public {
        voter.attack(proposalId, 1_000_000e18);
        vm.prank(holder);
        uint256 weight = governor.castVote(proposalId, 1);
        vm.assertEq(weight, SUPPLY, "holder weight");
        (, uint256 forVotes,) = governor.proposalVotes(proposalId);
        vm.assertEq(forVotes, SUPPLY, "only the holder's votes count");
        vm.assertTrue(governor.quorum(governor.proposalSnapshot(proposalId)) <= forVotes, "quorum from real votes");
    }
}
