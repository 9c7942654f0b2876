// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {NodeStatus, TeeType} from "../types/Enums.sol";
import {QuorumVerifier} from "../libraries/QuorumVerifier.sol";

/// @title INodeRegistry
/// @notice Executor nodes and their attested enclave keys, the measurement allowlist, the attestation
/// validator quorum and the scheduler keys. An enclave key counts only while it is active (attested
/// by a validator quorum, not debug, allowlisted measurement, allowed TEE type) and unexpired.
interface INodeRegistry {
    /// @notice What the attestation validator quorum signs (EIP-712, docs/FORMATS.md §4).
    struct AttestationVerdict {
        address enclaveKey;
        address operator;
        TeeType teeType;
        bytes32 measurement;
        bytes3 jurisdiction;
        bool sovereign;
        bool debug;
        bytes32 attestationId;
        uint64 attestedAt;
        uint64 validUntil;
        bytes32 configDigest;
    }

    /// @notice One executor node, keyed by its enclave key.
    /// @param activeSince Start of the key's current unbroken attested interval: a renewal before expiry keeps
    /// it, a verdict after a lapse, revocation or deregistration restarts it. CACs count only from then on.
    /// @dev The first seven fields share one storage slot: quorum checks read only that slot.
    struct Node {
        uint64 attestedAt;
        uint64 attestedUntil;
        NodeStatus status;
        TeeType teeType;
        bytes3 jurisdiction;
        bool sovereign;
        uint64 activeSince;
        address operator;
        bytes32 measurement;
        bytes32 attestationId;
    }

    /// @notice The verdict declares a debug enclave; debug enclaves never count.
    error NodeRegistryDebugEnclave(address enclaveKey);
    /// @notice The measurement is not on the allowlist.
    error NodeRegistryMeasurementNotAllowed(bytes32 measurement);
    /// @notice Governance has not allowed this TEE type (the simulated type is allowed only on development chains).
    error NodeRegistryTeeTypeNotAllowed(TeeType teeType);
    /// @notice The verdict's validity window is empty, already over, too long, or starts in the future.
    error NodeRegistryInvalidValidity(uint64 attestedAt, uint64 validUntil, uint64 nowSeconds);
    /// @notice The verdict is not newer than the node's current one (replay).
    error NodeRegistryVerdictReplayed(address enclaveKey, uint64 attestedAt, uint64 currentAttestedAt);
    /// @notice Only the operator named in the verdict may submit it; a key never moves between operators.
    error NodeRegistryNotOperator(address enclaveKey, address caller, address operator);
    /// @notice The enclave key or operator is the zero address.
    error NodeRegistryZeroAddress();
    /// @notice The verdict names a config digest other than the current validator config's.
    error NodeRegistryStaleValidatorConfig(bytes32 expected, bytes32 given);
    /// @notice No node with this enclave key.
    error NodeRegistryUnknownNode(address enclaveKey);
    /// @notice The executor is not active (revoked, ejected, deregistered or unknown).
    error NodeRegistryExecutorNotActive(address enclaveKey, NodeStatus status);
    /// @notice The executor's attestation had expired at the CAC's timestamp.
    error NodeRegistryAttestationExpired(address enclaveKey, uint64 attestedUntil, uint64 timestamp);
    /// @notice The CAC's timestamp is before the key's current attested interval began (signed during a lapse or
    /// while revoked; a later re-attestation does not make it count).
    error NodeRegistryNotYetAttested(address enclaveKey, uint64 activeSince, uint64 timestamp);
    /// @notice The executor's jurisdiction differs from the one the caller requires.
    error NodeRegistryJurisdictionMismatch(address enclaveKey, bytes3 required, bytes3 actual);
    /// @notice A revocation group (measurement or TEE type) is full; see MAX_GROUP_SIZE.
    error NodeRegistryGroupFull(bytes32 group);
    /// @notice The value is out of its allowed range.
    error NodeRegistryInvalidParameter(uint256 value);

