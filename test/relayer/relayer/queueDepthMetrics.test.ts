import { expect } from "chai";
import type { Hex } from "viem";
import { createCommon } from "../../../relayer/common/Common.js";
import { PriorityClass } from "../../../relayer/core/formats/enums.js";
import { DEFAULT_QOS, priorityClassLabel } from "../../../relayer/core/qos/qosConfig.js";
import { createRelayerMetricsReader, parsePrometheusText } from "../../../relayer/explorer/server/readRelayerMetrics.js";
import { createStatusServer, type StatusServer } from "../../../relayer/relayer/createStatusServer.js";
import { registerRelayerGauges } from "../../../relayer/relayer/registerRelayerGauges.js";
import { batchMigrations, createBatchStore } from "../../../relayer/store/batchStore.js";
import { createJobStore, JOB_STORE_MIGRATIONS, type JobStore } from "../../../relayer/store/jobStore.js";
import { openDatabase } from "../../../relayer/store/openDatabase.js";
import { jobLog } from "../helpers/jobLog.js";

const hex = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const block = (n: number) => ({ number: BigInt(n), hash: hex(1000 + n), timestamp: 1_750_000_000n + BigInt(n) });

describe("relayer /metrics: queue depth per priority class (nsf_relayer_queue_depth)", () => {
  let jobs: JobStore;
  let server: StatusServer;
  let url: string;

  before(async () => {
    const database = openDatabase({ file: ":memory:", migrations: { jobs: JOB_STORE_MIGRATIONS, batches: batchMigrations } });
    jobs = createJobStore({ database });
    const common = createCommon({ logLevel: "silent" });
    registerRelayerGauges({ registry: common.metrics, jobs, batches: createBatchStore({ database }) });
    server = createStatusServer({ common, host: "127.0.0.1", port: 0, status: () => ({}) });
    url = `${await server.listen()}/metrics`;
  });
  after(() => server?.close());

  /** The gauge's samples from the relayer's real HTTP endpoint, as `class/state → n`. */
  async function depth(): Promise<Record<string, number>> {
    const response = await fetch(url);
    expect(response.status).to.equal(200);
    const out: Record<string, number> = {};
    for (const s of parsePrometheusText(await response.text())) if (s.name === "nsf_relayer_queue_depth") out[`${s.labels.class}/${s.labels.state}`] = s.value;
    return out;
  }
  const classify = (n: number, priority: number) => jobs.classifyJobs([{ jobId: hex(n), priority, rank: DEFAULT_QOS.rankOf(priority) }]);

  it("reports every class at zero with no jobs, then counts queued jobs by class and state as they arrive and move", async () => {
    const empty = await depth();
    for (const cls of ["disaster", "finance", "planning"]) for (const state of ["seen", "resolved", "dispatched"]) expect(empty[`${cls}/${state}`], `${cls}/${state}`).to.equal(0);

    // Three planning jobs and one disaster job queued; one more not classified yet (its clause not read).
    for (const n of [1, 2, 3, 4, 5]) jobs.insertJob(jobLog(n), block(n));
    for (const n of [1, 2, 3]) classify(n, PriorityClass.Planning);
    classify(4, PriorityClass.Disaster);
    let d = await depth();
    expect(d["planning/seen"]).to.equal(3);
    expect(d["disaster/seen"]).to.equal(1);
    expect(d["finance/seen"]).to.equal(0);
    expect(d["unclassified/seen"]).to.equal(1);

    // The disaster job is resolved and dispatched; a planning job is rejected (finished: it leaves the queue).
    jobs.applyTransition(hex(4), { type: "resolve", inputHash: hex(9) });
    jobs.openAttempt({ jobId: hex(4), attempt: 1, node: "0x0000000000000000000000000000000000001001", dispatchedAt: 1n, expiresAt: 2n });
    jobs.applyTransition(hex(1), { type: "reject", code: "NSF_X", reason: "test" });
    classify(5, -1); // the scheduler found no such clause
    d = await depth();
    expect(d["disaster/seen"]).to.equal(0);
    expect(d["disaster/dispatched"]).to.equal(1);
    expect(d["planning/seen"]).to.equal(2);
    expect(d["unknown/seen"]).to.equal(1);
    expect(d["unclassified/seen"], "a label whose jobs moved on is dropped, not left stale").to.equal(undefined);

    // What the explorer's network overview reads from the same endpoint: per class, waiting and dispatched, highest first.
    const read = await createRelayerMetricsReader({ url }).read();
    expect(read.configured && read.ok && read.queueByClass).to.deep.equal([
      { class: "disaster", waiting: 0, dispatched: 1 },
      { class: "finance", waiting: 0, dispatched: 0 },
      { class: "planning", waiting: 2, dispatched: 0 },
      { class: "unknown", waiting: 1, dispatched: 0 },
    ]);
  });

  it("names classes by their ClauseRegistry value", () => {
    expect([PriorityClass.Disaster, PriorityClass.Finance, PriorityClass.Planning, -1, 7, undefined].map(priorityClassLabel)).to.deep.equal(["disaster", "finance", "planning", "unknown", "unknown", "unclassified"]);
  });
});
