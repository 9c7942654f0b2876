pragma circom 2.1.0;

// WFP::Aid::CashTransferEligibility@1.0.0, a credential-style clause (docs/ZK.md): a household whose
// monthly income per member is below 150.00 receives 25 USDC per member. Income, household size and the
// holder are private; they are bound to a credential hash an issuer published (Poseidon of the holder,
// the two values and a salt). Public signals, in order (docs/FORMATS.md §13):
//   [status, amount, input_commitment (the credential hash), clause_binding, job_binding]

include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "lib/binding.circom";
include "lib/range.circom";

// floor(numerator / denominator) from a prover-supplied quotient and remainder. Without the checks on the
// remainder, q - k with r + k * denominator satisfies the same equation, shifting the division at will.
template CheckedDivision(bits, denominatorBits) {
    signal input numerator;   // range-checked by the caller: < 2^bits
    signal input denominator; // range-checked by the caller: 1 <= denominator < 2^denominatorBits
    signal input quotient;
    signal input remainder;

    component quotientWidth = Num2Bits(bits);
    quotientWidth.in <== quotient;
    component remainderWidth = Num2Bits(denominatorBits);
    remainderWidth.in <== remainder;
    component remainderBelowDenominator = LessThan(denominatorBits);
    remainderBelowDenominator.in[0] <== remainder;
    remainderBelowDenominator.in[1] <== denominator;
    remainderBelowDenominator.out === 1;

    // Both products stay below 2^(bits + denominatorBits) << p: the equation holds over the integers.
    numerator === quotient * denominator + remainder;
}

template CashTransferEligibility() {
    // Private inputs.
    signal input holder;
    signal input monthly_income_cents;
    signal input household_members;
    signal input salt;
    // Private hints: income per member, floor and remainder (checked below, never trusted).
    signal input income_per_member_cents;
    signal input income_per_member_remainder;
    // Public inputs.
    signal input clause_binding;
    signal input job_binding;

    signal output status;
    signal output amount;
    signal output input_commitment;

    // 10^10 cents < 2^34; 1..50 members < 2^6.
    component incomeRange = RangeCheck(34, 10000000000);
    incomeRange.in <== monthly_income_cents;
    component membersRange = RangeCheckMin(6, 1, 50);
    membersRange.in <== household_members;

    component perMember = CheckedDivision(34, 6);
    perMember.numerator <== monthly_income_cents;
    perMember.denominator <== household_members;
    perMember.quotient <== income_per_member_cents;
    perMember.remainder <== income_per_member_remainder;

    // Eligible below 150.00 per member (15 000 cents, exclusive); the quotient is < 2^34 (checked above).
    component eligible = LessThan(34);
    eligible.in[0] <== income_per_member_cents;
    eligible.in[1] <== 15000;

    status <== eligible.out;
    // At most 50 * 25 * 10^6: 25 USDC (6 decimals) per member when eligible.
    amount <== eligible.out * household_members * 25000000;

    component credential = Poseidon(4);
    credential.inputs[0] <== holder;
    credential.inputs[1] <== monthly_income_cents;
    credential.inputs[2] <== household_members;
    credential.inputs[3] <== salt;
    input_commitment <== credential.out;

    component bindClause = BindPublic();
    bindClause.in <== clause_binding;
    component bindJob = BindPublic();
    bindJob.in <== job_binding;
}

component main { public [clause_binding, job_binding] } = CashTransferEligibility();
