import { expect } from "chai";
import { JobState } from "../../../relayer/core/jobs/jobStateMachine.js";
import type { RiskForecast } from "../../../relayer/core/policy/evaluatePolicy.js";
import { resolvePolicyConfig } from "../../../relayer/core/policy/policyConfig.js";
import { jurisdictionToBytes3 } from "../../../relayer/core/formats/ids.js";
import { SIMULATED_NETWORK_MEASUREMENT } from "../../../relayer/pipeline/createSimulatedExecutorNetwork.js";
import { createDispatchHarness, TENANT } from "../helpers/dispatchHarness.js";

const FLOOD = "UNDRR::Disaster::FloodPayout@1.0.0";

/** The policy engine wired into the relayer: node admission (selection), CAC validation, queue time. */
describe("relayer/pipeline governance policy (admission, CAC validation, queue time)", () => {
  it("node admission: a financial clause with no sovereign node fails as quorum impossible, each node's policy reason recorded", async () => {
    const h = await createDispatchHarness({ policy: resolvePolicyConfig({ schema: "nsf.policy/1", clauses: [{ clause: FLOOD, domain: "disaster", financial: true }] }) });
    const id = h.addSensorJob(1n);
    await h.settle();
    const job = h.store.getJob(id)!;
    expect(job.state).to.equal(JobState.Failed);
    expect(job.outcome!.code).to.equal("NSF_QUORUM_IMPOSSIBLE");
    const reasons = (job.selection as { reasons: string[] }[]).flatMap((a) => a.reasons);
    expect(reasons.filter((r) => /^policy: sovereign-for-financial: financial clause on non-sovereign node/.test(r))).to.have.length(5);
    const entry = h.store.auditLog(TENANT).find((e) => e.entry.event === "job.failed")!;
    expect(entry.entry.code).to.equal("NSF_QUORUM_IMPOSSIBLE");
  });

  it("per-clause measurement allowlist: nodes with another attested measurement are not selected (reason recorded); listing theirs runs the job", async () => {
    const other = `0x${"77".repeat(32)}`;
    const refused = await createDispatchHarness({ policy: resolvePolicyConfig({ schema: "nsf.policy/1", clauses: [{ clause: FLOOD, domain: "disaster", measurements: [other] }] }) });
    const id = refused.addSensorJob(1n);
    await refused.settle();
    const job = refused.store.getJob(id)!;
    expect(job.outcome!.code).to.equal("NSF_QUORUM_IMPOSSIBLE");
    const reasons = (job.selection as { reasons: string[] }[]).flatMap((a) => a.reasons);
    expect(reasons.filter((r) => r === `measurement ${SIMULATED_NETWORK_MEASUREMENT.toLowerCase()} not allowed for this clause version (1 allowed)`)).to.have.length(5);

    const allowed = await createDispatchHarness({ policy: resolvePolicyConfig({ schema: "nsf.policy/1", clauses: [{ clause: FLOOD, domain: "disaster", measurements: [other, SIMULATED_NETWORK_MEASUREMENT] }] }) });
    const ok = allowed.addSensorJob(1n);
    await allowed.settle();
    expect(allowed.store.getJob(ok)!.state).to.not.equal(JobState.Failed);
    expect(allowed.store.getJob(ok)!.outcome?.code).to.not.equal("NSF_QUORUM_IMPOSSIBLE");
  });

  it("CAC validation: a CAC from a node that lost its sovereign standing after dispatch is recorded with the rule and not counted", async () => {
    const h = await createDispatchHarness({
      policy: resolvePolicyConfig({ schema: "nsf.policy/1", clauses: [{ clause: FLOOD, domain: "disaster", financial: true }] }),
      observe: {
        // The first node a token is sent to loses its sovereign flag on-chain while it executes.
        execute: (jobId, attempt) => {
          if (flipped) return;
          const node = h.store.attemptsOf(jobId).find((a) => a.attempt === attempt)!.node;
          flipped = h.network.executors.find((e) => e.facts.enclaveKey === node)!.facts;
          h.network.reader.setNode({ ...flipped, sovereign: false });
        },
      },
    });
    let flipped: (typeof h.network.executors)[number]["facts"] | undefined;
    for (const e of h.network.executors) h.network.reader.setNode({ ...e.facts, sovereign: true });
    const id = h.addSensorJob(1n);
    await h.settle();
    expect(h.store.getJob(id)!.state).to.equal(JobState.Agreed);
    const denied = h.store.cacsOf(id).filter((c) => c.code === "NSF_POLICY_DENIED");
    expect(denied).to.have.length(1);
    expect(denied[0]!.node).to.equal(flipped!.enclaveKey);
    expect(denied[0]!.reason).to.match(/^sovereign-for-financial: financial clause on non-sovereign node/);
    expect(h.store.validSigners(id).map((c) => c.signer)).to.not.include(flipped!.enclaveKey);
    expect(h.store.validSigners(id)).to.have.length(3);
  });

  it("queue time: a high-risk forecast holds the job (one audit entry per hold), and it runs once the forecast clears", async () => {
    let forecasts: RiskForecast[] = [{ jurisdiction: jurisdictionToBytes3("KEN"), level: "high", source: "flood-sim" }];
    const h = await createDispatchHarness({
      policy: resolvePolicyConfig({ schema: "nsf.policy/1", clauses: [{ clause: FLOOD, domain: "disaster", pauseAtRisk: "high" }] }),
      forecasts: () => forecasts,
    });
    const id = h.addSensorJob(1n);
    await h.settle();
    await h.settle();
    expect(h.store.getJob(id)!.state).to.equal(JobState.Seen);
    const holds = h.store.auditLog(TENANT).filter((e) => e.entry.event === "policy.deferred");
    expect(holds).to.have.length(1);
    expect(holds[0]!.entry.detail).to.deep.include({ rule: "forecast-pause", reason: "paused: high risk forecast for KEN from flood-sim (pauses at high)" });
    forecasts = [];
    await h.settle();
    expect(h.store.getJob(id)!.state).to.equal(JobState.Agreed);
    expect(h.store.auditLog(TENANT).some((e) => e.entry.event === "policy.released")).to.equal(true);
  });
});
