// UNFCCC::Climate::EmissionsPenalty@1.0.0: measured emissions against the entity's cap; every tonne above
// the cap costs a fixed penalty.
import { begin, emit, finish, inputInRange, mulChecked, pushAmount, STATUS_NO_ACTION, STATUS_VIOLATION, nsf_input_ptr } from "../../../sdk/index";
export { nsf_input_ptr };

/** Penalty per tonne CO2e above the cap, in euro cents (EUR 100.00). */
const PENALTY_CENTS_PER_TONNE: i64 = 10_000;

const MEASURED_TCO2E: i32 = 0;
const CAP_TCO2E: i32 = 1;

export function nsf_run(count: i32): usize {
  begin(count, 2);
  const measured = inputInRange(MEASURED_TCO2E, 0, 1_000_000_000_000);
  const cap = inputInRange(CAP_TCO2E, 0, 1_000_000_000_000);
  if (measured > cap) {
    const excess = measured - cap;
    emit(STATUS_VIOLATION, "Penalty:EmissionsExcess");
    pushAmount(<u64>excess);
    pushAmount(<u64>mulChecked(excess, PENALTY_CENTS_PER_TONNE));
  } else {
    emit(STATUS_NO_ACTION, "");
    pushAmount(0);
    pushAmount(0);
  }
  return finish();
}
