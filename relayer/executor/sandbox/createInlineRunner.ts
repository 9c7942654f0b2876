import type { ClauseRunner } from "./ClauseRunner.js";
import { runMeteredClause } from "./runMeteredClause.js";

/** Runs on the caller's thread. Metering bounds every run, so this is safe; it only lacks the wall-clock guard. */
export function createInlineRunner(): ClauseRunner {
  return {
    run: async (job) => runMeteredClause(job.module, job.input, job.stepLimit),
    close: async () => {},
  };
}
