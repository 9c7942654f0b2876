import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The fast fault suite's observed outcomes, one entry per fault, kept in bench/results/fault-tests.json so
 * `npm run soak -- --report` can put them in docs/RELIABILITY.md next to the soak's figures. Written only when
 * NSF_FAULT_RESULTS=1 (the report run), so an ordinary `npm test` leaves the repository clean.
 */
export const FAULT_RESULTS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../bench/results/fault-tests.json");

export type FaultOutcome = { fault: string; observed: string; ms: number };

export function recordFaultOutcome(outcome: FaultOutcome): void {
  if (process.env.NSF_FAULT_RESULTS !== "1") return;
  let all: Record<string, FaultOutcome & { at: string }> = {};
  try {
    all = JSON.parse(readFileSync(FAULT_RESULTS_FILE, "utf8")) as typeof all;
  } catch {
    // first entry
  }
  all[outcome.fault] = { ...outcome, at: new Date().toISOString() };
  mkdirSync(path.dirname(FAULT_RESULTS_FILE), { recursive: true });
  writeFileSync(FAULT_RESULTS_FILE, `${JSON.stringify(all, null, 2)}\n`);
}
