import { expect } from "chai";
import { keccak256, stringToHex } from "viem";
import { ZkError } from "../../relayer/core/zk/ZkError.js";
import { fieldBinding } from "../../relayer/core/zk/zkPublicSignals.js";
import { loadZkCircuit } from "../../relayer/zk/loadZkCircuit.js";
import { poseidonCommitment } from "../../relayer/zk/poseidonCommitment.js";
import { proveZkClause } from "../../relayer/zk/proveZkClause.js";
import { verifyZkProof } from "../../relayer/zk/verifyZkProof.js";
import { computeWitness, terminateSnarkjsCurve, witnessSatisfies } from "./zkTestKit.js";

const circuit = loadZkCircuit("flood_payout");
const clauseIdHash = keccak256(stringToHex(circuit.spec.clauseId));
const jobId = keccak256(stringToHex("flood job 1"));
const salt = 0x1234_5678_9abc_def0_1234_5678_9abc_def0n;

// Witness layout: 1, outputs (status, amount, input_commitment), public inputs (clause_binding, job_binding),
// private inputs (rainfall, households, salt), then internal signals.
const W = { status: 1, amount: 2, commitment: 3, clauseBinding: 4, jobBinding: 5, rainfall: 6, households: 7, salt: 8 } as const;

function witnessInput(rainfall: bigint, households: bigint) {
  return {
    rainfall_72h_mm_x10: rainfall,
    insured_households: households,
    salt,
    clause_binding: fieldBinding(clauseIdHash),
    job_binding: fieldBinding(jobId),
  };
}

describe("zk: flood payout circuit (circuits/flood_payout.circom)", function () {
  this.timeout(60_000);
  after(terminateSnarkjsCurve);

  it("proves a tier-2 payout with public signals [status, amount, Poseidon commitment, clause, job] that verify", async () => {
    const parsed = await proveZkClause(circuit, { inputs: { rainfall_72h_mm_x10: 2600n, insured_households: 3n, salt }, clauseIdHash, jobId });
    expect(parsed.publicSignals).to.deep.equal({
      status: 1n,
      amount: 3n * 120_000_000n,
      input_commitment: await poseidonCommitment([2600n, 3n, salt]),
      clause_binding: fieldBinding(clauseIdHash),
      job_binding: fieldBinding(jobId),
    });
    await verifyZkProof(circuit, parsed);
  });

  it("the committed r1cs accepts the honest witness and its layout is the documented one", async () => {
    const witness = await computeWitness(circuit.wasm, witnessInput(1500n, 7n));
    expect(witness.slice(0, 9)).to.deep.equal([
      1n, 1n, 7n * 50_000_000n, await poseidonCommitment([1500n, 7n, salt]), fieldBinding(clauseIdHash), fieldBinding(jobId), 1500n, 7n, salt,
    ]);
    expect(await witnessSatisfies(circuit.r1csPath, witness)).to.equal(true);
  });

  it("rejects forged outputs and a forged commitment: the r1cs fails on a witness with one output changed", async () => {
    const honest = await computeWitness(circuit.wasm, witnessInput(1400n, 10n));
    expect(honest[W.status]).to.equal(0n);
    for (const [index, value] of [
      [W.status, 1n],
      [W.amount, 500_000_000n],
      [W.commitment, honest[W.commitment]! + 1n],
    ] as const) {
      const forged = [...honest];
      forged[index] = value;
      expect(await witnessSatisfies(circuit.r1csPath, forged), `signal ${index}`).to.equal(false);
    }
  });

  it("has no witness outside the WASM clause's input domain (NSF_ZK_WITNESS_UNSATISFIABLE)", async () => {
    for (const inputs of [
      { rainfall_72h_mm_x10: 100_001n, insured_households: 1n },
      { rainfall_72h_mm_x10: 3000n, insured_households: 10_000_001n },
    ]) {
      const error = await proveZkClause(circuit, { inputs: { ...inputs, salt }, clauseIdHash, jobId }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ZkError);
      expect((error as ZkError).code).to.equal("NSF_ZK_WITNESS_UNSATISFIABLE");
    }
  });
});
