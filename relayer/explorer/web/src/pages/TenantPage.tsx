import { useMemo } from "react";
import type { TenantView } from "../../../server/ExplorerApi.js";
import { Chart } from "../components/Chart.js";
import { ChainLink, Load, short, time, Title } from "../components/common.js";
import { href } from "../router.js";
import { useApi } from "../useApi.js";

export function TenantPage({ id }: { id: string }) {
  const loaded = useApi<TenantView>(`/api/tenants/${id}`);
  return <Load loaded={loaded}>{(t) => <Tenant t={t} />}</Load>;
}

function Tenant({ t }: { t: TenantView }) {
  const anchored = useMemo(() => t.jobs.filter((j) => j.anchoredAt !== null), [t]);
  const x = useMemo(() => anchored.map((j) => j.timestamp), [anchored]);
  const series = useMemo(() => [{ label: "request → anchor (s)", values: anchored.map((j) => j.anchoredAt! - j.timestamp), color: "#7a2e00" }], [anchored]);
  return (
    <>
      <Title sub={t.admitted ? <>DAO <ChainLink kind="address" value={t.admitted.dao} /> in {t.admitted.jurisdiction}</> : "not admitted"}>
        Tenant <code>{short(t.tenantId, 8)}</code>
      </Title>
      <dl className="facts">
        <dt>Quota use</dt>
        <dd>{t.quota ? (t.quota.jobsPerEpoch === 0 ? `${t.quota.used} jobs this epoch (no quota set)` : `${t.quota.used} of ${t.quota.jobsPerEpoch} jobs this epoch (#${t.quota.epoch})`) : "—"}</dd>
        <dt>Audit-log head</dt>
        <dd>{t.auditHead ? <code>{t.auditHead.head}</code> : <span className="muted">{t.auditNote}</span>}</dd>
        <dt>Latency percentiles</dt>
        <dd>{t.latency ? `p50 ${t.latency.p50} s · p90 ${t.latency.p90} s · p99 ${t.latency.p99} s · max ${t.latency.max} s over ${t.latency.count} anchored jobs` : "no anchored jobs read"}</dd>
      </dl>
      <Chart title="Request to anchor, chain seconds, per job" x={x} series={series} yLabel="seconds" />
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
