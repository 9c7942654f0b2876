import type { ExecutionVerifier } from "./ExecutionVerifier.js";

/**
 * Stand-in until the shared verification core (issue 5, `relayer/core/verify`) is in this build: every execution
 * is reported `unverifiable` with one undecided check that says why. It decides nothing itself, so the explorer never
 * shows a green check the core did not compute.
 */
export function createPendingVerifier(): ExecutionVerifier {
  return async () => ({
    schema: "nsf.verify-report/1",
    verdict: "unverifiable",
    failed: { name: "verification.core", reason: "the shared verification core (nsf verify, issue 5) is not part of this build yet" },
    checks: [{ name: "verification.core", status: "unavailable", reason: "the shared verification core (nsf verify, issue 5) is not part of this build yet" }],
  });
}
