import { expect } from "chai";
import { sha256Of } from "../../../relayer/core/formats/ids.js";
import { createSandbox, type Sandbox } from "../../../relayer/executor/sandbox/createSandbox.js";
import { createWorkerRunner } from "../../../relayer/executor/sandbox/createWorkerRunner.js";
import { loadExample } from "../../clauses/exampleClause.js";
import { abiModule, HOSTILE, i32Const, OUTPUT_AT } from "../wasmFixtures.js";

describe("createWorkerRunner (wall-clock guard)", function () {
  this.timeout(30_000);
  let sandbox: Sandbox;
  let inline: Sandbox;

  before(() => {
    // Step cap raised so the infinite loop outlives the wall-clock guard: the guard is what is under test.
    sandbox = createSandbox({ runner: createWorkerRunner({ timeoutMs: 300 }), limits: { maxSteps: 1n << 62n } });
    inline = createSandbox();
  });
  after(async () => {
    await sandbox.close();
  });

  it("runs clauses in a worker with the same output and step count as inline", async () => {
    const flood = await loadExample("flood-payout", inline);
    const prepared = sandbox.prepare(flood.manifest.codeHash as `0x${string}`, flood.wasm);
    const inlineRun = await inline.run(inline.prepare(flood.manifest.codeHash as `0x${string}`, flood.wasm), [1800n, 10n], 100_000n);
    const workerRun = await sandbox.run(prepared, [1800n, 10n], 100_000n);
    expect(workerRun).to.deep.equal(inlineRun);
  });

  it("carries typed errors across the thread boundary", async () => {
    const wasm = HOSTILE.memoryBomb();
    try {
      await sandbox.run(sandbox.prepare(sha256Of(wasm), wasm), [], 1000n);
      expect.fail("expected a memory limit");
    } catch (error) {
      expect(error).to.have.property("code", "NSF_CLAUSE_MEMORY_LIMIT");
    }
  });

  it("stops deep recursion with the same typed error in a worker as inline", async () => {
    const wasm = HOSTILE.recursion();
    for (const sb of [sandbox, inline]) {
      try {
        await sb.run(sb.prepare(sha256Of(wasm), wasm), [], 10_000_000n);
        expect.fail("expected a call depth error");
      } catch (error) {
        expect(error).to.have.property("code", "NSF_CLAUSE_CALL_DEPTH");
      }
    }
  });

  it("terminates a run that outlives the guard with NSF_CLAUSE_TIMEOUT, then keeps serving", async () => {
    const loop = HOSTILE.infiniteLoop();
    try {
      await sandbox.run(sandbox.prepare(sha256Of(loop), loop), [], 1n << 61n);
      expect.fail("expected a timeout");
    } catch (error) {
      expect(error).to.have.property("code", "NSF_CLAUSE_TIMEOUT");
      expect(error).to.have.property("retryable", true);
    }
    const ok = abiModule(i32Const(OUTPUT_AT));
    expect((await sandbox.run(sandbox.prepare(sha256Of(ok), ok), [], 100n)).stepsUsed).to.equal(4n);
  });
});
