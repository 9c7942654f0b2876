import type { NodeView } from "../../../server/ExplorerApi.js";
import { ChainLink, duration, Load, short, time, Title } from "../components/common.js";
import { href } from "../router.js";
import { useApi } from "../useApi.js";

export function NodePage({ id }: { id: string }) {
  const loaded = useApi<NodeView>(`/api/nodes/${id}`);
  return (
    <Load loaded={loaded}>
      {(n) => (
        <>
          <Title sub={<>{n.node.jurisdiction ?? "no jurisdiction"} · {n.node.teeType ?? "unknown TEE"} · status {n.node.status}{n.registered?.sovereign ? " · sovereign" : ""}</>}>
            Node <code>{short(n.node.enclaveKey, 8)}</code>
          </Title>
          <dl className="facts">
            <dt>Operator</dt>
            <dd>{n.node.operator ? <ChainLink kind="address" value={n.node.operator} /> : "—"}</dd>
            <dt>Attestation freshness</dt>
            <dd className={n.node.freshnessSeconds !== null && n.node.freshnessSeconds < 0 ? "bad" : ""}>
              {n.node.freshnessSeconds === null ? "—" : `valid until ${time(n.node.attestedUntil)} (${duration(n.node.freshnessSeconds)})`}
            </dd>
            <dt>Reliability</dt>
            <dd>
              {n.reliability === null ? "no anchored CACs read" : `${(n.reliability * 100).toFixed(1)} % of ${n.executions.length} CACs matched the agreed output`}
              {n.bundlesUnavailable > 0 && <span className="muted"> ({n.bundlesUnavailable} bundle(s) could not be read)</span>}
            </dd>
          </dl>
          <section aria-labelledby="eq-title">
            <h2 id="eq-title">Equivocation evidence</h2>
            {n.equivocations.length === 0 && n.disputes.length === 0 ? (
              <p>None: DisputeResolver has no EquivocationProven or DisputeOpened naming this key.</p>
            ) : (
              <ul>
                {n.equivocations.map((q) => (
                  <li key={q.txHash} className="bad">
                    Proven for <a href={href.execution(q.jobId)}>{short(q.jobId)}</a>: <code>{short(q.outputHashA)}</code> vs <code>{short(q.outputHashB)}</code> · <ChainLink kind="tx" value={q.txHash} />
                  </li>
                ))}
                {n.disputes.map((d) => (
                  <li key={d.txHash}>
                    Dispute on <a href={href.execution(d.jobId)}>{short(d.jobId)}</a> between {short(d.signerA)} and {short(d.signerB)} · <ChainLink kind="tx" value={d.txHash} />
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="att-title">
            <h2 id="att-title">Attestation history</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">attested at</th>
                  <th scope="col">valid until</th>
                  <th scope="col">measurement</th>
                  <th scope="col">transaction</th>
                </tr>
              </thead>
              <tbody>
                {n.attestations.map((a) => (
                  <tr key={a.txHash + a.attestationId}>
                    <td>{time(a.attestedAt)}</td>
                    <td>{time(a.validUntil)}</td>
                    <td>
                      <code>{short(a.measurement)}</code>
                    </td>
                    <td>
                      <ChainLink kind="tx" value={a.txHash} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {n.statusChanges.length > 0 && (
              <ul>
                {n.statusChanges.map((s) => (
                  <li key={s.txHash}>
                    {s.from} → {s.to} · <ChainLink kind="tx" value={s.txHash} />
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="nexec-title">
            <h2 id="nexec-title">Executions ({n.executions.length})</h2>
            <ul className="compact">
              {n.executions.slice(-30).reverse().map((e) => (
                <li key={e.jobId} className={e.agreed ? "" : "bad"}>
                  <a href={href.execution(e.jobId)}>{short(e.jobId)}</a> · batch {e.batchSeq} · {e.agreed ? "agreed" : "disagreed"}
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </Load>
  );
}
