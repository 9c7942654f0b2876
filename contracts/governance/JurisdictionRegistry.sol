// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

import {IJurisdictionRegistry} from "../interfaces/IJurisdictionRegistry.sol";
import {ExecutionHashing} from "../libraries/ExecutionHashing.sol";
import {Jurisdiction} from "../libraries/Jurisdiction.sol";
import {TenantId} from "../types/Ids.sol";

/// @title JurisdictionRegistry
/// @notice One authority per jurisdiction (set by network governance); each authority decides which
/// DAOs are tenants in its jurisdiction. Sovereignty: no one else admits a DAO there.
contract JurisdictionRegistry is IJurisdictionRegistry, AccessManaged {
    mapping(bytes3 jurisdiction => address authority) private _authorities;
    mapping(bytes32 tenantId => bool) private _tenants;

    constructor(address accessManager) AccessManaged(accessManager) {}

    /// @inheritdoc IJurisdictionRegistry
    function setJurisdictionAuthority(bytes3 jurisdiction, address authority) external restricted {
        Jurisdiction.requireValid(jurisdiction);
        address previous = _authorities[jurisdiction];
        _authorities[jurisdiction] = authority;
        emit JurisdictionAuthoritySet(jurisdiction, authority, previous);
    }

    /// @inheritdoc IJurisdictionRegistry
    function admitTenant(address dao, bytes3 jurisdiction) external {
        bytes32 tenantId = _authorised(dao, jurisdiction);
        _tenants[tenantId] = true;
        emit TenantAdmitted(TenantId.wrap(tenantId), dao, jurisdiction);
    }

    /// @inheritdoc IJurisdictionRegistry
    function removeTenant(address dao, bytes3 jurisdiction) external {
        bytes32 tenantId = _authorised(dao, jurisdiction);
        _tenants[tenantId] = false;
        emit TenantRemoved(TenantId.wrap(tenantId), dao, jurisdiction);
    }

    /// @inheritdoc IJurisdictionRegistry
    function authorityOf(bytes3 jurisdiction) external view returns (address) {
        return _authorities[jurisdiction];
    }

    /// @inheritdoc IJurisdictionRegistry
    function isTenant(address dao, bytes3 jurisdiction) external view returns (bool) {
        return _tenants[ExecutionHashing.tenantId(dao, jurisdiction)];
    }

    function _authorised(address dao, bytes3 jurisdiction) private view returns (bytes32) {
        if (dao == address(0)) revert JurisdictionRegistryZeroAddress();
        address authority = _authorities[jurisdiction];
        if (authority == address(0)) revert JurisdictionRegistryUnknownJurisdiction(jurisdiction);
        if (msg.sender != authority) revert JurisdictionRegistryNotAuthority(jurisdiction, msg.sender);
        return ExecutionHashing.tenantId(dao, jurisdiction);
    }
}
