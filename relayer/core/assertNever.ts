/** Exhaustiveness guard for `switch` over a discriminated union: a new variant is a compile error. */
export function assertNever(value: never, what = "case"): never {
  throw new TypeError(`unhandled ${what}: ${JSON.stringify(value)}`);
}
