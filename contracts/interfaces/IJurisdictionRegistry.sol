// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {TenantId} from "../types/Ids.sol";

/// @title IJurisdictionRegistry
/// @notice Who speaks for each jurisdiction (ISO 3166-1 alpha-3), and which DAOs it admitted as tenants.
/// A tenant is a (DAO timelock, jurisdiction) pair: DESIGN.md §5.
interface IJurisdictionRegistry {
    /// @notice Only the jurisdiction's authority admits or removes tenants there.
    error JurisdictionRegistryNotAuthority(bytes3 jurisdiction, address caller);
    /// @notice The jurisdiction has no authority registered yet.
    error JurisdictionRegistryUnknownJurisdiction(bytes3 jurisdiction);
    /// @notice The address given is the zero address.
    error JurisdictionRegistryZeroAddress();

    /// @notice Network governance set (or cleared, with address(0)) the authority for `jurisdiction`.
    event JurisdictionAuthoritySet(bytes3 indexed jurisdiction, address indexed authority, address previous);
    /// @notice `dao` may now register and trigger clauses in `jurisdiction`.
    event TenantAdmitted(TenantId indexed tenantId, address indexed dao, bytes3 indexed jurisdiction);
    /// @notice `dao` may no longer register or trigger clauses in `jurisdiction`.
    event TenantRemoved(TenantId indexed tenantId, address indexed dao, bytes3 indexed jurisdiction);

    /// @notice Sets the authority of `jurisdiction`. Network governance only.
    function setJurisdictionAuthority(bytes3 jurisdiction, address authority) external;

    /// @notice Admits `dao` (its timelock) as a tenant of `jurisdiction`. That jurisdiction's authority only.
    function admitTenant(address dao, bytes3 jurisdiction) external;

    /// @notice Removes a tenant. That jurisdiction's authority only.
    function removeTenant(address dao, bytes3 jurisdiction) external;

    function authorityOf(bytes3 jurisdiction) external view returns (address);

    function isTenant(address dao, bytes3 jurisdiction) external view returns (bool);
}
