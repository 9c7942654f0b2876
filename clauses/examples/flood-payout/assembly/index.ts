// UNDRR::Disaster::FloodPayout@1.0.0: 72-hour rainfall from a sensor feed against two thresholds;
// above a threshold, a per-household relief payout. Parameters are compiled in, so the code hash covers them.
import { begin, emit, finish, inputInRange, mulChecked, pushAmount, STATUS_NO_ACTION, STATUS_TRIGGERED, nsf_input_ptr } from "../../../sdk/index";
export { nsf_input_ptr };

/** Payout tier 1 from 150.0 mm of rain in 72 hours (inclusive). */
const TRIGGER_MM_X10: i64 = 1500;
/** Payout tier 2 from 250.0 mm (inclusive). */
const SEVERE_MM_X10: i64 = 2500;
/** USDC base units (6 decimals) per insured household. */
const TIER1_PER_HOUSEHOLD: i64 = 50_000_000;
const TIER2_PER_HOUSEHOLD: i64 = 120_000_000;

// Input indexes, in manifest order.
const RAINFALL_72H_MM_X10: i32 = 0;
const INSURED_HOUSEHOLDS: i32 = 1;

export function nsf_run(count: i32): usize {
  begin(count, 2);
  const rainfall = inputInRange(RAINFALL_72H_MM_X10, 0, 100_000);
  const households = inputInRange(INSURED_HOUSEHOLDS, 0, 10_000_000);
  if (rainfall >= SEVERE_MM_X10) {
    emit(STATUS_TRIGGERED, "Payout:FloodRelief");
    pushAmount(<u64>mulChecked(households, TIER2_PER_HOUSEHOLD));
  } else if (rainfall >= TRIGGER_MM_X10) {
    emit(STATUS_TRIGGERED, "Payout:FloodRelief");
    pushAmount(<u64>mulChecked(households, TIER1_PER_HOUSEHOLD));
  } else {
    emit(STATUS_NO_ACTION, "");
    pushAmount(0);
  }
  return finish();
}
