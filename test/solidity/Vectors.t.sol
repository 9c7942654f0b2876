// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {ClauseRegistry} from "../../contracts/ClauseRegistry.sol";
import {NodeRegistry} from "../../contracts/NodeRegistry.sol";
import {RollupAnchor} from "../../contracts/RollupAnchor.sol";
import {NSFAccessManager} from "../../contracts/governance/NSFAccessManager.sol";
import {JurisdictionRegistry} from "../../contracts/governance/JurisdictionRegistry.sol";
import {IClauseRegistry} from "../../contracts/interfaces/IClauseRegistry.sol";
import {INodeRegistry} from "../../contracts/interfaces/INodeRegistry.sol";
import {IRollupAnchor} from "../../contracts/interfaces/IRollupAnchor.sol";
import {ExecutionHashing} from "../../contracts/libraries/ExecutionHashing.sol";
import {QuorumVerifier} from "../../contracts/libraries/QuorumVerifier.sol";
import {ClauseId} from "../../contracts/types/Ids.sol";
import {ExecutionModel, PriorityClass, TeeType, TriggerType} from "../../contracts/types/Enums.sol";
import {FormatsVectors as V} from "./generated/FormatsVectors.sol";
import {FormatsHarness} from "./harness/FormatsHarness.sol";
import {QuorumHarness} from "./harness/QuorumHarness.sol";
import {TestBase} from "./utils/TestBase.sol";

