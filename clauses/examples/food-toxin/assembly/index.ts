// CODEX::Food::ToxinThreshold@1.0.0: a sensor's total-aflatoxin reading for an export lot against the
// maximum level; above it, a VIOLATION and the action that revokes the lot's export credential.
import { begin, emit, finish, inputInRange, pushAmount, STATUS_NO_ACTION, STATUS_VIOLATION, nsf_input_ptr } from "../../../sdk/index";
export { nsf_input_ptr };

/** Maximum level 0.015 ppm (15 ug/kg, total aflatoxins), in ppm x 1000. Equal to the limit is compliant. */
const MAX_LEVEL_PPM_X1000: i64 = 15;

const LOT_ID: i32 = 0;
const TOXIN_PPM_X1000: i32 = 1;

export function nsf_run(count: i32): usize {
  begin(count, 2);
  const lot = inputInRange(LOT_ID, 0, i64.MAX_VALUE);
  const measured = inputInRange(TOXIN_PPM_X1000, 0, 1_000_000);
  if (measured > MAX_LEVEL_PPM_X1000) emit(STATUS_VIOLATION, "Revoke:FoodExportVC");
  else emit(STATUS_NO_ACTION, "");
  pushAmount(<u64>lot);
  pushAmount(<u64>measured);
  pushAmount(<u64>MAX_LEVEL_PPM_X1000);
  return finish();
}
