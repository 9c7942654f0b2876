import { expect } from "chai";
import fc from "fast-check";
import { keccak256, stringToHex } from "viem";
import { encodeClauseOutput } from "../../relayer/core/formats/output.js";
import { zkClauseOutput } from "../../relayer/core/zk/zkOutput.js";
import { fieldBinding, publicSignalsFromArray } from "../../relayer/core/zk/zkPublicSignals.js";
import { loadZkCircuit } from "../../relayer/zk/loadZkCircuit.js";
import { proveZkClause } from "../../relayer/zk/proveZkClause.js";
import { verifyZkProof } from "../../relayer/zk/verifyZkProof.js";
import { loadExample, type ExampleClause } from "../clauses/exampleClause.js";
import { computeWitness, terminateSnarkjsCurve } from "./zkTestKit.js";

/**
 * The same clause gives the same answer in both backends: for random inputs, the flood circuit's outputs
 * (status, amount → the §5 output bytes) equal the WASM clause's, and outside the clause's domain the WASM
 * clause refuses exactly when the circuit has no witness. Witness computation stands for the circuit here
 * (≈10 ms a run); a few samples are also fully proved and verified.
 */
describe("zk: flood circuit ≡ WASM flood clause (fast-check)", function () {
  this.timeout(180_000);
  after(terminateSnarkjsCurve);

  const circuit = loadZkCircuit("flood_payout");
  const clauseIdHash = keccak256(stringToHex(circuit.spec.clauseId));
  const jobId = keccak256(stringToHex("equivalence"));
  let wasm: ExampleClause;
  before(async () => {
    wasm = await loadExample("flood-payout");
  });

  const circuitOutput = async (rainfall: bigint, households: bigint, salt: bigint) => {
    const witness = await computeWitness(circuit.wasm, {
      rainfall_72h_mm_x10: rainfall,
      insured_households: households,
      salt,
      clause_binding: fieldBinding(clauseIdHash),
      job_binding: fieldBinding(jobId),
    });
    return encodeClauseOutput(zkClauseOutput(publicSignalsFromArray(witness.slice(1, 6)), circuit.spec.actions));
  };
  const wasmOutput = async (rainfall: bigint, households: bigint) => {
    const { status, action, amounts } = await wasm.run({ rainfall_72h_mm_x10: rainfall, insured_households: households });
    return encodeClauseOutput({ status, action, amounts });
  };

  // Thresholds sit at 1500 and 2500: draw near them as often as anywhere else.
  const rainfall = fc.oneof(
    fc.bigInt({ min: 0n, max: 100_000n }),
    fc.bigInt({ min: 1490n, max: 1510n }),
    fc.bigInt({ min: 2490n, max: 2510n }),
    fc.constantFrom(0n, 100_000n),
  );
  const households = fc.oneof(fc.bigInt({ min: 0n, max: 10_000_000n }), fc.constantFrom(0n, 1n, 10_000_000n));
  const salt = fc.bigInt({ min: 0n, max: (1n << 250n) - 1n });

  it("equal outputs for random in-domain inputs (40 runs, fixed seed)", async () => {
    await fc.assert(
      fc.asyncProperty(rainfall, households, salt, async (r, h, s) => {
        expect(await circuitOutput(r, h, s)).to.equal(await wasmOutput(r, h));
      }),
      { numRuns: 40, seed: 0x5eed9 },
    );
  });

  it("outside the domain, the WASM clause refuses exactly when the circuit has no witness (15 runs)", async () => {
    const outside = fc.oneof(
      fc.record({ r: fc.bigInt({ min: 100_001n, max: 1n << 40n }), h: fc.bigInt({ min: 0n, max: 10_000_000n }) }),
      fc.record({ r: fc.bigInt({ min: 0n, max: 100_000n }), h: fc.bigInt({ min: 10_000_001n, max: 1n << 40n }) }),
    );
    await fc.assert(
      fc.asyncProperty(outside, async ({ r, h }) => {
        const wasmRefused = await wasmOutput(r, h).then(() => false, () => true);
        const circuitRefused = await circuitOutput(r, h, 1n).then(() => false, () => true);
        expect([wasmRefused, circuitRefused]).to.deep.equal([true, true]);
      }),
      { numRuns: 15, seed: 0x5eed9 },
    );
  });

  it("fully proved samples verify and carry the WASM clause's output (2 runs)", async () => {
    await fc.assert(
      fc.asyncProperty(rainfall, households, async (r, h) => {
        const parsed = await proveZkClause(circuit, { inputs: { rainfall_72h_mm_x10: r, insured_households: h, salt: 5n }, clauseIdHash, jobId });
        await verifyZkProof(circuit, parsed);
        expect(encodeClauseOutput(zkClauseOutput(parsed.publicSignals, circuit.spec.actions))).to.equal(await wasmOutput(r, h));
      }),
      { numRuns: 2, seed: 0x5eed9 },
    );
  });
});
