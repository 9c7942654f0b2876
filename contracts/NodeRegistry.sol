// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {INodeRegistry} from "./interfaces/INodeRegistry.sol";
import {ExecutionHashing} from "./libraries/ExecutionHashing.sol";
import {Jurisdiction} from "./libraries/Jurisdiction.sol";
import {QuorumVerifier} from "./libraries/QuorumVerifier.sol";
import {NodeStatus, TeeType} from "./types/Enums.sol";

/// @title NodeRegistry
/// @notice Executor enclave keys attested by a quorum of attestation validators, under governance's
/// measurement allowlist and TEE-type policy; plus the scheduler keys that sign job tokens.
/// @dev Revoking a measurement or a TEE type revokes its nodes eagerly (each group is capped), so a
/// quorum check reads one packed slot per executor and nothing else.
contract NodeRegistry is INodeRegistry, AccessManaged, EIP712 {
    using EnumerableSet for EnumerableSet.AddressSet;

    bytes32 public constant ATTESTATION_VALIDATOR_ROLE = keccak256("NSF.ATTESTATION_VALIDATOR");
    /// @notice Largest revocation group (nodes per measurement, nodes per TEE type): bounds revocation gas.
    uint256 public constant MAX_GROUP_SIZE = 256;
    /// @notice Validators' clocks may run this far ahead of the chain's.
    uint64 public constant MAX_CLOCK_SKEW_SECONDS = 300;

    mapping(address enclaveKey => Node) private _nodes;
    mapping(bytes32 measurement => bool) private _measurementAllowed;
    mapping(address scheduler => bool) private _schedulers;
    mapping(bytes32 group => EnumerableSet.AddressSet) private _groups;
    uint256 private _allowedTeeTypes;
    uint64 private _maxAttestationSeconds;

    bytes32 private _validatorConfigDigest;
    uint64 private _validatorConfigVersion;
    uint8 private _validatorThreshold;
    address[] private _validators;
    bytes32 private _teePolicyId;

    /// @param maxAttestationSeconds Longest validity a verdict may grant (renewal period).
    constructor(address accessManager, uint64 maxAttestationSeconds)
        AccessManaged(accessManager)
        EIP712("NSF NodeRegistry", "1")
    {
        _setMaxAttestationValidity(maxAttestationSeconds);
    }

    /// @inheritdoc INodeRegistry
    function submitVerdict(AttestationVerdict calldata verdict, QuorumVerifier.Proof calldata proof) external {
        address key = verdict.enclaveKey;
        if (key == address(0) || verdict.operator == address(0)) revert NodeRegistryZeroAddress();
        if (msg.sender != verdict.operator) revert NodeRegistryNotOperator(key, msg.sender, verdict.operator);
        Node storage node = _nodes[key];
        if (node.status != NodeStatus.None && node.operator != verdict.operator) {
            revert NodeRegistryNotOperator(key, msg.sender, node.operator);
        }
        if (node.status == NodeStatus.Ejected) revert NodeRegistryExecutorNotActive(key, node.status);
        if (verdict.debug) revert NodeRegistryDebugEnclave(key);
        if (!_isTeeTypeAllowed(verdict.teeType)) revert NodeRegistryTeeTypeNotAllowed(verdict.teeType);
        if (!_measurementAllowed[verdict.measurement]) revert NodeRegistryMeasurementNotAllowed(verdict.measurement);
        Jurisdiction.requireValid(verdict.jurisdiction);
        _requireValidity(verdict.attestedAt, verdict.validUntil);
        if (verdict.attestedAt <= node.attestedAt) {
            revert NodeRegistryVerdictReplayed(key, verdict.attestedAt, node.attestedAt);
        }
        bytes32 configDigest = _validatorConfigDigest;
        if (verdict.configDigest != configDigest) revert NodeRegistryStaleValidatorConfig(configDigest, verdict.configDigest);
        QuorumVerifier.verify(_verdictDigest(verdict), ATTESTATION_VALIDATOR_ROLE, configDigest, proof);

        NodeStatus previous = node.status;
        if (previous == NodeStatus.None) {
            node.operator = verdict.operator;
            emit NodeRegistered(key, verdict.operator, verdict.teeType, verdict.jurisdiction, verdict.sovereign);
        } else {
            _leaveGroups(key, node.measurement, node.teeType);
        }
        _joinGroups(key, verdict.measurement, verdict.teeType);
        // An unbroken renewal (active, and the new verdict starts before the old one ran out) keeps the
        // interval's start; anything else starts a new interval, so CACs signed in a gap never count later.
        if (previous != NodeStatus.Active || verdict.attestedAt > node.attestedUntil) node.activeSince = verdict.attestedAt;
        node.attestedAt = verdict.attestedAt;
        node.attestedUntil = verdict.validUntil;
        node.status = NodeStatus.Active;
        node.teeType = verdict.teeType;
        node.jurisdiction = verdict.jurisdiction;
        node.sovereign = verdict.sovereign;
        node.measurement = verdict.measurement;
        node.attestationId = verdict.attestationId;
        emit NodeAttested(key, verdict.measurement, verdict.attestationId, verdict.attestedAt, verdict.validUntil, configDigest);
        if (previous != NodeStatus.Active) emit NodeStatusChanged(key, previous, NodeStatus.Active, "attested");
    }

    /// @inheritdoc INodeRegistry
    function deregisterNode(address enclaveKey) external {
        Node storage node = _nodes[enclaveKey];
        if (node.status == NodeStatus.None) revert NodeRegistryUnknownNode(enclaveKey);
        if (msg.sender != node.operator) revert NodeRegistryNotOperator(enclaveKey, msg.sender, node.operator);
        // A retired key gives its revocation-group slots back; a new verdict re-joins them.
        _leaveGroups(enclaveKey, node.measurement, node.teeType);
        _setStatus(enclaveKey, node, NodeStatus.Deregistered, "deregistered");
    }

    /// @inheritdoc INodeRegistry
    function ejectNode(address enclaveKey, bytes32 reason) external restricted {
        Node storage node = _nodes[enclaveKey];
        if (node.status == NodeStatus.None) revert NodeRegistryUnknownNode(enclaveKey);
        // An ejected key can never re-attest: without this its slots would fill the groups for good.
        _leaveGroups(enclaveKey, node.measurement, node.teeType);
        _setStatus(enclaveKey, node, NodeStatus.Ejected, reason);
    }

    /// @inheritdoc INodeRegistry
    function setMeasurementAllowed(bytes32 measurement, bool allowed) external restricted {
        _measurementAllowed[measurement] = allowed;
        emit MeasurementAllowed(measurement, allowed);
        if (!allowed) _revokeGroup(measurement, "measurement revoked");
    }

    /// @inheritdoc INodeRegistry
    function setTeeTypeAllowed(TeeType teeType, bool allowed) external restricted {
        if (teeType == TeeType.None) revert NodeRegistryTeeTypeNotAllowed(teeType);
        uint256 bit = 1 << uint8(teeType);
        _allowedTeeTypes = allowed ? _allowedTeeTypes | bit : _allowedTeeTypes & ~bit;
        emit TeeTypeAllowed(teeType, allowed);
        if (!allowed) _revokeGroup(_teeGroup(teeType), "tee type disallowed");
    }

    /// @inheritdoc INodeRegistry
    function setValidatorConfig(address[] calldata signers, uint8 threshold) external restricted {
        QuorumVerifier.validateConfig(threshold, signers);
        uint64 version = _validatorConfigVersion + 1;
        bytes32 digest = QuorumVerifier.configDigest(ATTESTATION_VALIDATOR_ROLE, version, threshold, signers);
        _validatorConfigVersion = version;
        _validatorThreshold = threshold;
        _validatorConfigDigest = digest;
        _validators = signers;
        emit ValidatorConfigSet(digest, version, threshold, signers);
    }

    /// @inheritdoc INodeRegistry
    function setScheduler(address scheduler, bool allowed) external restricted {
        if (scheduler == address(0)) revert NodeRegistryZeroAddress();
        _schedulers[scheduler] = allowed;
        emit SchedulerSet(scheduler, allowed);
    }

    /// @inheritdoc INodeRegistry
    function setMaxAttestationValidity(uint64 maxValiditySeconds) external restricted {
        _setMaxAttestationValidity(maxValiditySeconds);
    }

    /// @inheritdoc INodeRegistry
    function setTeePolicy(bytes32 policyId) external restricted {
        _teePolicyId = policyId;
        emit TeePolicySet(policyId);
    }

    /// @inheritdoc INodeRegistry
    function teePolicy() external view returns (bytes32) {
        return _teePolicyId;
    }

    /// @inheritdoc INodeRegistry
    /// @dev Consumer hot path: one cold slot per executor (status, attestedUntil and jurisdiction are
    /// packed in the Node struct's first slot), read in assembly; errors decoded in Solidity afterwards.
    function checkExecutors(uint256[] calldata executors, bytes3 jurisdiction) external view {
        uint256 failure; // 0 ok, 1 not active, 2 expired, 3 jurisdiction, 4 before the attested interval
        address key;
        uint256 word;
        uint64 signedAt;
        assembly ("memory-safe") {
            mstore(0x20, _nodes.slot)
            let end := add(executors.offset, shl(5, executors.length))
            for { let p := executors.offset } lt(p, end) { p := add(p, 0x20) } {
                let entry := calldataload(p)
                key := shr(64, entry)
                signedAt := and(entry, 0xffffffffffffffff)
                mstore(0x00, key)
                word := sload(keccak256(0x00, 0x40))
                // Node slot 0 layout: attestedAt (bits 0-63), attestedUntil (64-127), status (128-135),
                // teeType (136-143), jurisdiction (144-167), sovereign (168-175), activeSince (176-239).
                if iszero(eq(and(shr(128, word), 0xff), 1)) {
                    failure := 1
                    break
                }
                if gt(signedAt, and(shr(64, word), 0xffffffffffffffff)) {
                    failure := 2
                    break
                }
                if lt(signedAt, and(shr(176, word), 0xffffffffffffffff)) {
                    failure := 4
                    break
                }
                if and(iszero(iszero(jurisdiction)), iszero(eq(shl(232, shr(144, word)), jurisdiction))) {
                    failure := 3
                    break
                }
            }
        }
        if (failure != 0) _revertExecutorCheck(failure, key, word, signedAt, jurisdiction);
    }

    function _revertExecutorCheck(uint256 failure, address key, uint256 word, uint64 signedAt, bytes3 jurisdiction)
        private
        pure
    {
        // Truncating casts read the packed fields named in checkExecutors' layout comment.
        if (failure == 1) revert NodeRegistryExecutorNotActive(key, NodeStatus(uint8(word >> 128)));
        if (failure == 2) revert NodeRegistryAttestationExpired(key, uint64(word >> 64), signedAt);
        if (failure == 4) revert NodeRegistryNotYetAttested(key, uint64(word >> 176), signedAt);
        revert NodeRegistryJurisdictionMismatch(key, jurisdiction, bytes3(uint24(word >> 144)));
    }

    /// @inheritdoc INodeRegistry
    function getNode(address enclaveKey) external view returns (Node memory) {
        return _nodes[enclaveKey];
    }

    /// @inheritdoc INodeRegistry
    function isActiveAt(address enclaveKey, uint64 time) external view returns (bool) {
        Node storage node = _nodes[enclaveKey];
        return node.status == NodeStatus.Active && time >= node.activeSince && time <= node.attestedUntil;
    }

    /// @inheritdoc INodeRegistry
    function isScheduler(address scheduler) external view returns (bool) {
        return _schedulers[scheduler];
    }

    /// @inheritdoc INodeRegistry
    function isMeasurementAllowed(bytes32 measurement) external view returns (bool) {
        return _measurementAllowed[measurement];
    }

    /// @inheritdoc INodeRegistry
    function isTeeTypeAllowed(TeeType teeType) external view returns (bool) {
        return _isTeeTypeAllowed(teeType);
    }

    /// @inheritdoc INodeRegistry
    function validatorConfig()
        external
        view
        returns (bytes32 configDigest, uint64 configVersion, uint8 threshold, address[] memory signers)
    {
        return (_validatorConfigDigest, _validatorConfigVersion, _validatorThreshold, _validators);
    }

    /// @inheritdoc INodeRegistry
    function verdictDigest(AttestationVerdict calldata verdict) external view returns (bytes32) {
        return _verdictDigest(verdict);
    }

    /// @notice The longest attestation validity a verdict may grant.
    function maxAttestationValidity() external view returns (uint64) {
        return _maxAttestationSeconds;
    }

    function _verdictDigest(AttestationVerdict calldata v) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    ExecutionHashing.ATTESTATION_VERDICT_TYPEHASH,
                    v.enclaveKey,
                    v.operator,
                    v.teeType,
                    v.measurement,
                    v.jurisdiction,
                    v.sovereign,
                    v.debug,
                    v.attestationId,
                    v.attestedAt,
                    v.validUntil,
                    v.configDigest
                )
            )
        );
    }

    function _requireValidity(uint64 attestedAt, uint64 validUntil) private view {
        uint64 nowSeconds = uint64(block.timestamp);
        if (
            attestedAt > nowSeconds + MAX_CLOCK_SKEW_SECONDS || validUntil <= nowSeconds || validUntil <= attestedAt
                || validUntil - attestedAt > _maxAttestationSeconds
        ) revert NodeRegistryInvalidValidity(attestedAt, validUntil, nowSeconds);
    }

    function _setMaxAttestationValidity(uint64 maxValiditySeconds) private {
        // At least an hour (renewal traffic), at most a year (stale hardware must re-attest).
        if (maxValiditySeconds < 1 hours || maxValiditySeconds > 365 days) {
            revert NodeRegistryInvalidParameter(maxValiditySeconds);
        }
        _maxAttestationSeconds = maxValiditySeconds;
        emit MaxAttestationValiditySet(maxValiditySeconds);
    }

    function _isTeeTypeAllowed(TeeType teeType) private view returns (bool) {
        return teeType != TeeType.None && (_allowedTeeTypes >> uint8(teeType)) & 1 == 1;
    }

    function _teeGroup(TeeType teeType) private pure returns (bytes32) {
        return keccak256(abi.encode("NSF.TEE_GROUP", teeType));
    }

    function _joinGroups(address key, bytes32 measurement, TeeType teeType) private {
        _join(measurement, key);
        _join(_teeGroup(teeType), key);
    }

    function _leaveGroups(address key, bytes32 measurement, TeeType teeType) private {
        _groups[measurement].remove(key);
        _groups[_teeGroup(teeType)].remove(key);
    }

    function _join(bytes32 group, address key) private {
        EnumerableSet.AddressSet storage set = _groups[group];
        if (set.add(key) && set.length() > MAX_GROUP_SIZE) revert NodeRegistryGroupFull(group);
    }

    function _revokeGroup(bytes32 group, bytes32 reason) private {
        EnumerableSet.AddressSet storage set = _groups[group];
        uint256 n = set.length();
        for (uint256 i; i < n; ++i) {
            address key = set.at(i);
            Node storage node = _nodes[key];
            if (node.status == NodeStatus.Active) _setStatus(key, node, NodeStatus.Revoked, reason);
        }
    }

    function _setStatus(address key, Node storage node, NodeStatus status, bytes32 reason) private {
        NodeStatus previous = node.status;
        if (previous == status) return;
        node.status = status;
        emit NodeStatusChanged(key, previous, status, reason);
    }
}
