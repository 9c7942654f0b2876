import type { OverviewView } from "../../../server/ExplorerApi.js";
import { RowsChart } from "../components/Chart.js";
import { ChainLink, Load, short, time, Title } from "../components/common.js";
import { href } from "../router.js";
import { useApi } from "../useApi.js";

const TRIGGERS = ["DAO", "sensor", "simulation"];

export function OverviewPage() {
  const loaded = useApi<OverviewView>("/api/overview");
  return <Load loaded={loaded}>{(o) => <Overview o={o} />}</Load>;
}

function Relayer({ relayer }: { relayer: OverviewView["relayer"] }) {
  if (!relayer.configured) return <p className="muted">No relayer metrics endpoint configured (--metrics-url); the chain data on this page needs none.</p>;
  if (!relayer.ok) return <p role="alert" className="bad">Relayer metrics unavailable: {relayer.error}</p>;
  return (
    <>
      <QueueByClass rows={relayer.queueByClass} />
      <dl className="facts">
        <dt>Jobs by state</dt>
        <dd>{Object.entries(relayer.jobsByState).map(([s, n]) => `${s} ${n}`).join(" · ") || "empty"}</dd>
        <dt>Agreed, waiting for a batch</dt>
        <dd>{relayer.pendingResults}</dd>
        <dt>Batches by state</dt>
        <dd>{Object.entries(relayer.batchesByState).map(([s, n]) => `${s} ${n}`).join(" · ") || "none"}</dd>
      </dl>
      <RowsChart title="Dispatch → agreement latency (histogram buckets, seconds)" rows={relayer.agreementLatency} x={(b) => b.le} y={(b) => b.count} label="agreements at or under (cumulative)" color="#0b5cad" bars xIsTime={false} yLabel="jobs" />
    </>
  );
}

type RelayerMetrics = Extract<OverviewView["relayer"], { ok: true }>;

/** Queue depth per priority class: what the relayer serves first is what a monitor watches during a disaster. */
function QueueByClass({ rows }: { rows: RelayerMetrics["queueByClass"] }) {
  if (rows.length === 0) return <p className="muted">This relayer does not report queue depth per priority class (nsf_relayer_queue_depth).</p>;
  return (
    <table data-testid="queue-by-class">
      <caption>Queue depth per priority class (highest priority first)</caption>
      <thead>
        <tr>
          <th scope="col">class</th>
          <th scope="col">waiting</th>
          <th scope="col">dispatched</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.class} data-class={r.class}>
            <th scope="row">{r.class}</th>
            <td data-col="waiting">{r.waiting}</td>
            <td data-col="dispatched">{r.dispatched}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Overview({ o }: { o: OverviewView }) {
  return (
    <>
      <Title sub={`block ${o.latestBlock} · chain time ${time(o.chainTime)}`}>Network overview</Title>
      <div className="grid">
        <section aria-labelledby="ex-title">
          <h2 id="ex-title">Recent executions</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">execution</th>
                <th scope="col">trigger</th>
                <th scope="col">tenant</th>
                <th scope="col">requested</th>
              </tr>
            </thead>
            <tbody>
              {o.executions.map((e) => (
                <tr key={e.jobId}>
                  <td>
                    <a href={href.execution(e.jobId)} data-testid="execution-link">
                      {short(e.jobId)}
                    </a>
                  </td>
                  <td>{TRIGGERS[e.triggerType] ?? e.triggerType}</td>
                  <td>
                    <a href={href.tenant(e.tenantId)}>{e.jurisdiction}</a>
                  </td>
                  <td>{time(e.timestamp)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {o.executions.length === 0 && <p className="muted">No JobRequested yet.</p>}
        </section>
        <section aria-labelledby="b-title">
          <h2 id="b-title">Anchored batches</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">batch</th>
                <th scope="col">results to</th>
                <th scope="col">anchor tx</th>
                <th scope="col">Arweave</th>
              </tr>
            </thead>
            <tbody>
              {o.batches.map((b) => (
                <tr key={b.txHash}>
                  <td>{b.batchSeq}</td>
                  <td>#{b.lastSeq}</td>
                  <td>
                    <ChainLink kind="tx" value={b.txHash} />
                  </td>
                  <td>{b.arweaveTxId ? <code>{short(b.arweaveTxId, 6)}</code> : <span className="muted">by tags</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <RowsChart title="Throughput: results anchored per minute (chain time)" rows={o.throughput} x={(p) => p.t} y={(p) => p.results} label="results anchored" color="#1b6e20" bars yLabel="results" />
      <section aria-labelledby="r-title">
        <h2 id="r-title">Relayer</h2>
        <Relayer relayer={o.relayer} />
      </section>
      <div className="grid">
        <section aria-labelledby="c-title">
          <h2 id="c-title">Clauses</h2>
          <ul className="compact">
            {o.clauses.map((c) => (
              <li key={c.clauseId}>
                <a href={href.clause(c.clauseId)}>{c.id}</a>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="n-title">
          <h2 id="n-title">Nodes</h2>
          <ul className="compact">
            {o.nodes.map((n) => (
              <li key={n.enclaveKey}>
                <a href={href.node(n.enclaveKey)}>{short(n.enclaveKey)}</a> · {n.jurisdiction}
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="t-title">
          <h2 id="t-title">Tenants</h2>
          <ul className="compact">
            {o.tenants.map((t) => (
              <li key={t.tenantId}>
                <a href={href.tenant(t.tenantId)}>{short(t.tenantId)}</a> · {t.jurisdiction}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}