    /// @notice A new enclave key was registered.
    event NodeRegistered(address indexed enclaveKey, address indexed operator, TeeType teeType, bytes3 jurisdiction, bool sovereign);
    /// @notice A validator quorum attested the enclave key (first time or renewal).
    event NodeAttested(
        address indexed enclaveKey,
        bytes32 indexed measurement,
        bytes32 indexed attestationId,
        uint64 attestedAt,
        uint64 validUntil,
        bytes32 validatorConfigDigest
    );
    /// @notice A node's status changed.
    event NodeStatusChanged(address indexed enclaveKey, NodeStatus from, NodeStatus to, bytes32 reason);
    /// @notice The measurement allowlist changed.
    event MeasurementAllowed(bytes32 indexed measurement, bool allowed);
    /// @notice The set of accepted TEE types changed.
    event TeeTypeAllowed(TeeType indexed teeType, bool allowed);
    /// @notice The attestation validator quorum changed.
    event ValidatorConfigSet(bytes32 indexed configDigest, uint64 configVersion, uint8 threshold, address[] signers);
    /// @notice A scheduler key was added or removed.
    event SchedulerSet(address indexed scheduler, bool allowed);
    /// @notice The longest attestation validity governance accepts changed.
    event MaxAttestationValiditySet(uint64 maxValiditySeconds);
    /// @notice Governance adopted a hardware TEE policy (`nsf.tee-policy/1`, its id = sha256 of its canonical JSON).
    event TeePolicySet(bytes32 indexed policyId);

    /// @notice Registers or renews an enclave key. Caller: the verdict's operator.
    function submitVerdict(AttestationVerdict calldata verdict, QuorumVerifier.Proof calldata proof) external;

    /// @notice The operator retires its node.
    function deregisterNode(address enclaveKey) external;

    /// @notice Governance: eject a node (e.g. after proven equivocation).
    function ejectNode(address enclaveKey, bytes32 reason) external;

    /// @notice Governance: allow or revoke a measurement. Revoking revokes every node running it.
    function setMeasurementAllowed(bytes32 measurement, bool allowed) external;

    /// @notice Governance: allow or disallow a TEE type. Disallowing revokes every node of that type.
    function setTeeTypeAllowed(TeeType teeType, bool allowed) external;

    /// @notice Governance: replace the attestation validator quorum.
    function setValidatorConfig(address[] calldata signers, uint8 threshold) external;

    /// @notice Governance: add or remove a scheduler key (signs job tokens).
    function setScheduler(address scheduler, bool allowed) external;

    /// @notice Governance: cap attestation validity (attestations must be renewed at least this often).
    function setMaxAttestationValidity(uint64 maxValiditySeconds) external;

    /// @notice Governance: the id of the hardware TEE policy attestation validators must apply (docs/FORMATS.md §17).
    /// Validators refuse to judge evidence under any other policy; zero means none adopted (all hardware refused).
    function setTeePolicy(bytes32 policyId) external;

    /// @notice The id of the hardware TEE policy governance adopted (zero: none).
    function teePolicy() external view returns (bytes32);

    /// @notice Reverts unless every executor is an active enclave key whose current attested interval
    /// [activeSince, attestedUntil] covers its CAC timestamp, and (when `jurisdiction` is non-zero) is located there.
    /// @param executors One word per executor: `uint256(uint160(enclaveKey)) << 64 | timestamp`.
    function checkExecutors(uint256[] calldata executors, bytes3 jurisdiction) external view;

    function getNode(address enclaveKey) external view returns (Node memory);

    /// @notice True when `enclaveKey` is active and `time` lies in its current attested interval.
    function isActiveAt(address enclaveKey, uint64 time) external view returns (bool);

    function isScheduler(address scheduler) external view returns (bool);

    function isMeasurementAllowed(bytes32 measurement) external view returns (bool);

    function isTeeTypeAllowed(TeeType teeType) external view returns (bool);

    /// @return configDigest The validator config digest verdicts must name.
    /// @return configVersion Its version.
    /// @return threshold Its k.
    /// @return signers Its validators, ascending.
    function validatorConfig()
        external
        view
        returns (bytes32 configDigest, uint64 configVersion, uint8 threshold, address[] memory signers);

    /// @notice The EIP-712 digest validators sign for `verdict`.
    function verdictDigest(AttestationVerdict calldata verdict) external view returns (bytes32);
}
