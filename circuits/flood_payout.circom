pragma circom 2.1.0;

// UNDRR::Disaster::FloodPayout@1.0.0 as a Groth16 circuit (docs/ZK.md): the same decision as the WASM
// clause clauses/examples/flood-payout, with the rainfall reading and the household count private and
// committed with a salted Poseidon hash. Public signals, in order (docs/FORMATS.md §13):
//   [status, amount, input_commitment, clause_binding, job_binding]

include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "lib/binding.circom";
include "lib/range.circom";

template FloodPayout() {
    // Private inputs: the clause's inputs (manifest order) and the commitment's salt.
    signal input rainfall_72h_mm_x10;
    signal input insured_households;
    signal input salt;
    // Public inputs: what the proof is about (field-reduced clause id hash and job id).
    signal input clause_binding;
    signal input job_binding;

    signal output status;
    signal output amount;
    signal output input_commitment;

    // The WASM clause traps outside these domains (inputInRange), so the circuit has no witness there.
    // 100 000 < 2^17; 10 000 000 < 2^24.
    component rainfallRange = RangeCheck(17, 100000);
    rainfallRange.in <== rainfall_72h_mm_x10;
    component householdsRange = RangeCheck(24, 10000000);
    householdsRange.in <== insured_households;

    // Tier 1 from 150.0 mm, tier 2 from 250.0 mm (both inclusive); sound because of the range check above.
    component tier1 = GreaterEqThan(17);
    tier1.in[0] <== rainfall_72h_mm_x10;
    tier1.in[1] <== 1500;
    component tier2 = GreaterEqThan(17);
    tier2.in[0] <== rainfall_72h_mm_x10;
    tier2.in[1] <== 2500;

    status <== tier1.out;
    // tier2 implies tier1, so the rate is 0, 50 USDC or 50 + 70 = 120 USDC (6 decimals) per household.
    signal perHousehold <== tier1.out * 50000000 + tier2.out * 70000000;
    // At most 10^7 * 1.2 * 10^8 = 1.2 * 10^15: no wrap-around in the field (the WASM clause checks < 2^63).
    amount <== insured_households * perHousehold;

    component commitment = Poseidon(3);
    commitment.inputs[0] <== rainfall_72h_mm_x10;
    commitment.inputs[1] <== insured_households;
    commitment.inputs[2] <== salt;
    input_commitment <== commitment.out;

    component bindClause = BindPublic();
    bindClause.in <== clause_binding;
    component bindJob = BindPublic();
    bindJob.in <== job_binding;
}

component main { public [clause_binding, job_binding] } = FloodPayout();
