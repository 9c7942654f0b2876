import type { Address, Hex } from "viem";
import type { VerificationCheckName } from "./verificationChecks.js";

/**
 * The outcome of one check:
 * - `pass` / `fail`: decided from the public data;
 * - `unavailable`: the data it needs could not be read (gateway or RPC down, clause code not published) — the
 *   check could not be decided, which is different from the data being wrong;
 * - `skipped`: not run because a check it depends on failed or was unavailable (the reason names that check).
 */
export type CheckStatus = "pass" | "fail" | "unavailable" | "skipped";

export type CheckResult = {
  name: VerificationCheckName;
  status: CheckStatus;
  /** One line a monitor can read; never parsed. */
  reason: string;
  /** Set on execution-scoped checks. */
  jobId?: Hex;
};

/**
 * `valid`: every check passed. `invalid`: at least one check failed (the public data contradicts itself or the
 * chain). `unverifiable`: nothing failed but some check could not be decided (data unreachable).
 */
export type Verdict = "valid" | "invalid" | "unverifiable";

export type VerificationSubject =
  | { kind: "execution"; jobId: Hex }
  | { kind: "anchor-tx"; txHash: Hex }
  | { kind: "arweave-tx"; arweaveTxId: string };

/** `nsf.verify-report/1`: data, not text (a web explorer renders the same object). Integers as decimal strings. */
export type VerificationReport = {
  schema: "nsf.verify-report/1";
  subject: VerificationSubject;
  verdict: Verdict;
  /** The first failed check (or, when none failed, the first unavailable one). */
  failed?: { name: VerificationCheckName; reason: string; jobId?: Hex };
  chain?: { chainId: string; rollupAnchor: Address };
  batch?: { batchSeq: string; firstSeq: string; lastSeq: string; root: Hex; bundleHash: Hex; anchorTx: Hex; anchorBlock: string; arweaveTxId?: string };
  executions: { jobId: Hex; resultSeq: string; clause: string; tenantId: Hex; outputHash: Hex; signers: Address[] }[];
  checks: CheckResult[];
};

export function verdictOf(checks: readonly CheckResult[]): Pick<VerificationReport, "verdict" | "failed"> {
  const failed = checks.find((c) => c.status === "fail");
  if (failed) return { verdict: "invalid", failed: { name: failed.name, reason: failed.reason, ...(failed.jobId ? { jobId: failed.jobId } : {}) } };
  const unavailable = checks.find((c) => c.status === "unavailable");
  if (unavailable) return { verdict: "unverifiable", failed: { name: unavailable.name, reason: unavailable.reason, ...(unavailable.jobId ? { jobId: unavailable.jobId } : {}) } };
  return { verdict: "valid" };
}
