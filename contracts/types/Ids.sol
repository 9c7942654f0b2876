// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @dev keccak256(utf8("<Namespace>::<Domain>::<Name>@<Major>.<Minor>.<Patch>[-<Fork>]")), docs/FORMATS.md §1.
type ClauseId is bytes32;

/// @dev keccak256(abi.encode(address daoTimelock, bytes3 jurisdiction)), docs/FORMATS.md §1.
type TenantId is bytes32;

/// @dev The execution id: keccak256(abi.encode(chainId, jobRouter, clauseId, triggerNonce)), docs/FORMATS.md §1.
type JobId is bytes32;

using {eqClause as ==} for ClauseId global;
using {eqTenant as ==} for TenantId global;
using {eqJob as ==} for JobId global;

function eqClause(ClauseId a, ClauseId b) pure returns (bool) {
    return ClauseId.unwrap(a) == ClauseId.unwrap(b);
}

function eqTenant(TenantId a, TenantId b) pure returns (bool) {
    return TenantId.unwrap(a) == TenantId.unwrap(b);
}

function eqJob(JobId a, JobId b) pure returns (bool) {
    return JobId.unwrap(a) == JobId.unwrap(b);
}
