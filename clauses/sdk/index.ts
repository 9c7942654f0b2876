/**
 * NSF clause SDK (AssemblyScript) for the clause ABI `nsf-clause/1` (docs/FORMATS.md §10).
 *
 * A clause is a pure function of named integer inputs to one output (status, action, amounts).
 * Integers only: floating point is rejected by the sandbox because its results are not bit-identical
 * across machines. Nothing here allocates, so the `stub` runtime (which never frees) is enough, and no
 * global needs a non-constant initializer, so the module has no start function.
 *
 * Every clause entry file re-exports `nsf_input_ptr` and defines `nsf_run`:
 *
 *   import { begin, input, finish, ... , nsf_input_ptr } from "../../../sdk/index";
 *   export { nsf_input_ptr };
 *   export function nsf_run(count: i32): usize {
 *     begin(count, 2);            // this clause takes exactly 2 inputs
 *     const rainfall = input(0);  // manifest order
 *     ...
 *     return finish();
 *   }
 *
 * Any trap (`unreachable()`, an `assert`, a division by zero, an overflow guard below) fails the run with
 * the typed error NSF_CLAUSE_TRAPPED: a clause refuses input it cannot handle rather than guessing.
 */

/** Capacity of the input area, in i64 values (the host never writes more). */
export const MAX_INPUTS: i32 = 64;
/** Capacity of the output record's amount list. */
export const MAX_AMOUNTS: i32 = 16;

/** docs/FORMATS.md §5 status codes. */
export const STATUS_NO_ACTION: u16 = 0;
export const STATUS_TRIGGERED: u16 = 1;
export const STATUS_VIOLATION: u16 = 2;
export const STATUS_ALERT: u16 = 3;

const OUTPUT_HEADER: usize = 40;
const AMOUNT_SIZE: usize = 32;

// Static areas in linear memory, reserved at compile time (constant addresses, no allocator).
const INPUT_AREA: usize = memory.data(MAX_INPUTS * 8, 16);
const OUTPUT_AREA: usize = memory.data(<i32>OUTPUT_HEADER + MAX_AMOUNTS * <i32>AMOUNT_SIZE, 16);

let inputCount: i32 = 0;
let amountCount: i32 = 0;

/** ABI export: the address where the host writes the inputs. Re-export it from the clause entry file. */
export function nsf_input_ptr(): usize {
  return INPUT_AREA;
}

/** Starts a run: checks the host passed exactly `expected` inputs and clears the output record. */
export function begin(count: i32, expected: i32): void {
  if (count != expected || count > MAX_INPUTS) unreachable();
  inputCount = count;
  amountCount = 0;
  memory.fill(OUTPUT_AREA, 0, OUTPUT_HEADER);
}

/** The input at `index` (manifest order). */
export function input(index: i32): i64 {
  if (<u32>index >= <u32>inputCount) unreachable();
  return load<i64>(INPUT_AREA + (<usize>index << 3));
}

/** Like `input`, but traps unless `min <= value <= max`: a clause states the domain it was written for. */
export function inputInRange(index: i32, min: i64, max: i64): i64 {
  const value = input(index);
  if (value < min || value > max) unreachable();
  return value;
}

export function setStatus(status: u16): void {
  store<u32>(OUTPUT_AREA, <u32>status);
}

/** The action, at most 31 printable ASCII characters (e.g. "Payout:FloodRelief"); stored zero-padded. */
export function setAction(action: string): void {
  const length = action.length;
  if (length > 31) unreachable();
  for (let i = 0; i < length; i++) {
    const c = action.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) unreachable();
    store<u8>(OUTPUT_AREA + 4 + <usize>i, <u8>c);
  }
  for (let i = length; i < 32; i++) store<u8>(OUTPUT_AREA + 4 + <usize>i, 0);
}

/** Appends an amount that fits in 64 bits (a uint256 whose upper limbs are zero). */
export function pushAmount(value: u64): void {
  pushAmountLimbs(value, 0, 0, 0);
}

/** Appends a full uint256 amount given as four 64-bit limbs, least significant first. */
export function pushAmountLimbs(limb0: u64, limb1: u64, limb2: u64, limb3: u64): void {
  if (amountCount >= MAX_AMOUNTS) unreachable();
  const at = OUTPUT_AREA + OUTPUT_HEADER + <usize>amountCount * AMOUNT_SIZE;
  store<u64>(at, limb0, 0);
  store<u64>(at, limb1, 8);
  store<u64>(at, limb2, 16);
  store<u64>(at, limb3, 24);
  amountCount++;
}

/** Sets status and action in one call. */
export function emit(status: u16, action: string): void {
  setStatus(status);
  setAction(action);
}

/** Ends a run: returns the output record's address, which `nsf_run` must return. */
export function finish(): usize {
  store<u32>(OUTPUT_AREA, <u32>amountCount, 36);
  return OUTPUT_AREA;
}

// Checked integer arithmetic: a clause computing money must never wrap around silently.

/** a * b for non-negative operands; traps on overflow. */
export function mulChecked(a: i64, b: i64): i64 {
  if (a < 0 || b < 0) unreachable();
  if (a == 0 || b == 0) return 0;
  if (a > i64.MAX_VALUE / b) unreachable();
  return a * b;
}

/** a + b for non-negative operands; traps on overflow. */
export function addChecked(a: i64, b: i64): i64 {
  if (a < 0 || b < 0) unreachable();
  if (a > i64.MAX_VALUE - b) unreachable();
  return a + b;
}

/** floor(a / b) for a >= 0, b > 0. */
export function divFloor(a: i64, b: i64): i64 {
  if (a < 0 || b <= 0) unreachable();
  return a / b;
}
