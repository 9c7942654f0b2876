pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

// An integer in [0, max] with max < 2^bits. Every signal that reaches a comparator goes through this first:
// circomlib's comparators assume their inputs fit in `bits` bits, and a field element that does not (a
// "negative" p - k, or a value wider than the comparator) can make them answer whatever the prover wants.
template RangeCheck(bits, max) {
    signal input in;

    // Num2Bits constrains in == sum(bit_i * 2^i) with every bit boolean: in < 2^bits as an integer.
    component width = Num2Bits(bits);
    width.in <== in;

    // With in < 2^bits established, LessEqThan(bits) is sound; it enforces the clause's own domain.
    component upper = LessEqThan(bits);
    upper.in[0] <== in;
    upper.in[1] <== max;
    upper.out === 1;
}

// An integer in [min, max] with max < 2^bits.
template RangeCheckMin(bits, min, max) {
    signal input in;

    component upper = RangeCheck(bits, max);
    upper.in <== in;

    component lower = GreaterEqThan(bits);
    lower.in[0] <== in;
    lower.in[1] <== min;
    lower.out === 1;
}
