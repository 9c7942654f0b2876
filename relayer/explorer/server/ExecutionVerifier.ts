import type { Hex } from "viem";
import type { VerificationReportView } from "./ExplorerApi.js";

/**
 * How the explorer verifies one execution: the shared verification core of `nsf verify` (docs/adr/0017), injected
 * so the server holds no copy of the checks. It answers a report in every case (never throws for bad data).
 */
export type ExecutionVerifier = {
  verify(jobId: Hex): Promise<VerificationReportView>;
  /** Releases what the verifier holds (the replay sandbox's worker). */
  close(): Promise<void>;
};
