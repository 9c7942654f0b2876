import { useMemo } from "react";
import type { ClauseView } from "../../../server/ExplorerApi.js";
import { RowsChart } from "../components/Chart.js";
import { ChainLink, Load, short, Title, versionText } from "../components/common.js";
import { href } from "../router.js";
import { useApi } from "../useApi.js";

/** Executions per chain hour, oldest first. */
function perHour(times: number[]): { t: number; n: number }[] {
  const buckets = new Map<number, number>();
  for (const t of times) buckets.set(Math.floor(t / 3600) * 3600, (buckets.get(Math.floor(t / 3600) * 3600) ?? 0) + 1);
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([t, n]) => ({ t, n }));
}

export function ClausePage({ id }: { id: string }) {
  const loaded = useApi<ClauseView>(`/api/clauses/${id}`);
  return <Load loaded={loaded}>{(c) => <Clause c={c} />}</Load>;
}

function Clause({ c }: { c: ClauseView }) {
  const current = c.versions.find((v) => v.clauseId.toLowerCase() === c.clauseId.toLowerCase());
  const hours = useMemo(() => perHour(c.executions.map((e) => e.timestamp)), [c]);
  return (
    <>
      <Title sub={current ? <>code hash <code title={current.codeHash}>{short(current.codeHash)}</code> · quorum {current.quorum} · {current.jurisdictions.join(", ")}</> : "not registered"}>
        Clause {current?.id ?? short(c.clauseId)}
      </Title>
      <section aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">version</th>
              <th scope="col">clause id</th>
              <th scope="col">code hash</th>
              <th scope="col">parent (fork of)</th>
              <th scope="col">registered in</th>
            </tr>
          </thead>
          <tbody>
            {c.versions.map((v) => (
              <tr key={v.clauseId}>
                <td>{versionText(v.version)}</td>
                <td>
                  <a href={href.clause(v.clauseId)}>{v.id}</a>
                </td>
                <td>
                  <code title={v.codeHash}>{short(v.codeHash)}</code>
                </td>
                <td>{v.parent ? <a href={href.clause(v.parent)}>{short(v.parent)}</a> : "—"}</td>
                <td>
                  <ChainLink kind="tx" value={v.txHash} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {c.forks.length > 0 && (
          <p>
            Forks:{" "}
            {c.forks.map((f) => (
              <a key={f.clauseId} href={href.clause(f.clauseId)}>
                {f.id}
              </a>
            ))}
          </p>
        )}
      </section>
      <section aria-labelledby="status-title">
        <h2 id="status-title">Status changes</h2>
        {c.statusChanges.length === 0 ? (
          <p className="muted">None since registration.</p>
        ) : (
          <ul>
            {c.statusChanges.map((s) => (
              <li key={s.txHash}>
                {s.from} → {s.to} by <ChainLink kind="address" value={s.by} /> in <ChainLink kind="tx" value={s.txHash} />
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="gov-title">
        <h2 id="gov-title">Governance history</h2>
        {c.governance.length === 0 ? (
          <p className="muted">No Governor or timelock events found for this clause's registry changes.</p>
        ) : (
          <ol className="governance">
            {c.governance.map((g, i) => (
              <li key={i} data-kind={g.kind}>
                <strong>{g.kind}</strong> (block {g.blockNumber}) {g.detail} · <ChainLink kind="tx" value={g.txHash} />
              </li>
            ))}
          </ol>
        )}
      </section>
      <section aria-labelledby="exec-title">
        <h2 id="exec-title">Executions over time</h2>
        <RowsChart title="Executions requested per hour (chain time)" rows={hours} x={(h) => h.t} y={(h) => h.n} label="executions" color="#0b5cad" bars yLabel="executions" />
        <ul className="compact">
          {c.executions.slice(-20).reverse().map((e) => (
            <li key={e.jobId}>
              <a href={href.execution(e.jobId)}>{short(e.jobId)}</a> · block {e.blockNumber}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
