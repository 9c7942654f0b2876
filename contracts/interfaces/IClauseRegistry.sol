// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ClauseId} from "../types/Ids.sol";
import {ClauseStatus, ExecutionModel, PriorityClass} from "../types/Enums.sol";

/// @title IClauseRegistry
/// @notice Versioned smart clauses. Every version of a clause line belongs to the DAO timelock
/// that registered the line first; only that timelock registers further versions or changes their status.
interface IClauseRegistry {
    /// @notice What a DAO submits (through its timelock) to register one clause version.
    /// @dev The id string is composed on-chain from its parts, so the id always matches them;
    /// a malformed part reverts with ClauseIdLib.ClauseIdInvalidPart(part).
    struct ClauseSpec {
        string namespace_;
        string domain;
        string name;
        uint16 major;
        uint16 minor;
        uint16 patch;
        string fork;
        bytes32 parent;
        bytes32 codeHash;
        ExecutionModel model;
        uint8 quorumK;
        uint8 quorumN;
        PriorityClass priority;
        uint32 policyFlags;
        uint64 validFrom;
        uint64 validUntil;
        bytes3[] jurisdictions;
    }

    /// @notice One registered clause version.
    /// @param owner The owning DAO's timelock.
    /// @param version major << 32 | minor << 16 | patch.
    /// @param parent For a fork line's versions, the clause id it forked from; zero otherwise.
    /// @param line keccak256 of "<Namespace>::<Domain>::<Name>[-<Fork>]": all versions of a line share an owner.
    /// @param domain The domain name, left-aligned ASCII.
    /// @param configDigest docs/FORMATS.md §2, named by every CAC for this version.
    struct ClauseVersion {
        address owner;
        uint48 version;
        ExecutionModel model;
        uint8 quorumK;
        uint8 quorumN;
        ClauseStatus status;
        PriorityClass priority;
        uint32 policyFlags;
        uint64 validFrom;
        uint64 validUntil;
        bytes32 codeHash;
        bytes32 configDigest;
        bytes32 parent;
        bytes32 line;
        bytes32 domain;
        bytes3[] jurisdictions;
    }

    /// @notice What a zk clause version (execution model Zk) proves with, next to its code hash.
    /// @param circuitHash sha256 of the circuit's r1cs file (docs/FORMATS.md §18).
    /// @param vkeyHash keccak256 of the canonical JSON of its Groth16 verification key.
    /// @param verifier The Groth16 verifier contract generated from that key.
    struct ZkBinding {
        bytes32 circuitHash;
        bytes32 vkeyHash;
        address verifier;
    }

    /// @notice The clause version is already registered.
    error ClauseRegistryAlreadyRegistered(ClauseId clauseId);
    /// @notice No clause version with this id.
    error ClauseRegistryUnknownClause(ClauseId clauseId);
    /// @notice `caller` is not the timelock that owns the clause line.
    error ClauseRegistryNotOwner(bytes32 line, address caller, address owner);
    /// @notice `caller` is not an admitted tenant of `jurisdiction`.
    error ClauseRegistryNotTenant(address caller, bytes3 jurisdiction);
    /// @notice A new version must be greater than the line's latest.
    error ClauseRegistryVersionNotIncreasing(bytes32 line, uint48 latest, uint48 given);
    /// @notice The code hash is zero.
    error ClauseRegistryZeroCodeHash();
    /// @notice The execution model and quorum disagree (single is 1/1; otherwise 1 <= k <= n <= 32).
    error ClauseRegistryInvalidQuorum(ExecutionModel model, uint8 quorumK, uint8 quorumN);
    /// @notice The validity window ends before it starts.
    error ClauseRegistryInvalidWindow(uint64 validFrom, uint64 validUntil);
    /// @notice No jurisdiction given, or one repeated.
    error ClauseRegistryInvalidJurisdictions();
    /// @notice A fork must name an existing parent of the same base line; a non-fork must not name one.
    error ClauseRegistryInvalidParent(bytes32 parent);
    /// @notice The requested status change is not allowed from the current status (or not by this caller).
    error ClauseRegistryInvalidStatusChange(ClauseId clauseId, ClauseStatus from, ClauseStatus to);

    /// @notice Only a clause version of execution model Zk has a circuit.
    error ClauseRegistryNotZkModel(ClauseId clauseId, ExecutionModel model);
    /// @notice A zk binding is set once: a different circuit is a different clause version.
    error ClauseRegistryZkBindingAlreadySet(ClauseId clauseId);
    /// @notice A zero hash, or a verifier address without code.
    error ClauseRegistryInvalidZkBinding(bytes32 circuitHash, bytes32 vkeyHash, address verifier);
    /// @notice The zk clause version has no binding yet.
    error ClauseRegistryZkBindingNotSet(ClauseId clauseId);

    /// @notice A clause version was registered.
    event ClauseRegistered(
        ClauseId indexed clauseId,
        bytes32 indexed line,
        address indexed owner,
        string id,
        uint48 version,
        bytes32 codeHash,
        bytes32 parent,
        bytes32 configDigest,
        ExecutionModel model,
        uint8 quorumK,
        uint8 quorumN,
        PriorityClass priority,
        uint32 policyFlags,
        uint64 validFrom,
        uint64 validUntil,
        bytes3[] jurisdictions
    );
    /// @notice A zk clause version's circuit, verification key and verifier were recorded.
    event ClauseZkBindingSet(ClauseId indexed clauseId, bytes32 circuitHash, bytes32 vkeyHash, address verifier);
    /// @notice A clause version's status changed.
    event ClauseStatusChanged(ClauseId indexed clauseId, ClauseStatus from, ClauseStatus to, address indexed by);

    /// @notice Registers a clause version. The caller (a DAO timelock) must be a tenant of every listed
    /// jurisdiction and, for an existing line, its owner.
    function registerClause(ClauseSpec calldata spec) external returns (ClauseId clauseId);

    /// @notice Owner only: active <-> paused, and active/paused -> deprecated (final).
    function setClauseStatus(ClauseId clauseId, ClauseStatus status) external;

    /// @notice Dispute resolver or network governance (access-managed): active/paused -> frozen, and back
    /// to the status it had before (a clause its DAO paused stays paused).
    /// @dev Freezing on evidence of disagreement protects the owner's own clause; unfreezing through the
    /// dispute resolver needs the owner's timelock and the jurisdiction authority together.
    function setClauseFrozen(ClauseId clauseId, bool frozen) external;

    /// @notice Owner only, once, for a version of execution model Zk: records its circuit hash,
    /// verification-key hash and verifier contract next to its code hash.
    function setZkBinding(ClauseId clauseId, ZkBinding calldata binding) external;

    /// @notice The zk binding of a zk clause version; reverts ClauseRegistryZkBindingNotSet before it is set.
    function getZkBinding(ClauseId clauseId) external view returns (ZkBinding memory);

    function getClause(ClauseId clauseId) external view returns (ClauseVersion memory);

    /// @notice The owner of a clause line (zero if unregistered).
    function lineOwner(bytes32 line) external view returns (address);

    /// @notice The latest registered version of a line.
    function latestVersion(bytes32 line) external view returns (uint48);

    /// @notice True when the clause is active, `time` lies in its validity window and `jurisdiction` is one of its own.
    function isExecutable(ClauseId clauseId, bytes3 jurisdiction, uint64 time) external view returns (bool);
}
