import { useMemo } from "react";
import type { AuditAnchorView, TenantView } from "../../../server/ExplorerApi.js";
import { RowsChart } from "../components/Chart.js";
import { ChainLink, Load, short, time, Title } from "../components/common.js";
import { href } from "../router.js";
import { useApi } from "../useApi.js";

export function TenantPage({ id }: { id: string }) {
  const loaded = useApi<TenantView>(`/api/tenants/${id}`);
  return <Load loaded={loaded}>{(t) => <Tenant t={t} />}</Load>;
}

function Tenant({ t }: { t: TenantView }) {
  const anchored = useMemo(() => t.jobs.filter((j) => j.anchoredAt !== null), [t]);
  return (
    <>
      <Title sub={t.admitted ? <>DAO <ChainLink kind="address" value={t.admitted.dao} /> in {t.admitted.jurisdiction}</> : "not admitted"}>
        Tenant <code>{short(t.tenantId, 8)}</code>
      </Title>
      <dl className="facts">
        <dt>Quota use</dt>
        <dd>{t.quota ? (t.quota.jobsPerEpoch === 0 ? `${t.quota.used} jobs this epoch (no quota set)` : `${t.quota.used} of ${t.quota.jobsPerEpoch} jobs this epoch (#${t.quota.epoch})`) : "—"}</dd>
        <dt>Audit-log head</dt>
        <dd data-testid="audit-head">{t.auditHead ? <AuditHead a={t.auditHead} /> : <span className="muted">no anchored bundle read lists a head for this tenant</span>}</dd>
        <dt>Latency percentiles</dt>
        <dd>{t.latency ? `p50 ${t.latency.p50} s · p90 ${t.latency.p90} s · p99 ${t.latency.p99} s · max ${t.latency.max} s over ${t.latency.count} anchored jobs` : "no anchored jobs read"}</dd>
      </dl>
      <RowsChart title="Request to anchor, chain seconds, per job" rows={anchored} x={(j) => j.timestamp} y={(j) => j.anchoredAt! - j.timestamp} label="request → anchor (s)" color="#7a2e00" yLabel="seconds" />
      <AuditAnchors t={t} />
      <section aria-labelledby="tjobs-title">
        <h2 id="tjobs-title">Jobs ({t.jobs.length})</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">execution</th>
              <th scope="col">clause</th>
              <th scope="col">requested</th>
              <th scope="col">anchored</th>
            </tr>
          </thead>
          <tbody>
            {t.jobs.slice(-50).reverse().map((j) => (
              <tr key={j.jobId}>
                <td>
                  <a href={href.execution(j.jobId)}>{short(j.jobId)}</a>
                </td>
                <td>
                  <a href={href.clause(j.clauseId)}>{short(j.clauseId)}</a>
                </td>
                <td>{time(j.timestamp)}</td>
                <td>{j.anchoredAt === null ? "—" : `batch ${j.batchSeq}, ${time(j.anchoredAt)}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

function AuditHead({ a }: { a: AuditAnchorView }) {
  return (
    <>
      <code title={a.head}>{short(a.head, 12)}</code> at entry {a.seq}, anchored in batch {a.batchSeq} by <ChainLink kind="tx" value={a.anchorTx} /> (block {a.anchorBlock},{" "}
      {time(a.anchoredAt)}) · bundle on Arweave <code>{short(a.arweaveTxId, 6)}</code>
    </>
  );
}

/** Every anchored bundle that carried this tenant's head: a copy that does not hash to its anchor is shown, flagged. */
function AuditAnchors({ t }: { t: TenantView }) {
  return (
    <section aria-labelledby="taudit-title">
      <h2 id="taudit-title">Audit-log anchors ({t.auditAnchors.length})</h2>
      <p className="muted">
        {t.auditNote}
        {t.bundlesUnavailable > 0 ? ` ${t.bundlesUnavailable} anchored bundle(s) could not be read from the gateway.` : ""}
      </p>
      {t.auditAnchors.length > 0 && (
        <table data-testid="audit-anchors">
          <thead>
            <tr>
              <th scope="col">batch</th>
              <th scope="col">entry</th>
              <th scope="col">head</th>
              <th scope="col">anchor tx</th>
              <th scope="col">bundle</th>
            </tr>
          </thead>
          <tbody>
            {t.auditAnchors.map((a) => (
              <tr key={`${a.batchSeq}:${a.anchorTx}`} data-batch={a.batchSeq} data-matches={String(a.bundleMatchesAnchor)}>
                <td>{a.batchSeq}</td>
                <td>{a.seq}</td>
                <td>
                  <code title={a.head}>{short(a.head)}</code>
                </td>
                <td>
                  <ChainLink kind="tx" value={a.anchorTx} />
                </td>
                <td className={a.bundleMatchesAnchor ? undefined : "bad"}>{a.bundleMatchesAnchor ? "hashes to the anchored bundleHash" : "does NOT hash to the anchored bundleHash: head not anchored"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
