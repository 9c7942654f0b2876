import { expect } from "chai";
import { sha256Of } from "../../../relayer/core/formats/ids.js";
import { createSandbox } from "../../../relayer/executor/sandbox/createSandbox.js";
import { abiModule, HOSTILE, I32, i32Const, OUTPUT_AT } from "../wasmFixtures.js";

const sandbox = createSandbox();
const prepare = (wasm: Uint8Array) => sandbox.prepare(sha256Of(wasm), wasm);

async function expectFailure(wasm: Uint8Array, code: string, stepLimit = 100_000n): Promise<void> {
  try {
    await sandbox.run(prepare(wasm), [], stepLimit);
  } catch (error) {
    expect(error).to.have.property("code", code);
    return;
  }
  expect.fail(`expected ${code}`);
}

// A loop of `iterations` rounds over a counter in local 1 (local 0 is nsf_run's parameter).
const countingLoop = (iterations: number) =>
  abiModule([0x03, 0x40, 0x20, 0x01, ...i32Const(1), 0x6a, 0x22, 0x01, ...i32Const(iterations), 0x49, 0x0d, 0x00, 0x0b, ...i32Const(OUTPUT_AT)], {
    runLocals: [I32],
  });

describe("createSandbox", () => {
  it("charges exactly one step per original instruction on the path taken", async () => {
    // nsf_input_ptr: i32.const, end (2); nsf_run: i32.const, end (2).
    const run = await sandbox.run(prepare(abiModule(i32Const(OUTPUT_AT))), [], 100n);
    expect(run.stepsUsed).to.equal(4n);
    expect(run.output).to.deep.equal({ status: 0, action: "", amounts: [] });
  });

  it("meters loops per iteration, deterministically", async () => {
    const wasm = countingLoop(1000);
    const first = await sandbox.run(prepare(wasm), [], 1_000_000n);
    const second = await sandbox.run(prepare(wasm), [], 1_000_000n);
    // 2 (input ptr) + 1 (loop) + 7 per iteration + 1 (end) + 2 (i32.const, end)
    expect(first.stepsUsed).to.equal(7n * 1000n + 6n);
    expect(second.stepsUsed).to.equal(first.stepsUsed);
  });

  it("fails with NSF_CLAUSE_STEP_LIMIT at exactly one step short", async () => {
    const wasm = abiModule(i32Const(OUTPUT_AT));
    expect((await sandbox.run(prepare(wasm), [], 4n)).stepsUsed).to.equal(4n);
    await expectFailure(wasm, "NSF_CLAUSE_STEP_LIMIT", 3n);
  });

  it("stops an infinite loop with NSF_CLAUSE_STEP_LIMIT", () => expectFailure(HOSTILE.infiniteLoop(), "NSF_CLAUSE_STEP_LIMIT"));
  it("stops a memory bomb with NSF_CLAUSE_MEMORY_LIMIT", () => expectFailure(HOSTILE.memoryBomb(), "NSF_CLAUSE_MEMORY_LIMIT"));
  it("caps a module that declared no maximum at the sandbox cap", () => expectFailure(HOSTILE.memoryBombLoop(), "NSF_CLAUSE_MEMORY_LIMIT", 10_000_000n));
  it("stops unbounded recursion with NSF_CLAUSE_CALL_DEPTH, not an engine stack overflow", () =>
    expectFailure(HOSTILE.recursion(), "NSF_CLAUSE_CALL_DEPTH", 10_000_000n));
  it("reports a trap as NSF_CLAUSE_TRAPPED", () => expectFailure(HOSTILE.unreachable(), "NSF_CLAUSE_TRAPPED"));
  it("refuses an output status that is not a uint16", () => expectFailure(HOSTILE.badStatus(), "NSF_CLAUSE_OUTPUT_INVALID"));
  it("refuses an output record outside memory", () => expectFailure(HOSTILE.outputOutOfBounds(), "NSF_CLAUSE_OUTPUT_INVALID"));

  it("gives every run a fresh instance: memory written by one run is gone in the next", async () => {
    // counter at 4096 += 1; status = counter
    const body = [
      ...i32Const(4096), ...i32Const(4096), 0x28, 0x02, 0x00, ...i32Const(1), 0x6a, 0x36, 0x02, 0x00,
      ...i32Const(OUTPUT_AT), ...i32Const(4096), 0x28, 0x02, 0x00, 0x36, 0x02, 0x00,
      ...i32Const(OUTPUT_AT),
    ];
    const prepared = prepare(abiModule(body));
    for (let i = 0; i < 3; i++) expect((await sandbox.run(prepared, [], 1000n)).output.status).to.equal(1);
  });

  it("caches the compiled module by code hash and refuses bytes that do not match the hash", () => {
    const wasm = abiModule(i32Const(OUTPUT_AT));
    expect(prepare(wasm)).to.equal(prepare(wasm));
    try {
      createSandbox().prepare(sha256Of(HOSTILE.infiniteLoop()), wasm);
      expect.fail("expected a mismatch");
    } catch (error) {
      expect(error).to.have.property("code", "NSF_CLAUSE_STORE_MISMATCH");
    }
  });

  it("refuses a step limit above the network cap", async () => {
    try {
      await sandbox.run(prepare(abiModule(i32Const(OUTPUT_AT))), [], sandbox.limits.maxSteps + 1n);
      expect.fail("expected a refusal");
    } catch (error) {
      expect(error).to.have.property("code", "NSF_CLAUSE_MANIFEST_INVALID");
    }
  });
});

