import type { ExecutionView, TriggerView } from "../../../server/ExplorerApi.js";
import { Checks } from "../components/Checks.js";
import { ChainLink, duration, Load, short, time, Title, versionText } from "../components/common.js";
import { href } from "../router.js";
import { useApi } from "../useApi.js";

const TRIGGERS = ["DAO proposal", "sensor feed round", "simulation result"];

function Trigger({ trigger }: { trigger: TriggerView }) {
  switch (trigger.kind) {
    case "sensor":
      return (
        <>
          Feed <ChainLink kind="address" value={trigger.feed} /> round {trigger.roundId}, answer {trigger.answer} at {time(trigger.updatedAt)} (trigger #{trigger.triggerId})
        </>
      );
    case "simulation":
      return (
        <>
          Simulator <ChainLink kind="address" value={trigger.simulator} /> posted result <code>{short(trigger.resultCommitment)}</code> (trigger #{trigger.triggerId})
        </>
      );
    case "dao":
      return (
        <>
          Proposal {trigger.proposalId ? <code>{short(trigger.proposalId, 8)}</code> : "(not found in the request transaction)"} executed by the DAO timelock <ChainLink kind="address" value={trigger.dao} />
          {trigger.governor && (
            <>
              {" "}
              (Governor <ChainLink kind="address" value={trigger.governor} />)
            </>
          )}
        </>
      );
    case "unknown":
      return <>trigger type {trigger.triggerType}</>;
  }
}

/** The evidence chain as a picture: one step per box, arrows between, every box a link to its details. */
export function ExecutionPage({ id }: { id: string }) {
  const loaded = useApi<ExecutionView>(`/api/executions/${id}`);
  return (
    <Load loaded={loaded}>
      {(e) => (
        <>
          <Title sub={<>Clause {e.job.clause ?? `${short(e.job.clauseId)} v${versionText(e.job.clauseVersion)}`} · tenant <a href={href.tenant(e.job.tenantId)}>{short(e.job.tenantId)}</a> · {e.job.jurisdiction}</>}>
            Execution <code>{short(e.job.jobId, 8)}</code>
          </Title>
          <Checks report={e.report} />
          <section aria-labelledby="chain-title">
            <h2 id="chain-title">Evidence chain</h2>
            <ol className="evidence-chain">
              <li className="step">
                <h3>1 · Trigger</h3>
                <p className="muted">{TRIGGERS[e.job.triggerType] ?? "unknown"}</p>
                <p>
                  <Trigger trigger={e.trigger} />
                </p>
              </li>
              <li className="step">
                <h3>2 · Job</h3>
                <p>
                  <code title={e.job.jobId}>{short(e.job.jobId)}</code> requested in <ChainLink kind="tx" value={e.job.txHash} /> (block {e.job.blockNumber}, {time(e.job.timestamp)})
                </p>
                <p>
                  Clause <a href={href.clause(e.job.clauseId)}>{e.job.clause ?? short(e.job.clauseId)}</a>, input commitment <code>{short(e.job.inputCommitment)}</code>
                </p>
              </li>
              <li className="step">
                <h3>3 · Selected nodes</h3>
                {e.nodes.length === 0 ? (
                  <p className="muted">No CAC signers known (the bundle was not found).</p>
                ) : (
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">enclave key</th>
                        <th scope="col">jurisdiction</th>
                        <th scope="col">TEE</th>
                        <th scope="col">attestation</th>
                      </tr>
                    </thead>
                    <tbody>
                      {e.nodes.map((n) => (
                        <tr key={n.enclaveKey}>
                          <td>
                            <a href={href.node(n.enclaveKey)}>{short(n.enclaveKey)}</a>
                          </td>
                          <td>{n.jurisdiction ?? "—"}</td>
                          <td>{n.teeType ?? "—"}</td>
                          <td className={n.freshnessSeconds !== null && n.freshnessSeconds < 0 ? "bad" : ""}>{n.freshnessSeconds === null ? "not registered" : `valid for ${duration(n.freshnessSeconds)}`}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </li>
              <li className="step">
                <h3>4 · CACs</h3>
                {e.result ? (
                  <>
                    <p>
                      {e.result.cacs.filter((c) => !c.disagrees).length} of {e.result.cacs.length} agree on output <code>{short(e.result.outputHash)}</code>
                      {e.result.quorumK !== null && <> (quorum k = {e.result.quorumK})</>}
                    </p>
                    <ul className="cacs">
                      {e.result.cacs.map((c) => (
                        <li key={c.signer} className={c.disagrees ? "cac disagree" : "cac agree"} data-disagrees={c.disagrees}>
                          <a href={href.node(c.signer)}>{short(c.signer)}</a> → <code>{c.outputHash ? short(c.outputHash) : "?"}</code> {c.disagrees ? <strong>DISAGREES</strong> : "agrees"}
                        </li>
                      ))}
                    </ul>
                  </>
                ) : (
                  <p className="muted">No anchored bundle holds this execution (yet).</p>
                )}
                {e.equivocations.length > 0 && (
                  <p className="bad" role="note">
                    Equivocation proven: {e.equivocations.map((q) => short(q.enclaveKey)).join(", ")}
                  </p>
                )}
              </li>
              <li className="step">
                <h3>5 · Batch</h3>
                {e.anchor ? (
                  <p>
                    Batch {e.anchor.batchSeq}, result #{e.result?.resultSeq ?? "?"}, root <code>{short(e.anchor.root)}</code>
                  </p>
                ) : (
                  <p className="muted">Not anchored yet.</p>
                )}
              </li>
              <li className="step">
                <h3>6 · Anchor transaction</h3>
                {e.anchor ? (
                  <p>
                    <ChainLink kind="tx" value={e.anchor.txHash} /> in block {e.anchor.blockNumber}
                  </p>
                ) : (
                  <p className="muted">—</p>
                )}
              </li>
              <li className="step">
                <h3>7 · Arweave bundle</h3>
                <p>{e.bundle.arweaveTxId ? <code title={e.bundle.arweaveTxId}>{short(e.bundle.arweaveTxId, 8)}</code> : <span className="muted">no locator</span>}</p>
                {e.bundle.downloadPath && (
                  <p>
                    <a href={e.bundle.downloadPath} download data-testid="bundle-download">
                      Download the proof bundle (JSON)
                    </a>
                  </p>
                )}
              </li>
            </ol>
          </section>
        </>
      )}
    </Load>
  );
}
