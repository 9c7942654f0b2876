pragma circom 2.1.0;

// TEST ONLY: circuits/flood_payout.circom's decision WITHOUT its range checks (and without the commitment,
// which is not what these forgeries attack). Compiled by test/zk/forgeries.test.ts to show that without
// RangeCheck a prover gets a payout for a reading the WASM clause refuses and an amount of its choosing.

include "circomlib/circuits/comparators.circom";

template FloodPayoutUnchecked() {
    signal input rainfall_72h_mm_x10;
    signal input insured_households;
    signal output status;
    signal output amount;

    component tier1 = GreaterEqThan(17);
    tier1.in[0] <== rainfall_72h_mm_x10;
    tier1.in[1] <== 1500;
    component tier2 = GreaterEqThan(17);
    tier2.in[0] <== rainfall_72h_mm_x10;
    tier2.in[1] <== 2500;

    status <== tier1.out;
    signal perHousehold <== tier1.out * 50000000 + tier2.out * 70000000;
    amount <== insured_households * perHousehold;
}

component main = FloodPayoutUnchecked();
