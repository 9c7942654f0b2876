// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ClauseRegistry} from "../../contracts/ClauseRegistry.sol";
import {NSFAccessManager} from "../../contracts/governance/NSFAccessManager.sol";
import {JurisdictionRegistry} from "../../contracts/governance/JurisdictionRegistry.sol";
import {NSFTimelock} from "../../contracts/governance/NSFTimelock.sol";
import {IClauseRegistry} from "../../contracts/interfaces/IClauseRegistry.sol";
import {ClauseId} from "../../contracts/types/Ids.sol";
import {ClauseStatus, ExecutionModel, PriorityClass} from "../../contracts/types/Enums.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice DESIGN.md §6 invariant 6: only the owning DAO's timelock changes a clause. Every other
/// caller — another tenant, the DAO's own governor, the access-manager admin, anyone — is refused.
contract ClauseRegistryTest is TestBase {
    bytes3 private constant KEN = "KEN";

    NSFAccessManager private manager;
    JurisdictionRegistry private jurisdictions;
    ClauseRegistry private registry;
    NSFTimelock private timelock;
    address private authority = address(0xA11CE);
    ClauseId private clauseId;
    bytes32 private line;

    function setUp() public {
        manager = new NSFAccessManager(address(this));
        jurisdictions = new JurisdictionRegistry(address(manager));
        registry = new ClauseRegistry(address(manager), jurisdictions);
        address[] memory none = new address[](0);
        timelock = new NSFTimelock(1 days, none, none, address(0));
        jurisdictions.setJurisdictionAuthority(KEN, authority);
        vm.prank(authority);
        jurisdictions.admitTenant(address(timelock), KEN);

        // Built before the prank: sha256 is a precompile call, and a prank applies to the next call.
        IClauseRegistry.ClauseSpec memory spec = _spec(1, 0, 0);
        vm.prank(address(timelock));
        clauseId = registry.registerClause(spec);
        line = keccak256("WHO::Health::PandemicAlert");
    }

    function _spec(uint16 major, uint16 minor, uint16 patch) private pure returns (IClauseRegistry.ClauseSpec memory s) {
        bytes3[] memory js = new bytes3[](1);
        js[0] = KEN;
        s = IClauseRegistry.ClauseSpec({
            namespace_: "WHO",
            domain: "Health",
            name: "PandemicAlert",
            major: major,
            minor: minor,
            patch: patch,
            fork: "",
            parent: bytes32(0),
            codeHash: sha256("clause wasm"),
            model: ExecutionModel.Quorum,
            quorumK: 3,
            quorumN: 5,
            priority: PriorityClass.Disaster,
            policyFlags: 0,
            validFrom: 0,
            validUntil: 0,
            jurisdictions: js
        });
    }

    function test_registerClause_OwnerIsTheRegisteringTimelock() public view {
        vm.assertEq(ClauseId.unwrap(clauseId), keccak256("WHO::Health::PandemicAlert@1.0.0"), "clause id");
        vm.assertEq(registry.lineOwner(line), address(timelock), "line owner");
        vm.assertEq(registry.getClause(clauseId).owner, address(timelock), "version owner");
    }

    function test_setClauseStatus_OwningTimelockPausesResumesAndDeprecates() public {
        vm.startPrank(address(timelock));
        registry.setClauseStatus(clauseId, ClauseStatus.Paused);
        vm.assertEq(uint256(registry.getClause(clauseId).status), uint256(ClauseStatus.Paused), "paused");
        registry.setClauseStatus(clauseId, ClauseStatus.Active);
        registry.setClauseStatus(clauseId, ClauseStatus.Deprecated);
        vm.stopPrank();
        vm.assertEq(uint256(registry.getClause(clauseId).status), uint256(ClauseStatus.Deprecated), "deprecated");
    }

    function test_registerClause_OwningTimelockRegistersNextVersion() public {
        IClauseRegistry.ClauseSpec memory spec = _spec(1, 0, 1);
        vm.prank(address(timelock));
        ClauseId next = registry.registerClause(spec);
        vm.assertEq(registry.getClause(next).owner, address(timelock), "owner of the new version");
        vm.assertEq(uint256(registry.latestVersion(line)), (1 << 32) | 1, "latest version");
    }

    /// @notice Every caller but the owning timelock gets ClauseRegistryNotOwner for every status change,
    /// and the status stays as it was.
    function testFuzz_setClauseStatus_RevertWhen_CallerIsNotOwningTimelock(address caller, uint8 statusSeed) public {
        vm.assume(caller != address(timelock));
        ClauseStatus target = ClauseStatus(bound(statusSeed, uint256(ClauseStatus.Active), uint256(ClauseStatus.Deprecated)));
        vm.prank(caller);
        vm.expectRevert(
            abi.encodeWithSelector(IClauseRegistry.ClauseRegistryNotOwner.selector, line, caller, address(timelock))
        );
        registry.setClauseStatus(clauseId, target);
        vm.assertEq(uint256(registry.getClause(clauseId).status), uint256(ClauseStatus.Active), "status unchanged");
    }

    /// @notice Every caller but the line owner gets ClauseRegistryNotOwner when registering a new version,
    /// even when it is itself an admitted tenant of the clause's jurisdiction.
    function testFuzz_registerClause_RevertWhen_CallerIsNotLineOwner(address caller, uint16 minor, uint16 patch)
        public
    {
        vm.assume(caller != address(timelock));
        vm.assume(minor != 0 || patch != 0);
        if (caller != address(0)) {
            vm.prank(authority);
            jurisdictions.admitTenant(caller, KEN);
        }
        IClauseRegistry.ClauseSpec memory spec = _spec(1, minor, patch);
        vm.prank(caller);
        vm.expectRevert(
            abi.encodeWithSelector(IClauseRegistry.ClauseRegistryNotOwner.selector, line, caller, address(timelock))
        );
        registry.registerClause(spec);
        vm.assertEq(uint256(registry.latestVersion(line)), 1 << 32, "latest version unchanged");
    }

    /// @notice The access-manager admin (network governance) and the proposers of the DAO cannot skip
    /// the timelock: they are callers like any other.
    function test_setClauseStatus_RevertWhen_NetworkAdminCalls() public {
        vm.expectRevert(
            abi.encodeWithSelector(IClauseRegistry.ClauseRegistryNotOwner.selector, line, address(this), address(timelock))
        );
        registry.setClauseStatus(clauseId, ClauseStatus.Paused);
    }
}
