import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { createPeriodicTask } from "../../relayer/common/createPeriodicTask.js";

/** A run the test finishes by hand, so overlap is decided by the test, not by timing. */
function gatedRuns() {
  const gates: (() => void)[] = [];
  let active = 0;
  let maxActive = 0;
  let calls = 0;
  return {
    run: async () => {
      calls++;
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((resolve) => gates.push(resolve));
      active--;
    },
    release: () => gates.splice(0).forEach((open) => open()),
    get calls() {
      return calls;
    },
    get maxActive() {
      return maxActive;
    },
  };
}

describe("relayer/common/createPeriodicTask", () => {
  it("never overlaps runs: a tick during a run joins it and settles with it", async () => {
    const runs = gatedRuns();
    const task = createPeriodicTask({ run: runs.run, intervalMs: 60_000, shutdown: new AbortController().signal, onError: () => undefined });
    const first = task.tick();
    const second = task.tick();
    expect(runs.calls).to.equal(1);
    let settled = false;
    void second.then(() => (settled = true));
    await sleep(5);
    expect(settled, "the joined tick waits for the run").to.equal(false);
    runs.release();
    await Promise.all([first, second]);
    expect(settled).to.equal(true);
    // Once finished, the next tick is a new run.
    const third = task.tick();
    expect(runs.calls).to.equal(2);
    runs.release();
    await third;
    expect(runs.maxActive).to.equal(1);
  });

  it("runs on its interval (and at start when asked); stop waits for the run in progress and ends the loop", async () => {
    const runs = gatedRuns();
    const task = createPeriodicTask({ run: runs.run, intervalMs: 10, shutdown: new AbortController().signal, onError: () => undefined, runAtStart: true });
    task.start();
    expect(task.started).to.equal(true);
    expect(runs.calls, "runAtStart").to.equal(1);
    await sleep(50); // several intervals pass while the first run is held: none starts a second run
    expect(runs.calls).to.equal(1);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await sleep(5);
    expect(stopped, "stop waits for the run in progress").to.equal(false);
    runs.release();
    await stopping;
    expect(task.started).to.equal(false);
    await sleep(40);
    expect(runs.calls, "no run after stop").to.equal(1);
  });

  it("reports a failed timer run to onError and keeps going; a direct tick rejects with the failure", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const task = createPeriodicTask({
      run: async () => {
        calls++;
        if (calls <= 2) throw new Error(`boom ${calls}`);
      },
      intervalMs: 5,
      shutdown: new AbortController().signal,
      onError: (error) => errors.push(error),
    });
    let direct: unknown;
    await task.tick().catch((error: unknown) => (direct = error));
    expect((direct as Error).message).to.equal("boom 1");
    task.start();
    while (calls < 4) await sleep(5);
    await task.stop();
    expect(errors.map((e) => (e as Error).message)).to.deep.equal(["boom 2"]);
  });

  it("stops when the shutdown signal aborts, and does not start after it", async () => {
    const shutdown = new AbortController();
    let calls = 0;
    const task = createPeriodicTask({ run: async () => void calls++, intervalMs: 5, shutdown: shutdown.signal, onError: () => undefined });
    task.start();
    while (calls < 2) await sleep(5);
    shutdown.abort();
    await sleep(1);
    expect(task.started).to.equal(false);
    const after = calls;
    task.start();
    await sleep(30);
    expect(task.started).to.equal(false);
    expect(calls).to.equal(after);
  });
});
