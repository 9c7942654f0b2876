// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";

import {IClauseRegistry} from "./interfaces/IClauseRegistry.sol";
import {IJurisdictionRegistry} from "./interfaces/IJurisdictionRegistry.sol";
import {ClauseIdLib} from "./libraries/ClauseIdLib.sol";
import {Jurisdiction} from "./libraries/Jurisdiction.sol";
import {QuorumVerifier} from "./libraries/QuorumVerifier.sol";
import {ClauseId} from "./types/Ids.sol";
import {ClauseStatus, ExecutionModel} from "./types/Enums.sol";

/// @title ClauseRegistry
/// @notice Versioned smart clauses owned by DAO timelocks. The first registrant of a clause line owns
/// it; only that address (a timelock, so only an executed proposal) registers versions or changes status.
contract ClauseRegistry is IClauseRegistry, AccessManaged {
    uint256 public constant MAX_JURISDICTIONS = 16;

    IJurisdictionRegistry public immutable jurisdictions;

    mapping(bytes32 clauseId => ClauseVersion) private _clauses;
    mapping(bytes32 line => address owner) private _lineOwners;
    mapping(bytes32 line => uint48 version) private _latest;
    mapping(bytes32 clauseId => bool) private _pausedBeforeFreeze;
    mapping(bytes32 clauseId => ZkBinding) private _zkBindings;

    constructor(address accessManager, IJurisdictionRegistry jurisdictions_) AccessManaged(accessManager) {
        jurisdictions = jurisdictions_;
    }

    /// @inheritdoc IClauseRegistry
    function registerClause(ClauseSpec calldata spec) external returns (ClauseId) {
        (string memory id, string memory lineName, string memory baseLineName) = _compose(spec);
        bytes32 clauseId = keccak256(bytes(id));
        bytes32 line = keccak256(bytes(lineName));
        if (_clauses[clauseId].status != ClauseStatus.None) revert ClauseRegistryAlreadyRegistered(ClauseId.wrap(clauseId));

        address owner = _lineOwners[line];
        if (owner == address(0)) {
            _lineOwners[line] = msg.sender;
        } else if (owner != msg.sender) {
            revert ClauseRegistryNotOwner(line, msg.sender, owner);
        }
        uint48 version = ClauseIdLib.packVersion(spec.major, spec.minor, spec.patch);
        if (version <= _latest[line]) revert ClauseRegistryVersionNotIncreasing(line, _latest[line], version);
        _latest[line] = version;

        _requireSpec(spec, keccak256(bytes(baseLineName)));

        ClauseVersion storage c = _clauses[clauseId];
        c.owner = msg.sender;
        c.version = version;
        c.model = spec.model;
        c.quorumK = spec.quorumK;
        c.quorumN = spec.quorumN;
        c.status = ClauseStatus.Active;
        c.priority = spec.priority;
        c.policyFlags = spec.policyFlags;
        c.validFrom = spec.validFrom;
        c.validUntil = spec.validUntil;
        c.codeHash = spec.codeHash;
        c.configDigest = _configDigest(clauseId, spec);
        c.parent = spec.parent;
        c.line = line;
        c.domain = ClauseIdLib.toBytes32(spec.domain);
        c.jurisdictions = spec.jurisdictions;

        emit ClauseRegistered(
            ClauseId.wrap(clauseId),
            line,
            msg.sender,
            id,
            version,
            spec.codeHash,
            spec.parent,
            c.configDigest,
            spec.model,
            spec.quorumK,
            spec.quorumN,
            spec.priority,
            spec.policyFlags,
            spec.validFrom,
            spec.validUntil,
            spec.jurisdictions
        );
        emit ClauseStatusChanged(ClauseId.wrap(clauseId), ClauseStatus.None, ClauseStatus.Active, msg.sender);
        return ClauseId.wrap(clauseId);
    }

    /// @inheritdoc IClauseRegistry
    function setClauseStatus(ClauseId clauseId, ClauseStatus status) external {
        ClauseVersion storage c = _existing(clauseId);
        if (msg.sender != c.owner) revert ClauseRegistryNotOwner(c.line, msg.sender, c.owner);
        ClauseStatus from = c.status;
        bool allowed = (from == ClauseStatus.Active && status == ClauseStatus.Paused)
            || (from == ClauseStatus.Paused && status == ClauseStatus.Active)
            || ((from == ClauseStatus.Active || from == ClauseStatus.Paused) && status == ClauseStatus.Deprecated);
        if (!allowed) revert ClauseRegistryInvalidStatusChange(clauseId, from, status);
        c.status = status;
        emit ClauseStatusChanged(clauseId, from, status, msg.sender);
    }

    /// @inheritdoc IClauseRegistry
    function setClauseFrozen(ClauseId clauseId, bool frozen) external restricted {
        ClauseVersion storage c = _existing(clauseId);
        ClauseStatus from = c.status;
        bytes32 key = ClauseId.unwrap(clauseId);
        // A thaw returns the clause to where its DAO left it: a paused clause stays paused.
        ClauseStatus to = frozen ? ClauseStatus.Frozen : (_pausedBeforeFreeze[key] ? ClauseStatus.Paused : ClauseStatus.Active);
        bool allowed = frozen ? (from == ClauseStatus.Active || from == ClauseStatus.Paused) : from == ClauseStatus.Frozen;
        if (!allowed) revert ClauseRegistryInvalidStatusChange(clauseId, from, to);
        _pausedBeforeFreeze[key] = frozen && from == ClauseStatus.Paused;
        c.status = to;
        emit ClauseStatusChanged(clauseId, from, to, msg.sender);
    }

    /// @inheritdoc IClauseRegistry
    function setZkBinding(ClauseId clauseId, ZkBinding calldata binding) external {
        ClauseVersion storage c = _existing(clauseId);
        if (msg.sender != c.owner) revert ClauseRegistryNotOwner(c.line, msg.sender, c.owner);
        if (c.model != ExecutionModel.Zk) revert ClauseRegistryNotZkModel(clauseId, c.model);
        ZkBinding storage z = _zkBindings[ClauseId.unwrap(clauseId)];
        // Versions are immutable: once a consumer trusts a verifier for this version it never changes under it.
        if (z.verifier != address(0)) revert ClauseRegistryZkBindingAlreadySet(clauseId);
        if (binding.circuitHash == bytes32(0) || binding.vkeyHash == bytes32(0) || binding.verifier.code.length == 0) {
            revert ClauseRegistryInvalidZkBinding(binding.circuitHash, binding.vkeyHash, binding.verifier);
        }
        z.circuitHash = binding.circuitHash;
        z.vkeyHash = binding.vkeyHash;
        z.verifier = binding.verifier;
        emit ClauseZkBindingSet(clauseId, binding.circuitHash, binding.vkeyHash, binding.verifier);
    }

    /// @inheritdoc IClauseRegistry
    function getZkBinding(ClauseId clauseId) external view returns (ZkBinding memory binding) {
        _existing(clauseId);
        binding = _zkBindings[ClauseId.unwrap(clauseId)];
        if (binding.verifier == address(0)) revert ClauseRegistryZkBindingNotSet(clauseId);
    }

    /// @inheritdoc IClauseRegistry
    function getClause(ClauseId clauseId) external view returns (ClauseVersion memory) {
        return _existing(clauseId);
    }

    /// @inheritdoc IClauseRegistry
    function lineOwner(bytes32 line) external view returns (address) {
        return _lineOwners[line];
    }

    /// @inheritdoc IClauseRegistry
    function latestVersion(bytes32 line) external view returns (uint48) {
        return _latest[line];
    }

    /// @inheritdoc IClauseRegistry
    function isExecutable(ClauseId clauseId, bytes3 jurisdiction, uint64 time) external view returns (bool) {
        ClauseVersion storage c = _clauses[ClauseId.unwrap(clauseId)];
        if (c.status != ClauseStatus.Active || time < c.validFrom) return false;
        if (c.validUntil != 0 && time >= c.validUntil) return false;
        bytes3[] storage list = c.jurisdictions;
        for (uint256 i; i < list.length; ++i) {
            if (list[i] == jurisdiction) return true;
        }
        return false;
    }

    function _compose(ClauseSpec calldata spec)
        private
        pure
        returns (string memory id, string memory line, string memory baseLine)
    {
        return ClauseIdLib.compose(spec.namespace_, spec.domain, spec.name, spec.major, spec.minor, spec.patch, spec.fork);
    }

    function _requireSpec(ClauseSpec calldata spec, bytes32 baseLine) private view {
        if (spec.codeHash == bytes32(0)) revert ClauseRegistryZeroCodeHash();
        bool single = spec.model == ExecutionModel.Single;
        if (
            (single && (spec.quorumK != 1 || spec.quorumN != 1)) || spec.quorumK == 0 || spec.quorumK > spec.quorumN
                || spec.quorumN > QuorumVerifier.MAX_SIGNERS
        ) revert ClauseRegistryInvalidQuorum(spec.model, spec.quorumK, spec.quorumN);
        if (spec.validUntil != 0 && spec.validUntil <= spec.validFrom) {
            revert ClauseRegistryInvalidWindow(spec.validFrom, spec.validUntil);
        }
        if (bytes(spec.fork).length == 0) {
            if (spec.parent != bytes32(0)) revert ClauseRegistryInvalidParent(spec.parent);
        } else {
            ClauseVersion storage parent = _clauses[spec.parent];
            if (parent.status == ClauseStatus.None || parent.line != baseLine) revert ClauseRegistryInvalidParent(spec.parent);
        }
        uint256 n = spec.jurisdictions.length;
        if (n == 0 || n > MAX_JURISDICTIONS) revert ClauseRegistryInvalidJurisdictions();
        for (uint256 i; i < n; ++i) {
            bytes3 iso = spec.jurisdictions[i];
            Jurisdiction.requireValid(iso);
            for (uint256 j; j < i; ++j) {
                if (spec.jurisdictions[j] == iso) revert ClauseRegistryInvalidJurisdictions();
            }
            if (!jurisdictions.isTenant(msg.sender, iso)) revert ClauseRegistryNotTenant(msg.sender, iso);
        }
    }

    function _configDigest(bytes32 clauseId, ClauseSpec calldata spec) private view returns (bytes32) {
        // docs/FORMATS.md §2: the executor quorum in force for this version, bound to chain and registry.
        return keccak256(
            abi.encode(
                block.chainid,
                address(this),
                clauseId,
                spec.codeHash,
                spec.model,
                spec.quorumK,
                spec.quorumN,
                spec.policyFlags
            )
        );
    }

    function _existing(ClauseId clauseId) private view returns (ClauseVersion storage c) {
        c = _clauses[ClauseId.unwrap(clauseId)];
        if (c.status == ClauseStatus.None) revert ClauseRegistryUnknownClause(clauseId);
    }
}
