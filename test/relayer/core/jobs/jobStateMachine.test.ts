import { expect } from "chai";
import { canTransition, isTerminal, JobState, onReorg, transition, type JobEvent, type JobState as State } from "../../../../relayer/core/jobs/jobStateMachine.js";

const H = `0x${"11".repeat(32)}` as const;
const events: JobEvent[] = [
  { type: "reject", code: "NSF_X", reason: "r" },
  { type: "resolve", inputHash: H },
  { type: "dispatch", attempt: 1 },
  { type: "agree", outputHash: H },
  { type: "dispute", reason: "r" },
  { type: "fail", code: "NSF_X", reason: "r" },
  { type: "expire", reason: "r" },
  { type: "reorg" },
  { type: "reinstate" },
];
const states = Object.values(JobState) as State[];

describe("relayer/core/jobs/jobStateMachine", () => {
  it("follows the documented lifecycle seen → resolved → dispatched(1..n) → agreed", () => {
    let job = { state: JobState.Seen as State, attempt: 0 };
    job = transition(job, { type: "resolve", inputHash: H });
    expect(job).to.deep.equal({ state: "resolved", attempt: 0 });
    job = transition(job, { type: "dispatch", attempt: 1 });
    job = transition(job, { type: "dispatch", attempt: 2 });
    expect(job).to.deep.equal({ state: "dispatched", attempt: 2 });
    job = transition(job, { type: "agree", outputHash: H });
    expect(job.state).to.equal("agreed");
    expect(isTerminal(job.state)).to.equal(true);
  });

  it("refuses attempt numbers that do not strictly increase (a token nonce names one dispatch)", () => {
    const job = { state: JobState.Dispatched as State, attempt: 3 };
    expect(canTransition(job, { type: "dispatch", attempt: 3 })).to.equal(false);
    expect(canTransition(job, { type: "dispatch", attempt: 2 })).to.equal(false);
    expect(canTransition(job, { type: "dispatch", attempt: 4 })).to.equal(true);
    expect(() => transition(job, { type: "dispatch", attempt: 1 })).to.throw().with.property("code", "NSF_JOB_INVALID_TRANSITION");
  });

  it("lets a governance rejection happen only before anything was resolved", () => {
    expect(transition({ state: "seen", attempt: 0 }, events[0]!).state).to.equal("rejected");
    for (const state of states.filter((s) => s !== "seen")) expect(canTransition({ state, attempt: 0 }, events[0]!), state).to.equal(false);
  });

  it("never leaves a terminal state except through a reorg, and a reorged job comes back only as seen", () => {
    for (const state of states.filter(isTerminal)) {
      for (const event of events) {
        const allowed = canTransition({ state, attempt: 0 }, event);
        const expected = (event.type === "reorg" && state !== "reorged") || (event.type === "reinstate" && state === "reorged");
        expect(allowed, `${state} --${event.type}-->`).to.equal(expected);
      }
    }
    expect(transition({ state: "reorged", attempt: 5 }, { type: "reinstate" })).to.deep.equal({ state: "seen", attempt: 5 });
  });

  it("fails or expires only jobs still in flight", () => {
    for (const state of ["seen", "resolved", "dispatched"] as const) {
      expect(transition({ state, attempt: 1 }, { type: "fail", code: "NSF_X", reason: "r" }).state).to.equal("failed");
      expect(transition({ state, attempt: 1 }, { type: "expire", reason: "r" }).state).to.equal("expired");
    }
  });

  it("removes a reorged-out job nothing was done for and keeps every other one as reorged", () => {
    expect(onReorg("seen")).to.equal("remove");
    expect(onReorg("reorged")).to.equal("none");
    for (const state of states.filter((s) => s !== "seen" && s !== "reorged")) expect(onReorg(state), state).to.equal("mark-reorged");
  });
});
