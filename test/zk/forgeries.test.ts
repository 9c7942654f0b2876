import { expect } from "chai";
import { keccak256, stringToHex } from "viem";
import { ZkError } from "../../relayer/core/zk/ZkError.js";
import { fieldBinding, SNARK_SCALAR_FIELD } from "../../relayer/core/zk/zkPublicSignals.js";
import { loadZkCircuit } from "../../relayer/zk/loadZkCircuit.js";
import { proveZkClause } from "../../relayer/zk/proveZkClause.js";
import { loadExample } from "../clauses/exampleClause.js";
import { compileVariant, computeWitness, fieldDiv, terminateSnarkjsCurve, witnessSatisfies } from "./zkTestKit.js";

/**
 * Each forgery is built by hand and shown to work against a deliberately unconstrained variant of the circuit
 * (test/zk/variants/, compiled here with circom2: the same arithmetic minus the checks), and to be rejected by
 * the committed circuit: no witness exists (the prover refuses with NSF_ZK_WITNESS_UNSATISFIABLE) and the
 * committed r1cs fails on an honest witness into which the forged values are written.
 */
describe("zk: forgeries the range checks stop", function () {
  this.timeout(120_000);
  after(terminateSnarkjsCurve);

  const flood = loadZkCircuit("flood_payout");
  const cash = loadZkCircuit("cash_transfer_eligibility");
  const jobId = keccak256(stringToHex("forgery job"));
  const bindings = (clauseId: string) => ({ clause_binding: fieldBinding(keccak256(stringToHex(clauseId))), job_binding: fieldBinding(jobId) });
  const salt = 99n;

  async function expectUnprovable(circuit: typeof flood, inputs: Record<string, bigint>) {
    const error = await proveZkClause(circuit, { inputs, clauseIdHash: keccak256(stringToHex(circuit.spec.clauseId)), jobId }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ZkError);
    expect((error as ZkError).code).to.equal("NSF_ZK_WITNESS_UNSATISFIABLE");
  }

  describe("flood payout", () => {
    let variant: { r1cs: string; wasm: string };
    before(() => {
      variant = compileVariant("flood_payout_unchecked");
    });

    it("an out-of-range reading (120 000 > 100 000, still 17 bits) pays in the unchecked variant; the WASM clause traps and the circuit has no witness", async () => {
      const forged = { rainfall_72h_mm_x10: 120_000n, insured_households: 2n };
      const witness = await computeWitness(variant.wasm, forged);
      expect(await witnessSatisfies(variant.r1cs, witness)).to.equal(true);
      expect(witness.slice(1, 3)).to.deep.equal([1n, 240_000_000n]);

      const wasmClause = await loadExample("flood-payout");
      const trapped = await wasmClause.run(forged).catch((e: { code?: string }) => e.code);
      expect(trapped).to.be.oneOf(["NSF_INPUT_SCHEMA_VIOLATION", "NSF_CLAUSE_TRAPPED"]);

      await expectUnprovable(flood, { ...forged, salt });
      // Written into an honest witness of the committed circuit, the forged reading breaks its constraints.
      const honest = await computeWitness(flood.wasm, { rainfall_72h_mm_x10: 99_999n, insured_households: 2n, salt, ...bindings(flood.spec.clauseId) });
      expect(await witnessSatisfies(flood.r1csPath, honest)).to.equal(true);
      const tampered = [...honest];
      tampered[6] = 120_000n;
      expect(await witnessSatisfies(flood.r1csPath, tampered)).to.equal(false);
    });

    it("a wrapped household count (a field element, not an integer) makes any amount in the unchecked variant; the circuit refuses it", async () => {
      // households * 120 USDC == 10^15 (a billion USDC) in the field: households = 10^15 / (1.2 * 10^8) mod p.
      const chosenAmount = 1_000_000_000_000_000n;
      const wrapped = fieldDiv(chosenAmount, 120_000_000n);
      expect(wrapped > 10_000_000n).to.equal(true);
      const witness = await computeWitness(variant.wasm, { rainfall_72h_mm_x10: 3000n, insured_households: wrapped });
      expect(await witnessSatisfies(variant.r1cs, witness)).to.equal(true);
      expect(witness[2]).to.equal(chosenAmount);

      await expectUnprovable(flood, { rainfall_72h_mm_x10: 3000n, insured_households: wrapped, salt });
      const honest = await computeWitness(flood.wasm, { rainfall_72h_mm_x10: 3000n, insured_households: 1n, salt, ...bindings(flood.spec.clauseId) });
      const tampered = [...honest];
      tampered[7] = wrapped;
      tampered[2] = chosenAmount;
      expect(await witnessSatisfies(flood.r1csPath, tampered)).to.equal(false);
    });

    it("a negative reading (p - 1) is refused by the circuit", async () => {
      await expectUnprovable(flood, { rainfall_72h_mm_x10: SNARK_SCALAR_FIELD - 1n, insured_households: 1n, salt });
    });
  });

  describe("cash transfer eligibility (credential)", () => {
    let variant: { r1cs: string; wasm: string };
    before(() => {
      variant = compileVariant("cash_transfer_unchecked");
    });

    // 1 000.00 a month for 4 members is 250.00 each: not eligible (threshold 150.00).
    const income = 100_000n;
    const members = 4n;
    // The shift: quotient 100.00 and remainder 600.00 also satisfy income = q * members + r.
    const forgedQuotient = 10_000n;
    const forgedRemainder = income - forgedQuotient * members;

    it("an unchecked remainder shifts the division and makes the household eligible in the unchecked variant", async () => {
      const honest = await computeWitness(variant.wasm, {
        monthly_income_cents: income,
        household_members: members,
        income_per_member_cents: income / members,
        income_per_member_remainder: income % members,
      });
      expect(honest.slice(1, 3)).to.deep.equal([0n, 0n]);
      const forged = await computeWitness(variant.wasm, {
        monthly_income_cents: income,
        household_members: members,
        income_per_member_cents: forgedQuotient,
        income_per_member_remainder: forgedRemainder,
      });
      expect(await witnessSatisfies(variant.r1cs, forged)).to.equal(true);
      expect(forged.slice(1, 3)).to.deep.equal([1n, 4n * 25_000_000n]);
    });

    it("the committed circuit refuses the shifted quotient and remainder (no witness; r1cs fails on them)", async () => {
      await expectUnprovable(cash, {
        holder: 7n,
        monthly_income_cents: income,
        household_members: members,
        salt,
        income_per_member_cents: forgedQuotient,
        income_per_member_remainder: forgedRemainder,
      });
      // Witness layout: 1, status, amount, commitment, clause_binding, job_binding, holder, income, members,
      // salt, quotient, remainder, ...
      const honest = await computeWitness(cash.wasm, {
        holder: 7n,
        monthly_income_cents: income,
        household_members: members,
        salt,
        income_per_member_cents: income / members,
        income_per_member_remainder: income % members,
        ...bindings(cash.spec.clauseId),
      });
      expect(honest.slice(6, 12)).to.deep.equal([7n, income, members, salt, income / members, 0n]);
      expect(await witnessSatisfies(cash.r1csPath, honest)).to.equal(true);
      const tampered = [...honest];
      tampered[10] = forgedQuotient;
      tampered[11] = forgedRemainder;
      tampered[1] = 1n;
      tampered[2] = 4n * 25_000_000n;
      expect(await witnessSatisfies(cash.r1csPath, tampered)).to.equal(false);
    });

    it("a remainder wrapped below zero (q + 1, r = p - (members - r)) is refused", async () => {
      await expectUnprovable(cash, {
        holder: 7n,
        monthly_income_cents: 100_001n,
        household_members: 4n,
        salt,
        income_per_member_cents: 25_001n,
        income_per_member_remainder: SNARK_SCALAR_FIELD - 3n,
      });
    });
  });
});
