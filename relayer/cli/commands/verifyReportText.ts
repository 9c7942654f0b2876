import type { CheckResult, CheckStatus, VerificationReport } from "../../core/verify/VerificationReport.js";

const MARK: Record<CheckStatus, string> = { pass: "✓", fail: "✗", unavailable: "?", skipped: "-" };

/** The human-readable form of a verification report: one line per check with its mark and reason, then the verdict. */
export function renderVerificationReport(report: VerificationReport): string {
  const lines: string[] = [];
  const s = report.subject;
  lines.push(`nsf verify ${s.kind === "execution" ? `execution ${s.jobId}` : s.kind === "anchor-tx" ? `anchor transaction ${s.txHash}` : `Arweave transaction ${s.arweaveTxId}`}`);
  if (report.chain) lines.push(`chain ${report.chain.chainId}, RollupAnchor ${report.chain.rollupAnchor}`);
  if (report.batch) {
    const b = report.batch;
    lines.push(`batch ${b.batchSeq} (results ${b.firstSeq}..${b.lastSeq}), root ${b.root}, anchored in ${b.anchorTx} (block ${b.anchorBlock})${b.arweaveTxId ? `, bundle ar://${b.arweaveTxId}` : ""}`);
  }
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const line = (c: CheckResult) => `  ${MARK[c.status]} ${c.name.padEnd(width)}  ${c.reason}`;
  lines.push("", "batch");
  for (const c of report.checks.filter((c) => !c.jobId)) lines.push(line(c));
  const jobIds = [...new Set(report.checks.filter((c) => c.jobId).map((c) => c.jobId!))];
  for (const jobId of jobIds) {
    const e = report.executions.find((x) => x.jobId === jobId);
    lines.push("", `execution ${jobId}${e ? ` (result ${e.resultSeq}, ${e.clause})` : ""}`);
    for (const c of report.checks.filter((c) => c.jobId === jobId)) lines.push(line(c));
  }
  lines.push("");
  const counts = (status: CheckStatus) => report.checks.filter((c) => c.status === status).length;
  switch (report.verdict) {
    case "valid":
      lines.push(`VALID: ${counts("pass")} checks passed`);
      break;
    case "invalid":
      lines.push(`INVALID: ${report.failed!.name} failed${report.failed!.jobId ? ` for execution ${report.failed!.jobId}` : ""}: ${report.failed!.reason} (${counts("fail")} check(s) failed)`);
      break;
    case "unverifiable":
      lines.push(`COULD NOT VERIFY: ${report.failed!.name}: ${report.failed!.reason}`);
      break;
  }
  return `${lines.join("\n")}\n`;
}
