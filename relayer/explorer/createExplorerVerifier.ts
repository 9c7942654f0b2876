import type { Address } from "viem";
import type { ExecutionVerifier } from "./server/ExecutionVerifier.js";
import { createPendingVerifier } from "./server/createPendingVerifier.js";

/** Limits of this build that the page shows in a banner (empty once the verification core is wired). */
export const EXPLORER_VERIFIER_NOTES: string[] = ["Checks are not run in this build: the shared verification core (nsf verify, issue 5) is not merged yet."];

/**
 * The explorer's verifier: the shared verification core of `nsf verify` on the same public data (RPC + gateway).
 * The one place that composes it, so `nsf explorer`, `nsf dev` and the tests use the same.
 */
export function createExplorerVerifier(_parameters: { rpcUrl: string; gateway: string; rollupAnchor: Address; jobRouter: Address; chainId?: bigint }): ExecutionVerifier {
  return createPendingVerifier();
}
