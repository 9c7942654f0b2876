import { expect } from "chai";
import type { Hex } from "viem";
import { isRelayerError } from "../../../../relayer/core/errors/RelayerError.js";
import { PriorityClass } from "../../../../relayer/core/formats/enums.js";
import { jurisdictionToBytes3 } from "../../../../relayer/core/formats/ids.js";
import { planAdmissions, type QueuedJob } from "../../../../relayer/core/qos/planAdmissions.js";
import { resolveQosConfig } from "../../../../relayer/core/qos/qosConfig.js";

const KEN = jurisdictionToBytes3("KEN");
const UGA = jurisdictionToBytes3("UGA");
const id = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const jobs = (from: number, count: number, rank: number, jurisdiction = KEN): QueuedJob[] => Array.from({ length: count }, (_, i) => ({ jobId: id(from + i), rank, jurisdiction }));

describe("QoS admission planning (planAdmissions)", () => {
  const qos = resolveQosConfig({ reservedSlots: { disaster: 2, finance: 1 } }, 8);

  it("serves queues by rank: a disaster job queued after 100 planning jobs is admitted first", () => {
    const plan = planAdmissions({ qos, concurrency: 8, running: [], queued: [...jobs(1, 100, 2), ...jobs(1000, 1, 0)] });
    expect(plan.admit[0]!.jobId).to.equal(id(1000));
  });

  it("reserved capacity: planning never holds the slots kept for disaster and finance", () => {
    const plan = planAdmissions({ qos, concurrency: 8, running: [], queued: jobs(1, 100, 2) });
    expect(plan.admit).to.have.length(5); // 8 - 2 (disaster) - 1 (finance)
    const later = planAdmissions({ qos, concurrency: 8, running: plan.admit, queued: [...jobs(200, 100, 2), ...jobs(500, 5, 0), ...jobs(600, 5, 1)] });
    expect(later.admit.map((j) => j.rank)).to.deep.equal([0, 0, 0]); // the three free slots: disaster first, finance waits
  });

  it("finance may use free disaster-unreserved slots but not the disaster reserve", () => {
    const plan = planAdmissions({ qos, concurrency: 8, running: [], queued: jobs(1, 20, 1) });
    expect(plan.admit).to.have.length(6);
  });

  it("the order is configurable", () => {
    const planningFirst = resolveQosConfig({ order: ["planning", "disaster", "finance"] });
    expect(planningFirst.rankOf(PriorityClass.Planning)).to.equal(0);
    expect(planningFirst.rankOf(PriorityClass.Finance)).to.equal(2);
  });

  it("jurisdictional quotas deny over-quota jobs with a reason and let other jurisdictions through", () => {
    const capped = resolveQosConfig({ jurisdictionQuotas: { KEN: { maxInFlight: 2 } } }, 8);
    const plan = planAdmissions({ qos: capped, concurrency: 8, running: [{ rank: 0, jurisdiction: KEN }], queued: [...jobs(1, 3, 0, KEN), ...jobs(10, 2, 2, UGA)] });
    expect(plan.admit.map((j) => j.jobId)).to.deep.equal([id(1), id(10), id(11)]);
    expect(plan.denied.map((d) => d.jobId)).to.deep.equal([id(2), id(3)]);
    expect(plan.denied[0]!.reason).to.equal("jurisdictional quota: 2 of 2 jobs in flight for this jurisdiction");
  });

  it("a reservation that leaves the lowest class no slot is a typed config error", () => {
    let caught: unknown;
    try {
      resolveQosConfig({ reservedSlots: { disaster: 6, finance: 2 } }, 8);
    } catch (error) {
      caught = error;
    }
    expect(isRelayerError(caught, "CONFIG_INVALID")).to.equal(true);
  });
});