/// @notice The golden vectors of test/vectors/formats.json (computed by the TypeScript formats core)
/// against the Solidity libraries and, where a contract computes the value itself, against the contract
/// placed at the vector's own address (vm.etch) on the vector's chain id.
contract VectorsTest is TestBase {
    FormatsHarness private formats;
    NSFAccessManager private manager;

    function setUp() public {
        vm.chainId(V.CHAIN_ID);
        formats = new FormatsHarness();
        manager = new NSFAccessManager(address(this));
    }

    /// @dev `deployed`'s code and storage at `target`: the same contract at the vector's address.
    function _placeAt(address deployed, address target) private {
        vm.etch(target, deployed.code);
        vm.copyStorage(deployed, target);
    }

    function test_clauseIds_MatchComposedIdsAndVersions() public view {
        V.ClauseIdVector[] memory v = V.clauseIds();
        for (uint256 i; i < v.length; ++i) {
            (string memory id, string memory line) =
                formats.composeClauseId(v[i].namespace_, v[i].domain, v[i].name, v[i].major, v[i].minor, v[i].patch, v[i].fork);
            vm.assertEq(keccak256(bytes(id)), keccak256(bytes(v[i].id)), "composed id string");
            vm.assertEq(keccak256(bytes(id)), v[i].clauseId, "clauseId = H(utf8(id))");
            vm.assertEq(keccak256(bytes(line)), v[i].line, "clause line");
            vm.assertEq(uint256(formats.packVersion(v[i].major, v[i].minor, v[i].patch)), uint256(v[i].version), "version");
        }
    }

    function test_tenants_MatchTenantId() public view {
        V.TenantVector[] memory v = V.tenants();
        for (uint256 i; i < v.length; ++i) {
            vm.assertEq(formats.tenantId(v[i].dao, v[i].jurisdiction), v[i].tenantId, "tenantId");
        }
    }

    function test_triggerNonces_MatchFormulas() public pure {
        V.SensorNonceVector[] memory s = V.sensorNonces();
        for (uint256 i; i < s.length; ++i) {
            vm.assertEq(keccak256(abi.encode(uint8(TriggerType.Sensor), s[i].feed, s[i].roundId)), s[i].nonce, "sensor");
        }
        V.DaoNonceVector[] memory d = V.daoNonces();
        for (uint256 i; i < d.length; ++i) {
            vm.assertEq(keccak256(abi.encode(uint8(TriggerType.Dao), d[i].timelock, d[i].daoNonce)), d[i].nonce, "dao");
        }
        V.SimulationNonceVector[] memory m = V.simulationNonces();
        for (uint256 i; i < m.length; ++i) {
            vm.assertEq(
                keccak256(abi.encode(uint8(TriggerType.Simulation), m[i].simulator, m[i].resultCommitment)),
                m[i].nonce,
                "simulation"
            );
        }
    }

    function test_jobIds_MatchExecutionHashing() public {
        V.JobIdVector[] memory v = V.jobIds();
        for (uint256 i; i < v.length; ++i) {
            vm.chainId(v[i].chainId);
            vm.assertEq(formats.jobId(v[i].jobRouter, v[i].clauseId, v[i].triggerNonce), v[i].jobId, "jobId");
        }
    }

    function test_sensorCommitments_MatchFormula() public pure {
        V.SensorCommitmentVector[] memory v = V.sensorCommitments();
        for (uint256 i; i < v.length; ++i) {
            vm.assertEq(
                keccak256(abi.encode(v[i].feed, v[i].roundId, v[i].answer, v[i].updatedAt)), v[i].commitment, "commitment"
            );
        }
    }

    function test_runtimeHashes_MatchExecutionHashing() public view {
        V.RuntimeHashVector[] memory v = V.runtimeHashes();
        for (uint256 i; i < v.length; ++i) {
            vm.assertTrue(v[i].teeType <= uint8(type(TeeType).max) && v[i].teeType != 0, "a valid TEE type");
            vm.assertEq(
                formats.runtimeHash(
                    v[i].teeType, v[i].measurement, v[i].enclaveKey, v[i].attestationId, v[i].verdictId, v[i].tcbStatus
                ),
                v[i].runtimeHash,
                "runtimeHash"
            );
        }
    }

    function test_quorumConfigs_MatchQuorumVerifierAtTheirContract() public {
        V.QuorumConfigVector[] memory v = V.quorumConfigs();
        QuorumHarness template = new QuorumHarness();
        for (uint256 i; i < v.length; ++i) {
            vm.chainId(v[i].chainId);
            vm.etch(v[i].verifyingContract, address(template).code);
            QuorumHarness at = QuorumHarness(v[i].verifyingContract);
            vm.assertEq(at.configDigest(v[i].role, v[i].configVersion, v[i].threshold, v[i].signers), v[i].digest, "digest");
        }
        // The vector roles are the contracts' own.
        vm.assertEq(v[0].role, new RollupAnchor(address(manager), NodeRegistry(address(0))).AGGREGATOR_ROLE(), "aggregator role");
        vm.assertEq(v[2].role, new NodeRegistry(address(manager), 30 days).ATTESTATION_VALIDATOR_ROLE(), "validator role");
    }

    function test_clauseConfigs_MatchClauseRegistryAtItsAddress() public {
        JurisdictionRegistry jurisdictions = new JurisdictionRegistry(address(manager));
        ClauseRegistry deployed = new ClauseRegistry(address(manager), jurisdictions);
        _placeAt(address(deployed), V.CLAUSE_REGISTRY);
        ClauseRegistry registry = ClauseRegistry(V.CLAUSE_REGISTRY);
        jurisdictions.setJurisdictionAuthority("KEN", address(this));
        jurisdictions.admitTenant(address(this), "KEN");

        V.ClauseConfigVector[] memory v = V.clauseConfigs();
        V.ClauseIdVector[] memory ids = V.clauseIds();
        bytes3[] memory ken = new bytes3[](1);
        ken[0] = "KEN";
        for (uint256 i; i < v.length; ++i) {
            vm.assertEq(v[i].clauseRegistry, V.CLAUSE_REGISTRY, "vector registry");
            vm.assertEq(
                keccak256(
                    abi.encode(
                        v[i].chainId,
                        v[i].clauseRegistry,
                        v[i].clauseId,
                        v[i].codeHash,
                        v[i].executionModel,
                        v[i].quorumK,
                        v[i].quorumN,
                        v[i].policyFlags
                    )
                ),
                v[i].digest,
                "FORMATS.md section 2"
            );
            V.ClauseIdVector memory c;
            for (uint256 j; j < ids.length; ++j) {
                if (ids[j].clauseId == v[i].clauseId) c = ids[j];
            }
            // A fork names the base line's first vector clause as its parent (registered just before).
            bytes32 parent = bytes(c.fork).length == 0 ? bytes32(0) : ids[0].clauseId;
            ClauseId id = registry.registerClause(
                IClauseRegistry.ClauseSpec({
                    namespace_: c.namespace_,
                    domain: c.domain,
                    name: c.name,
                    major: c.major,
                    minor: c.minor,
                    patch: c.patch,
                    fork: c.fork,
                    parent: parent,
                    codeHash: v[i].codeHash,
                    model: ExecutionModel(v[i].executionModel),
                    quorumK: v[i].quorumK,
                    quorumN: v[i].quorumN,
                    priority: PriorityClass.Disaster,
                    policyFlags: v[i].policyFlags,
                    validFrom: 0,
                    validUntil: 0,
                    jurisdictions: ken
                })
            );
            vm.assertEq(ClauseId.unwrap(id), v[i].clauseId, "registered clause id");
            vm.assertEq(registry.getClause(id).configDigest, v[i].digest, "ClauseRegistry config digest");
        }
    }

    function test_domains_MatchDomainSeparator() public view {
        V.DomainVector[] memory v = V.domains();
        for (uint256 i; i < v.length; ++i) {
            vm.assertEq(formats.domainSeparator(v[i].name, v[i].chainId, v[i].verifyingContract), v[i].separator, v[i].name);
        }
    }

    function test_typeHashes_MatchExecutionHashing() public view {
        V.TypeHashVector[] memory v = V.typeHashes();
        (bytes32 verdict, bytes32 jobToken, bytes32 cac, bytes32 batchHeader) = formats.typeHashes();
        bytes32[4] memory onChain = [verdict, jobToken, cac, batchHeader];
        vm.assertEq(v.length, 4, "four signed structs");
        for (uint256 i; i < v.length; ++i) {
            vm.assertEq(keccak256(bytes(v[i].typeString)), v[i].typeHash, "typeHash = H(type string)");
            vm.assertEq(onChain[i], v[i].typeHash, v[i].primaryType);
        }
    }

    function test_verdicts_MatchNodeRegistryAtItsAddress() public {
        NodeRegistry deployed = new NodeRegistry(address(manager), 30 days);
        _placeAt(address(deployed), V.NODE_REGISTRY);
        V.VerdictVector[] memory v = V.verdicts();
        for (uint256 i; i < v.length; ++i) {
            INodeRegistry.AttestationVerdict memory verdict = INodeRegistry.AttestationVerdict({
                enclaveKey: v[i].enclaveKey,
                operator: v[i].operator,
                teeType: TeeType(v[i].teeType),
                measurement: v[i].measurement,
                jurisdiction: v[i].jurisdiction,
                sovereign: v[i].sovereign,
                debug: v[i].debug,
                attestationId: v[i].attestationId,
                attestedAt: v[i].attestedAt,
                validUntil: v[i].validUntil,
                configDigest: v[i].configDigest
            });
            vm.assertEq(NodeRegistry(V.NODE_REGISTRY).verdictDigest(verdict), v[i].digest, "verdictDigest");
        }
    }

    function test_jobTokens_MatchExecutionHashing() public view {
        V.JobTokenVector[] memory v = V.jobTokens();
        for (uint256 i; i < v.length; ++i) {
            FormatsHarness.JobToken memory t = FormatsHarness.JobToken({
                jobId: v[i].jobId,
                clauseId: v[i].clauseId,
                clauseVersion: v[i].clauseVersion,
                codeHash: v[i].codeHash,
                tenantId: v[i].tenantId,
                executor: v[i].executor,
                attempt: v[i].attempt,
                inputHash: v[i].inputHash,
                triggerType: v[i].triggerType,
                expiresAt: v[i].expiresAt
            });
            vm.assertEq(formats.jobTokenDigest(V.CHAIN_ID, V.JOB_ROUTER, t), v[i].digest, "jobTokenDigest");
        }
    }

    function test_cacs_MatchRollupAnchorAtItsAddress() public {
        RollupAnchor deployed = new RollupAnchor(address(manager), NodeRegistry(address(0)));
        _placeAt(address(deployed), V.ROLLUP_ANCHOR);
        V.CacVector[] memory v = V.cacs();
        for (uint256 i; i < v.length; ++i) {
            // The leaf fields a CAC does not carry (resultSeq, cacSetHash) do not enter its digest.
            ExecutionHashing.ExecutionLeaf memory leaf = ExecutionHashing.ExecutionLeaf({
                jobId: v[i].jobId,
                resultSeq: uint64(i + 77),
                clauseId: v[i].clauseId,
                tenantId: v[i].tenantId,
                inputHash: v[i].inputHash,
                outputHash: v[i].outputHash,
                cacSetHash: keccak256(abi.encode(i))
            });
            ExecutionHashing.CacContext memory ctx = ExecutionHashing.CacContext({
                clauseVersion: v[i].clauseVersion,
                codeHash: v[i].codeHash,
                configDigest: v[i].configDigest
            });
            ExecutionHashing.ExecutorProof memory executor = ExecutionHashing.ExecutorProof({
                attempt: v[i].attempt,
                runtimeHash: v[i].runtimeHash,
                timestamp: v[i].timestamp,
                r: bytes32(0),
                s: bytes32(0),
                v: 0
            });
            vm.assertEq(RollupAnchor(V.ROLLUP_ANCHOR).cacDigest(leaf, ctx, executor), v[i].digest, "RollupAnchor.cacDigest");
            vm.assertEq(formats.cacDigest(V.CHAIN_ID, V.ROLLUP_ANCHOR, leaf, ctx, executor), v[i].digest, "ExecutionHashing");
        }
    }

    function test_batchHeaders_MatchExecutionHashing() public view {
        V.BatchHeaderVector[] memory v = V.batchHeaders();
        for (uint256 i; i < v.length; ++i) {
            vm.assertEq(uint256(v[i].count), uint256(v[i].lastSeq - v[i].firstSeq + 1), "count = lastSeq - firstSeq + 1");
            vm.assertEq(
                formats.batchHeaderDigest(
                    V.CHAIN_ID,
                    V.ROLLUP_ANCHOR,
                    v[i].batchSeq,
                    v[i].firstSeq,
                    v[i].lastSeq,
                    v[i].root,
                    v[i].prevCommitment,
                    v[i].bundleHash,
                    v[i].configDigest
                ),
                v[i].digest,
                "batch header digest"
            );
        }
    }

    /// @notice End to end on a real RollupAnchor at the vector address: the vector aggregator config gives
    /// the vector config digest, batch 1 gives the vector header digest, the vector keys' signatures over it
    /// anchor it, the stored commitment is the vector's, and every vector leaf proves against it.
    function test_batchHeaders_AnchorOnRollupAnchorAtItsAddress() public {
        RollupAnchor deployed = new RollupAnchor(address(manager), NodeRegistry(address(0)));
        _placeAt(address(deployed), V.ROLLUP_ANCHOR);
        RollupAnchor anchor = RollupAnchor(V.ROLLUP_ANCHOR);
        vm.assertEq(anchor.batchCommitment(0), V.GENESIS_COMMITMENT, "genesis commitment");

        V.QuorumConfigVector memory q = V.quorumConfigs()[0];
        anchor.setConfig(q.signers, q.threshold);
        (bytes32 configDigest, uint64 version,,) = anchor.config();
        vm.assertEq(uint256(version), uint256(q.configVersion), "config version");
        vm.assertEq(configDigest, q.digest, "RollupAnchor config digest");

        V.BatchHeaderVector memory b = V.batchHeaders()[0];
        IRollupAnchor.BatchHeader memory header =
            IRollupAnchor.BatchHeader({batchSeq: b.batchSeq, lastSeq: b.lastSeq, root: b.root, bundleHash: b.bundleHash});
        vm.assertEq(anchor.batchHeaderDigest(header), b.digest, "RollupAnchor.batchHeaderDigest");

        uint256 bitmap = 0x0b; // positions 0, 1, 3
        uint256[] memory keys = V.aggregatorKeys();
        for (uint256 i; i < keys.length; ++i) vm.assertEq(vm.addr(keys[i]), q.signers[i], "vector key order");
        QuorumVerifier.Proof memory proof = QuorumVerifier.Proof({
            configVersion: q.configVersion,
            threshold: q.threshold,
            signerBitmap: bitmap,
            packed: packParts(proofParts(keys, q.signers, bitmap, b.digest))
        });
        anchor.anchor(header, bytes32("arweave"), proof);

        V.CommitmentVector memory c = V.batchCommitments()[1];
        vm.assertEq(c.root, b.root, "vector commitment is batch 1's");
        vm.assertEq(anchor.batchCommitment(1), c.commitment, "stored commitment");

        V.LeafVector[] memory leaves = V.leaves();
        IRollupAnchor.BatchRef memory ref = IRollupAnchor.BatchRef({batchSeq: 1, root: b.root, lastSeq: b.lastSeq});
        for (uint256 i; i < leaves.length; ++i) {
            vm.assertTrue(anchor.verifyInclusion(ref, _leaf(leaves[i]), leaves[i].proof), "vector leaf included");
        }
    }

    function test_outputs_MatchAbiEncoding() public pure {
        V.OutputVector[] memory v = V.outputs();
        for (uint256 i; i < v.length; ++i) {
            vm.assertEq(abi.encode(v[i].status, v[i].action, v[i].amounts), v[i].encoded, "abi.encode(status, action, amounts)");
            vm.assertEq(keccak256(v[i].encoded), v[i].outputHash, "outputHash");
            (uint16 status, bytes32 action, uint256[] memory amounts) = abi.decode(v[i].encoded, (uint16, bytes32, uint256[]));
            vm.assertEq(uint256(status), uint256(v[i].status), "decoded status");
            vm.assertEq(action, v[i].action, "decoded action");
            vm.assertEq(keccak256(abi.encode(amounts)), keccak256(abi.encode(v[i].amounts)), "decoded amounts");
        }
    }

    function test_cacSets_MatchPackedHashOfAscendingDigests() public pure {
        V.CacSetVector[] memory v = V.cacSets();
        V.CacVector[] memory cacs = V.cacs();
        for (uint256 i; i < v.length; ++i) {
            vm.assertEq(keccak256(abi.encodePacked(v[i].sortedCacDigests)), v[i].cacSetHash, "cacSetHash");
            // The set holds the vector CACs' digests (in signer order, not CAC order).
            for (uint256 j; j < v[i].sortedCacDigests.length; ++j) {
                bool found;
                for (uint256 k; k < cacs.length; ++k) found = found || cacs[k].digest == v[i].sortedCacDigests[j];
                vm.assertTrue(found, "a vector CAC digest");
            }
        }
    }

    function _leaf(V.LeafVector memory l) private pure returns (ExecutionHashing.ExecutionLeaf memory) {
        return ExecutionHashing.ExecutionLeaf({
            jobId: l.jobId,
            resultSeq: l.resultSeq,
            clauseId: l.clauseId,
            tenantId: l.tenantId,
            inputHash: l.inputHash,
            outputHash: l.outputHash,
            cacSetHash: l.cacSetHash
        });
    }

    function test_merkle_LeavesAndProofsMatchStandardMerkleTree() public view {
        V.LeafVector[] memory v = V.leaves();
        for (uint256 i; i < v.length; ++i) {
            vm.assertEq(formats.leafHash(_leaf(v[i])), v[i].leafHash, "leafHash");
            vm.assertTrue(MerkleProof.verify(v[i].proof, V.MERKLE_ROOT, v[i].leafHash), "OpenZeppelin MerkleProof");
            vm.assertEq(formats.processProof(v[i].proof, v[i].leafHash), V.MERKLE_ROOT, "ExecutionHashing.processProof");
        }
    }

    function test_batchCommitments_MatchExecutionHashing() public view {
        V.CommitmentVector[] memory v = V.batchCommitments();
        for (uint256 i; i < v.length; ++i) {
            vm.assertEq(formats.batchCommitment(v[i].root, v[i].lastSeq), v[i].commitment, "batchCommitment");
        }
        vm.assertEq(v[0].commitment, V.GENESIS_COMMITMENT, "vector 0 is genesis");
    }
}
