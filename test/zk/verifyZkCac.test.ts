import { expect } from "chai";
import type { Address, Hex } from "viem";
import { buildCacJson, cacFromJson, type CacJson } from "../../relayer/core/cac/cacJson.js";
import { clauseIdOf, packClauseVersion, parseClauseId } from "../../relayer/core/formats/clauseRef.js";
import { ExecutionModel } from "../../relayer/core/formats/enums.js";
import { encodeClauseOutput, outputHashOf } from "../../relayer/core/formats/output.js";
import type { ZkProofEnvelope } from "../../relayer/core/zk/zkProofEnvelope.js";
import { loadZkCircuit } from "../../relayer/zk/loadZkCircuit.js";
import { createZkCacVerifier, type ZkClauseFacts } from "../../relayer/zk/verifyZkCac.js";
import { createNodeFixture } from "../executor/node/nodeFixture.js";
import { terminateSnarkjsCurve } from "./zkTestKit.js";

const ZK_CLAUSE = "UNDRR::Disaster::FloodPayoutZk@1.0.0";

/**
 * The relayer's check of a zk CAC before it counts (issue 9 item 3, FORMATS §11.3): real proofs from the
 * executor, then every way of moving a proof or its claims to something else, each refused by name.
 */
describe("zk: the relayer verifies a zk CAC's proof instead of replaying it", function () {
  this.timeout(60_000);
  after(terminateSnarkjsCurve);
  const circuit = loadZkCircuit("flood_payout");
  const verify = createZkCacVerifier({ circuits: [circuit] });
  const facts: ZkClauseFacts = { model: ExecutionModel.Zk, zkBinding: { circuitHash: circuit.manifest.circuit_hash, vkeyHash: circuit.manifest.vkey_hash, verifier: "0x0000000000000000000000000000000000000001" } };
  let cacA: CacJson;
  let cacB: CacJson;
  let plain: CacJson;

  before(async () => {
    const node = await createNodeFixture({ zkCircuits: [circuit] });
    cacA = (await node.executor.execute((await node.job({ clause: ZK_CLAUSE, roundId: 1n, salt: "77", values: { rainfall_72h_mm_x10: "2600", insured_households: "10" } })).body)).cac;
    cacB = (await node.executor.execute((await node.job({ clause: ZK_CLAUSE, roundId: 2n, salt: "78", values: { rainfall_72h_mm_x10: "100", insured_households: "10" } })).body)).cac;
    plain = (await node.executor.execute((await node.job({ roundId: 3n })).body)).cac;
  });

  /** The CAC JSON re-assembled (all hashes recomputed, as a dishonest node would sign it) with changes. */
  function rebuild(json: CacJson, change: { clauseId?: string; jobId?: Hex; output?: { status: number; action: string; amounts: bigint[] }; zk?: ZkProofEnvelope }): unknown {
    const { cac, anchor } = cacFromJson(json);
    const clauseId = change.clauseId ?? json.clause_id;
    const encodedOutput = change.output ? encodeClauseOutput(change.output) : (json.outputs.encoded as Hex);
    const rt = json.runtime_info;
    return JSON.parse(
      JSON.stringify(
        buildCacJson({
          clauseId,
          cac: { ...cac, clauseId: clauseIdOf(clauseId), clauseVersion: packClauseVersion(parseClauseId(clauseId)), jobId: change.jobId ?? cac.jobId, outputHash: outputHashOf(encodedOutput) },
          anchor,
          triggerType: 1,
          triggerCommitment: json.trigger.commitment as Hex,
          inputBundle: {},
          zk: change.zk ?? json.zk!,
          encodedOutput,
          runtime: { teeType: rt.tee_type, simulated: rt.simulated, measurement: rt.measurement as Hex, enclaveKey: rt.enclave_key as Address, attestationId: rt.attestation_id as Hex, verdictId: rt.verdict_id as Hex, tcbStatus: rt.tcb_status },
          sandbox: { abi: rt.sandbox.abi, stepLimit: BigInt(rt.sandbox.step_limit), stepsUsed: BigInt(rt.sandbox.steps_used), memoryPages: rt.sandbox.memory_pages },
        }),
      ),
    );
  }

  async function refusal(json: unknown, clause: ZkClauseFacts = facts): Promise<string> {
    try {
      await verify(cacFromJson(json), clause);
    } catch (error) {
      return (error as { code: string }).code;
    }
    return "accepted";
  }

  it("accepts the executor's valid proofs (a payout and a no-payout run)", async () => {
    expect(await refusal(cacA)).to.equal("accepted");
    expect(await refusal(cacB)).to.equal("accepted");
    expect(await refusal(plain, { model: ExecutionModel.Single })).to.equal("accepted");
  });

  it("refuses a forged output: as the CAC's claim alone (binding) or with the public signals changed too (pairing)", async () => {
    const forged = { status: 1, action: "Payout:FloodRelief", amounts: [999n] };
    expect(await refusal(rebuild(cacA, { output: forged }))).to.equal("NSF_ZK_BINDING_MISMATCH");
    const signals = [...cacA.zk!.public_signals];
    signals[1] = "999";
    expect(await refusal(rebuild(cacA, { output: forged, zk: { ...cacA.zk!, public_signals: signals } }))).to.equal("NSF_ZK_PROOF_INVALID");
    // A no-payout run re-labelled as a payout, signals and all.
    const flipped = [...cacB.zk!.public_signals];
    flipped[0] = "1";
    flipped[1] = "500000000";
    expect(await refusal(rebuild(cacB, { output: { status: 1, action: "Payout:FloodRelief", amounts: [500_000_000n] }, zk: { ...cacB.zk!, public_signals: flipped } }))).to.equal("NSF_ZK_PROOF_INVALID");
  });

  it("refuses a proof carried to another job, another clause version or another commitment", async () => {
    expect(await refusal(rebuild(cacB, { zk: cacA.zk! })), "another job's proof").to.equal("NSF_ZK_BINDING_MISMATCH");
    expect(await refusal(rebuild(cacA, { clauseId: "UNDRR::Disaster::FloodPayoutZk@1.0.1" })), "another clause version").to.equal("NSF_ZK_BINDING_MISMATCH");
    const commitment = { ...(cacA as unknown as { inputs: Record<string, string> }).inputs, input_commitment: "12345" };
    const moved = { ...(rebuild(cacA, {}) as Record<string, unknown>), inputs: commitment };
    expect(await refusal(moved), "another commitment in the CAC").to.equal("NSF_ZK_BINDING_MISMATCH");
    const signals = [...cacA.zk!.public_signals];
    signals[2] = "12345";
    const both = rebuild(cacA, { zk: { ...cacA.zk!, public_signals: signals } }) as { inputs: Record<string, string> };
    both.inputs.input_commitment = "12345";
    expect(await refusal(both), "another commitment proven").to.equal("NSF_ZK_PROOF_INVALID");
  });

  it("refuses a proof for another circuit than the version bound, and a missing or unexpected proof", async () => {
    const other = { ...facts, zkBinding: { ...facts.zkBinding!, circuitHash: `0x${"cd".repeat(32)}` as Hex } };
    expect(await refusal(cacA, other)).to.equal("NSF_ZK_WRONG_CIRCUIT");
    expect(await refusal(rebuild(cacA, { zk: { ...cacA.zk!, vkey_hash: `0x${"ef".repeat(32)}` } }))).to.equal("NSF_ZK_WRONG_CIRCUIT");
    expect(await refusal(plain), "a zk version's CAC with its inputs and no proof").to.equal("NSF_ZK_PROOF_MISSING");
    expect(await refusal(cacA, { model: ExecutionModel.Quorum }), "a proof where the version is not zk").to.equal("NSF_ZK_PROOF_UNEXPECTED");
  });

  it("cacFromJson refuses a zk CAC that also carries the input bundle, and a committed CAC without a proof", () => {
    const withBundle = { ...(JSON.parse(JSON.stringify(cacA)) as Record<string, unknown>), inputs: { bundle: { job_id: cacA.execution_id } } };
    expect(() => cacFromJson(withBundle)).to.throw(/a zk CAC never carries its inputs/);
    const { zk: _zk, ...noProof } = JSON.parse(JSON.stringify(cacA)) as CacJson;
    expect(() => cacFromJson(noProof)).to.throw(/a proof/);
  });
});
