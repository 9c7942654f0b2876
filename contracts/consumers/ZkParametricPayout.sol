// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {IClauseRegistry} from "../interfaces/IClauseRegistry.sol";
import {IRollupAnchor} from "../interfaces/IRollupAnchor.sol";
import {ClauseId, JobId} from "../types/Ids.sol";
import {IGroth16Verifier} from "../zk/IGroth16Verifier.sol";
import {ParametricPayout} from "./ParametricPayout.sol";

/// @title ZkParametricPayout
/// @notice ParametricPayout for a zk clause version (execution model Zk): pays for a proven batch inclusion
/// (`claim`, inherited) or for a Groth16 proof of the clause's circuit (`claimWithProof`), at most once per
/// execution id either way.
/// @dev The proof shows the outputs follow the circuit from inputs committed with Poseidon; which commitment
/// is the real reading is a fact from outside the proof, so the input attester (the data provider or the
/// DAO's timelock) records it per job first. The verifier is the one ClauseRegistry binds to the clause
/// version, read at claim time (docs/ZK.md, docs/FORMATS.md §18).
contract ZkParametricPayout is ParametricPayout {
    using SafeERC20 for IERC20;

    /// @notice BN254 scalar field order: every public signal is below it.
    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @notice BN254 base field order: every proof coordinate is below it.
    uint256 public constant BN254_BASE_FIELD =
        21888242871839275222246405745257275088696311157297823662689037894645226208583;
    /// @notice [status, amount, input_commitment, clause_binding, job_binding].
    uint256 public constant PUBLIC_SIGNAL_COUNT = 5;

    IClauseRegistry public immutable clauses;
    address public immutable inputAttester;

    mapping(bytes32 jobId => uint256 commitment) private _commitments;

    /// @notice A Groth16 proof as the generated verifier takes it (G2 coordinates as (c1, c0)).
    struct Groth16Proof {
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice Only the input attester records input commitments.
    error ZkPayoutNotAttester(address caller);
    /// @notice A job's input commitment is recorded once.
    error ZkPayoutCommitmentAlreadyAttested(JobId jobId);
    /// @notice The commitment is zero or not a field element.
    error ZkPayoutInvalidCommitment(uint256 commitment);
    /// @notice No input commitment was attested for this job.
    error ZkPayoutCommitmentNotAttested(JobId jobId);
    /// @notice The proof commits to other inputs than the attested ones.
    error ZkPayoutCommitmentMismatch(JobId jobId, uint256 attested, uint256 proven);
    /// @notice The proof is for another clause version (clause binding = uint256(clauseId) mod r).
    error ZkPayoutWrongClause(uint256 expected, uint256 proven);
    /// @notice The proof is for another job (job binding = uint256(jobId) mod r).
    error ZkPayoutWrongJob(uint256 expected, uint256 proven);
    /// @notice The circuit has five public signals.
    error ZkPayoutPublicSignalCount(uint256 expected, uint256 received);
    /// @notice A public signal is not below the scalar field order (an aliased value).
    error ZkPayoutPublicSignalOutOfField(uint256 index, uint256 value);
    /// @notice A proof coordinate is not below the base field order.
    error ZkPayoutProofElementOutOfField(uint256 value);
    /// @notice The clause did not decide to pay.
    error ZkPayoutNotTriggered(uint256 status);
    /// @notice The registered verifier rejected the proof (forged outputs, wrong key or malformed points).
    error ZkPayoutInvalidProof(address verifier);

    /// @notice The input attester recorded the commitment of a job's private inputs.
    event InputCommitmentAttested(JobId indexed jobId, uint256 commitment);
    /// @notice A job was paid on a Groth16 proof.
    event ZkPayoutReleased(JobId indexed jobId, address indexed beneficiary, uint256 amount, address verifier);

    constructor(
        IRollupAnchor anchor_,
        IERC20 token_,
        IClauseRegistry clauses_,
        ClauseId clauseId_,
        address dao,
        bytes3 jurisdiction_,
        address beneficiary_,
        bytes32 action_,
        uint256 maxPayout_,
        bool requireInCountry_,
        address inputAttester_
    )
        ParametricPayout(
            anchor_, token_, clauses_, clauseId_, dao, jurisdiction_, beneficiary_, action_, maxPayout_, requireInCountry_
        )
    {
        clauses = clauses_;
        inputAttester = inputAttester_;
    }

    /// @notice Input attester only, once per job: the Poseidon commitment of the job's private inputs.
    function attestInputCommitment(JobId jobId, uint256 commitment) external {
        if (msg.sender != inputAttester) revert ZkPayoutNotAttester(msg.sender);
        bytes32 key = JobId.unwrap(jobId);
        if (_commitments[key] != 0) revert ZkPayoutCommitmentAlreadyAttested(jobId);
        if (commitment == 0 || commitment >= SNARK_SCALAR_FIELD) revert ZkPayoutInvalidCommitment(commitment);
        _commitments[key] = commitment;
        emit InputCommitmentAttested(jobId, commitment);
    }

    /// @notice The attested input commitment of a job (zero if none).
    function inputCommitment(JobId jobId) external view returns (uint256) {
        return _commitments[JobId.unwrap(jobId)];
    }

    /// @notice Pays the beneficiary for a job proven with the clause version's circuit. Permissionless.
    /// @param publicSignals [status, amount, input_commitment, clause_binding, job_binding].
    function claimWithProof(JobId jobId, Groth16Proof calldata proof, uint256[] calldata publicSignals)
        external
        nonReentrant
        returns (uint256 amount)
    {
        if (publicSignals.length != PUBLIC_SIGNAL_COUNT) {
            revert ZkPayoutPublicSignalCount(PUBLIC_SIGNAL_COUNT, publicSignals.length);
        }
        // The verifier would answer false for these; checking first names the fault instead.
        for (uint256 i; i < PUBLIC_SIGNAL_COUNT; ++i) {
            if (publicSignals[i] >= SNARK_SCALAR_FIELD) revert ZkPayoutPublicSignalOutOfField(i, publicSignals[i]);
        }
        _requireCoordinates(proof);

        bytes32 key = JobId.unwrap(jobId);
        if (_paid[key]) revert ParametricPayoutAlreadyPaid(jobId);
        uint256 clauseBinding = uint256(ClauseId.unwrap(clauseId)) % SNARK_SCALAR_FIELD;
        if (publicSignals[3] != clauseBinding) revert ZkPayoutWrongClause(clauseBinding, publicSignals[3]);
        uint256 jobBinding = uint256(key) % SNARK_SCALAR_FIELD;
        if (publicSignals[4] != jobBinding) revert ZkPayoutWrongJob(jobBinding, publicSignals[4]);
        uint256 attested = _commitments[key];
        if (attested == 0) revert ZkPayoutCommitmentNotAttested(jobId);
        if (publicSignals[2] != attested) revert ZkPayoutCommitmentMismatch(jobId, attested, publicSignals[2]);
        if (publicSignals[0] != STATUS_TRIGGERED) revert ZkPayoutNotTriggered(publicSignals[0]);
        amount = publicSignals[1];
        if (amount == 0 || amount > maxPayout) revert ParametricPayoutInvalidAmount(amount, maxPayout);

        anchor.requireActionable(clauseId, tenantId);
        address verifier = clauses.getZkBinding(clauseId).verifier;
        if (!IGroth16Verifier(verifier).verifyProof(proof.a, proof.b, proof.c, _fixed(publicSignals))) {
            revert ZkPayoutInvalidProof(verifier);
        }

        _paid[key] = true;
        emit ZkPayoutReleased(jobId, beneficiary, amount, verifier);
        token.safeTransfer(beneficiary, amount);
    }

    function _requireCoordinates(Groth16Proof calldata proof) private pure {
        uint256[8] memory all =
            [proof.a[0], proof.a[1], proof.b[0][0], proof.b[0][1], proof.b[1][0], proof.b[1][1], proof.c[0], proof.c[1]];
        for (uint256 i; i < 8; ++i) {
            if (all[i] >= BN254_BASE_FIELD) revert ZkPayoutProofElementOutOfField(all[i]);
        }
    }

    function _fixed(uint256[] calldata signals) private pure returns (uint256[5] memory out) {
        for (uint256 i; i < PUBLIC_SIGNAL_COUNT; ++i) {
            out[i] = signals[i];
        }
    }
}
