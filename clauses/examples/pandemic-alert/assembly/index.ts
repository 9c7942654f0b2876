// WHO::Health::PandemicAlert@1.0.0: 7-day case counts and a simulated reproduction number -> alert level.
import { begin, divFloor, emit, finish, inputInRange, mulChecked, pushAmount, STATUS_ALERT, STATUS_NO_ACTION, nsf_input_ptr } from "../../../sdk/index";
export { nsf_input_ptr };

/** Incidence thresholds, in new cases per 100 000 inhabitants over 7 days (inclusive). */
const WATCH_INCIDENCE: i64 = 50;
const WARNING_INCIDENCE: i64 = 100;
const EMERGENCY_INCIDENCE: i64 = 200;
/** Reproduction-number thresholds, R x 100 (inclusive). */
const WATCH_R_X100: i64 = 100;
const WARNING_R_X100: i64 = 120;
const EMERGENCY_R_X100: i64 = 150;

const NEW_CASES_7D: i32 = 0;
const POPULATION: i32 = 1;
const REPRODUCTION_NUMBER_X100: i32 = 2;

export function nsf_run(count: i32): usize {
  begin(count, 3);
  const cases = inputInRange(NEW_CASES_7D, 0, 10_000_000_000);
  const population = inputInRange(POPULATION, 1, 10_000_000_000);
  const r = inputInRange(REPRODUCTION_NUMBER_X100, 0, 2_000);
  const incidence = divFloor(mulChecked(cases, 100_000), population);

  let level: i64 = 0;
  if (incidence >= EMERGENCY_INCIDENCE && r >= EMERGENCY_R_X100) level = 3;
  else if (incidence >= WARNING_INCIDENCE && r >= WARNING_R_X100) level = 2;
  else if (incidence >= WATCH_INCIDENCE || r >= WATCH_R_X100) level = 1;

  if (level == 3) emit(STATUS_ALERT, "Alert:PandemicLevel3");
  else if (level == 2) emit(STATUS_ALERT, "Alert:PandemicLevel2");
  else if (level == 1) emit(STATUS_ALERT, "Alert:PandemicLevel1");
  else emit(STATUS_NO_ACTION, "");
  pushAmount(<u64>level);
  pushAmount(<u64>incidence);
  return finish();
}
