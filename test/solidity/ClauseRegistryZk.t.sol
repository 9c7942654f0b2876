// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ClauseRegistry} from "../../contracts/ClauseRegistry.sol";
import {NSFAccessManager} from "../../contracts/governance/NSFAccessManager.sol";
import {JurisdictionRegistry} from "../../contracts/governance/JurisdictionRegistry.sol";
import {NSFTimelock} from "../../contracts/governance/NSFTimelock.sol";
import {IClauseRegistry} from "../../contracts/interfaces/IClauseRegistry.sol";
import {ClauseId} from "../../contracts/types/Ids.sol";
import {ExecutionModel, PriorityClass} from "../../contracts/types/Enums.sol";
import {FloodPayoutVerifier} from "../../contracts/zk/FloodPayoutVerifier.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice A zk clause version records circuit hash, verification-key hash and verifier next to its code
/// hash; only the owning DAO's timelock sets them, once, and only for execution model Zk (invariant 6).
contract ClauseRegistryZkTest is TestBase {
    bytes3 private constant KEN = "KEN";
    bytes32 private constant CIRCUIT_HASH = keccak256("flood_payout.r1cs");
    bytes32 private constant VKEY_HASH = keccak256("verification_key.json");

    ClauseRegistry private registry;
    NSFTimelock private timelock;
    address private verifier;
    ClauseId private zkClause;
    ClauseId private quorumClause;

    function setUp() public {
        NSFAccessManager manager = new NSFAccessManager(address(this));
        JurisdictionRegistry jurisdictions = new JurisdictionRegistry(address(manager));
        registry = new ClauseRegistry(address(manager), jurisdictions);
        address[] memory none = new address[](0);
        timelock = new NSFTimelock(1 days, none, none, address(0));
        jurisdictions.setJurisdictionAuthority(KEN, address(0xA11CE));
        vm.prank(address(0xA11CE));
        jurisdictions.admitTenant(address(timelock), KEN);
        verifier = address(new FloodPayoutVerifier());

        IClauseRegistry.ClauseSpec memory zkSpec = _spec("FloodPayoutZk", ExecutionModel.Zk);
        IClauseRegistry.ClauseSpec memory quorumSpec = _spec("FloodPayout", ExecutionModel.Quorum);
        vm.startPrank(address(timelock));
        zkClause = registry.registerClause(zkSpec);
        quorumClause = registry.registerClause(quorumSpec);
        vm.stopPrank();
    }

    function _spec(string memory name, ExecutionModel model) private pure returns (IClauseRegistry.ClauseSpec memory s) {
        bytes3[] memory js = new bytes3[](1);
        js[0] = KEN;
        s = IClauseRegistry.ClauseSpec({
            namespace_: "UNDRR",
            domain: "Disaster",
            name: name,
            major: 1,
            minor: 0,
            patch: 0,
            fork: "",
            parent: bytes32(0),
            codeHash: sha256("flood-payout.wasm"),
            model: model,
            quorumK: 1,
            quorumN: 1,
            priority: PriorityClass.Disaster,
            policyFlags: 0,
            validFrom: 0,
            validUntil: 0,
            jurisdictions: js
        });
    }

    function _binding() private view returns (IClauseRegistry.ZkBinding memory) {
        return IClauseRegistry.ZkBinding({circuitHash: CIRCUIT_HASH, vkeyHash: VKEY_HASH, verifier: verifier});
    }

    function test_setZkBinding_OwningTimelockRecordsCircuitKeyAndVerifier() public {
        vm.prank(address(timelock));
        registry.setZkBinding(zkClause, _binding());
        IClauseRegistry.ZkBinding memory b = registry.getZkBinding(zkClause);
        vm.assertEq(b.circuitHash, CIRCUIT_HASH, "circuit hash");
        vm.assertEq(b.vkeyHash, VKEY_HASH, "vkey hash");
        vm.assertEq(b.verifier, verifier, "verifier");
        vm.assertEq(registry.getClause(zkClause).codeHash, sha256("flood-payout.wasm"), "code hash beside it");
        vm.assertEq(uint256(registry.getClause(zkClause).model), uint256(ExecutionModel.Zk), "model");
    }

    function testFuzz_setZkBinding_RevertWhen_CallerIsNotOwningTimelock(address caller) public {
        vm.assume(caller != address(timelock));
        IClauseRegistry.ZkBinding memory b = _binding();
        vm.expectRevert(
            abi.encodeWithSelector(
                IClauseRegistry.ClauseRegistryNotOwner.selector,
                keccak256("UNDRR::Disaster::FloodPayoutZk"),
                caller,
                address(timelock)
            )
        );
        vm.prank(caller);
        registry.setZkBinding(zkClause, b);
    }

    function test_setZkBinding_RevertWhen_NetworkAdminCalls() public {
        IClauseRegistry.ZkBinding memory b = _binding();
        vm.expectRevert(
            abi.encodeWithSelector(
                IClauseRegistry.ClauseRegistryNotOwner.selector,
                keccak256("UNDRR::Disaster::FloodPayoutZk"),
                address(this),
                address(timelock)
            )
        );
        registry.setZkBinding(zkClause, b);
    }

    function test_setZkBinding_RevertWhen_ModelIsNotZk() public {
        IClauseRegistry.ZkBinding memory b = _binding();
        vm.expectRevert(
            abi.encodeWithSelector(IClauseRegistry.ClauseRegistryNotZkModel.selector, quorumClause, ExecutionModel.Quorum)
        );
        vm.prank(address(timelock));
        registry.setZkBinding(quorumClause, b);
    }

    function test_setZkBinding_RevertWhen_SetTwice() public {
        IClauseRegistry.ZkBinding memory b = _binding();
        vm.startPrank(address(timelock));
        registry.setZkBinding(zkClause, b);
        vm.expectRevert(abi.encodeWithSelector(IClauseRegistry.ClauseRegistryZkBindingAlreadySet.selector, zkClause));
        registry.setZkBinding(zkClause, b);
        vm.stopPrank();
    }

    function test_setZkBinding_RevertWhen_VerifierHasNoCodeOrHashIsZero() public {
        IClauseRegistry.ZkBinding memory noCode = _binding();
        noCode.verifier = address(0xBEEF);
        IClauseRegistry.ZkBinding memory zeroHash = _binding();
        zeroHash.vkeyHash = bytes32(0);
        vm.startPrank(address(timelock));
        vm.expectRevert(
            abi.encodeWithSelector(
                IClauseRegistry.ClauseRegistryInvalidZkBinding.selector, CIRCUIT_HASH, VKEY_HASH, address(0xBEEF)
            )
        );
        registry.setZkBinding(zkClause, noCode);
        vm.expectRevert(
            abi.encodeWithSelector(IClauseRegistry.ClauseRegistryInvalidZkBinding.selector, CIRCUIT_HASH, bytes32(0), verifier)
        );
        registry.setZkBinding(zkClause, zeroHash);
        vm.stopPrank();
    }

    function test_getZkBinding_RevertWhen_NotSet() public {
        vm.expectRevert(abi.encodeWithSelector(IClauseRegistry.ClauseRegistryZkBindingNotSet.selector, zkClause));
        registry.getZkBinding(zkClause);
    }
}
