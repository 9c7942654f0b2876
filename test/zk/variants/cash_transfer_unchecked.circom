pragma circom 2.1.0;

// TEST ONLY: circuits/cash_transfer_eligibility.circom's division WITHOUT the remainder checks (and without
// the credential hash). Compiled by test/zk/forgeries.test.ts: q - k with r + k * members satisfies the
// division equation, so a prover lowers the income per member and becomes eligible.

include "circomlib/circuits/comparators.circom";

template CashTransferUnchecked() {
    signal input monthly_income_cents;
    signal input household_members;
    signal input income_per_member_cents;
    signal input income_per_member_remainder;
    signal output status;
    signal output amount;

    monthly_income_cents === income_per_member_cents * household_members + income_per_member_remainder;

    component eligible = LessThan(34);
    eligible.in[0] <== income_per_member_cents;
    eligible.in[1] <== 15000;
    status <== eligible.out;
    amount <== eligible.out * household_members * 25000000;
}

component main = CashTransferUnchecked();
