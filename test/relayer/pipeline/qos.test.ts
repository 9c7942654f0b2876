import { expect } from "chai";
import type { Hex } from "viem";
import { clauseIdOf } from "../../../relayer/core/formats/clauseRef.js";
import { PriorityClass } from "../../../relayer/core/formats/enums.js";
import { JobState } from "../../../relayer/core/jobs/jobStateMachine.js";
import { resolveQosConfig } from "../../../relayer/core/qos/qosConfig.js";
import { createDispatchHarness, TENANT, type Harness } from "../helpers/dispatchHarness.js";

const PLANNING = "UNDRR::Planning::FloodPlan@1.0.0";
const PLANNING_ID = clauseIdOf(PLANNING);

/**
 * Starvation (issue 6): a flood of planning jobs must not push disaster jobs past their latency objective.
 * The objective is logical, not wall-clock: once a disaster job is queued, it is the next job dispatched —
 * no planning job queued before it may be dispatched before it (queue positions, from the order in which job
 * tokens leave the relayer).
 */
describe("relayer/pipeline QoS: priority queues, reserved capacity, quotas", () => {
  async function floodThenDisaster(order: ("disaster" | "finance" | "planning")[]) {
    const firstSent: Hex[] = [];
    const h: Harness = await createDispatchHarness({
      aliases: [{ clause: PLANNING, priority: PriorityClass.Planning }],
      dispatch: { concurrency: 4 },
      quorum: { k: 1, n: 1 },
      qos: resolveQosConfig({ order, reservedSlots: { [order[0]!]: 1 } }, 4),
      observe: { execute: (jobId) => void (firstSent.includes(jobId) || firstSent.push(jobId)) },
    });
    const planning = Array.from({ length: 30 }, (_, i) => h.addSensorJob(BigInt(i + 1), 1875n, { clauseId: PLANNING_ID }));
    await h.scheduler.step();
    h.dispatcher.step();
    const runningDuringFlood = h.dispatcher.running();
    const disaster = [1001n, 1002n, 1003n].map((r) => h.addSensorJob(r));
    await h.scheduler.step();
    await h.settle();
    const positions = disaster.map((id) => firstSent.indexOf(id)).sort((a, b) => a - b);
    return { h, planning, disaster, positions, runningDuringFlood, firstSent };
  }

  it("disaster jobs queued behind 30 planning jobs are the next ones dispatched, and all agree", async () => {
    const { h, planning, disaster, positions, runningDuringFlood } = await floodThenDisaster(["disaster", "finance", "planning"]);
    // The flood holds 3 of 4 slots: one is reserved for disaster work.
    expect(runningDuringFlood).to.equal(3);
    expect(positions).to.deep.equal([3, 4, 5]);
    for (const id of [...planning, ...disaster]) expect(h.store.getJob(id)!.state, id).to.equal(JobState.Agreed);
  });

  it("control: with planning ranked first, the same disaster jobs wait behind the whole flood (the test can fail)", async () => {
    const { positions } = await floodThenDisaster(["planning", "disaster", "finance"]);
    expect(positions[0]).to.be.greaterThanOrEqual(30);
  });

  /**
   * One scheduler step holding a disaster job and 30 planning jobs queued before it. The hand-over order is what
   * is asserted: whether the disaster job's token leaves before that step has finished resolving the planning jobs.
   */
  async function oneMixedStep(handOff: boolean) {
    let stepReturned = false;
    let sentDuringStep: boolean | undefined;
    let planningResolvedAtSend = -1;
    let disaster: Hex | undefined;
    const h: Harness = await createDispatchHarness({
      aliases: [{ clause: PLANNING, priority: PriorityClass.Planning }],
      dispatch: { concurrency: 4 },
      quorum: { k: 1, n: 1 },
      qos: resolveQosConfig({ reservedSlots: { disaster: 1 } }, 4),
      scheduling: { handOff, chunkSize: 4 },
      observe: {
        execute: (jobId) => {
          if (jobId !== disaster || sentDuringStep !== undefined) return;
          sentDuringStep = !stepReturned;
          planningResolvedAtSend = planning.filter((id) => h.store.getJob(id)!.state !== JobState.Seen).length;
        },
      },
    });
    const planning = Array.from({ length: 30 }, (_, i) => h.addSensorJob(BigInt(i + 1), 1875n, { clauseId: PLANNING_ID }));
    disaster = h.addSensorJob(1001n);
    await h.scheduler.step();
    stepReturned = true;
    h.dispatcher.step();
    await h.settle();
    return { h, planning, disaster, sentDuringStep, planningResolvedAtSend };
  }

  it("a disaster job is handed to dispatch before the planning jobs of its scheduler step are resolved", async () => {
    const { h, planning, disaster, sentDuringStep, planningResolvedAtSend } = await oneMixedStep(true);
    expect(sentDuringStep).to.equal(true);
    expect(planningResolvedAtSend).to.be.lessThan(planning.length);
    for (const id of [...planning, disaster]) expect(h.store.getJob(id)!.state, id).to.equal(JobState.Agreed);
  });

  it("control: without the hand-over, the disaster job waits until the step has resolved all 30 planning jobs (the test can fail)", async () => {
    const { sentDuringStep, planningResolvedAtSend } = await oneMixedStep(false);
    expect(sentDuringStep).to.equal(false);
    expect(planningResolvedAtSend).to.equal(30);
  });

  it("backpressure: planning jobs stay queued unresolved while their class already has enough resolved work, a disaster job does not", async () => {
    const h = await createDispatchHarness({
      aliases: [{ clause: PLANNING, priority: PriorityClass.Planning }],
      quorum: { k: 1, n: 1 },
      scheduling: { chunkSize: 4, resolvedAhead: 5 },
    });
    const planning = Array.from({ length: 30 }, (_, i) => h.addSensorJob(BigInt(i + 1), 1875n, { clauseId: PLANNING_ID }));
    const disaster = h.addSensorJob(1001n);
    const step = await h.scheduler.step();
    const resolved = planning.filter((id) => h.store.getJob(id)!.state === JobState.Resolved).length;
    // Chunks of 4: 0 then 4 resolved before the check, 8 ≥ 5 stops the class; the rest are left seen, not failed.
    expect(resolved).to.equal(8);
    expect(planning.filter((id) => h.store.getJob(id)!.state === JobState.Seen)).to.have.length(22);
    expect(h.store.getJob(disaster)!.state).to.equal(JobState.Resolved);
    expect(step.waiting).to.equal(22);
    // Nothing is lost: as the dispatcher drains the queue, the rest are resolved and all agree.
    await h.settle();
    for (const id of [...planning, disaster]) expect(h.store.getJob(id)!.state, id).to.equal(JobState.Agreed);
  });

  it("a jurisdictional quota holds jobs in their queue, and each hold is in the tenant's own audit trace with its reason", async () => {
    const h = await createDispatchHarness({ dispatch: { concurrency: 4 }, qos: resolveQosConfig({ jurisdictionQuotas: { KEN: { maxInFlight: 1 } } }, 4) });
    const jobs = [1n, 2n, 3n].map((r) => h.addSensorJob(r));
    await h.scheduler.step();
    expect(h.dispatcher.step()).to.equal(1);
    await h.settle();
    for (const id of jobs) expect(h.store.getJob(id)!.state).to.equal(JobState.Agreed);
    const holds = h.store.auditLog(TENANT).filter((e) => e.entry.event === "qos.denied");
    expect(holds.map((e) => e.entry.job_id).sort()).to.deep.equal([jobs[1]!, jobs[2]!].map((j) => j.toLowerCase()).sort());
    expect(holds[0]!.entry.code).to.equal("NSF_QOS_QUOTA_DENIED");
    expect(holds[0]!.entry.detail!.reason).to.equal("jurisdictional quota: 1 of 1 jobs in flight for this jurisdiction");
  });
});
