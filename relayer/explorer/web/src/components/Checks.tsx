import type { ReportCheck, VerificationReportView } from "../../../server/ExplorerApi.js";

const LABEL: Record<ReportCheck["status"], string> = { pass: "pass", fail: "FAIL", unavailable: "undecided", skipped: "skipped" };
const ICON: Record<ReportCheck["status"], string> = { pass: "✔", fail: "✖", unavailable: "?", skipped: "–" };

/** Every check of the verification core, green or red with its reason; the first failure named at the top. */
export function Checks({ report }: { report: VerificationReportView }) {
  const verdictText = report.verdict === "valid" ? "Every check passed" : report.verdict === "invalid" ? "Verification FAILED" : "Not verifiable from the data reachable now";
  return (
    <section aria-labelledby="checks-title" className="checks">
      <h2 id="checks-title">Verification</h2>
      <p className={`verdict verdict-${report.verdict}`} data-testid="verdict" role="status">
        <strong>{verdictText}</strong>
        {report.failed && (
          <>
            {" — "}
            <span data-testid="failed-check">{report.failed.name}</span>: {report.failed.reason}
          </>
        )}
      </p>
      <ul className="check-list">
        {report.checks.map((c, i) => (
          <li key={`${c.name}-${c.jobId ?? ""}-${i}`} className={`check check-${c.status}`} data-check={c.name} data-status={c.status}>
            <span className="check-icon" aria-hidden="true">
              {ICON[c.status]}
            </span>
            <span className="check-name">{c.name}</span>
            <span className="check-status">{LABEL[c.status]}</span>
            <span className="check-reason">{c.reason}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
