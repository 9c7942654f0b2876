import { expect } from "chai";
import fc from "fast-check";
import type { Hex } from "viem";
import { decodeClauseOutputRecord, encodeClauseInputs } from "../../../relayer/executor/sandbox/clauseAbi.js";
import { createSandbox } from "../../../relayer/executor/sandbox/createSandbox.js";
import { meterModule } from "../../../relayer/executor/sandbox/meterModule.js";
import { DEFAULT_SANDBOX_LIMITS } from "../../../relayer/executor/sandbox/sandboxLimits.js";
import { validateModule } from "../../../relayer/executor/sandbox/validateModule.js";
import { compileWasm, instantiateWasm, validateWasm, type WasmMemory } from "../../../relayer/executor/sandbox/wasmEngine.js";
import { EXAMPLES, loadExample } from "../../clauses/exampleClause.js";

/** Runs the ORIGINAL, unmetered module: the reference the metered one must match. */
function runOriginal(wasm: Uint8Array, inputs: bigint[]) {
  const exports = instantiateWasm(compileWasm(wasm)).exports as { memory: WasmMemory; nsf_input_ptr: () => number; nsf_run: (n: number) => number };
  const bytes = encodeClauseInputs(inputs);
  new Uint8Array(exports.memory.buffer).set(bytes, exports.nsf_input_ptr());
  try {
    const at = exports.nsf_run(inputs.length);
    return { ok: true as const, output: decodeClauseOutputRecord(new Uint8Array(exports.memory.buffer), at) };
  } catch {
    return { ok: false as const };
  }
}

describe("meterModule", function () {
  this.timeout(60_000);

  it("produces a module the engine accepts, for every example", async () => {
    for (const name of EXAMPLES) {
      const { wasm } = await loadExample(name);
      const metered = meterModule(validateModule(wasm, DEFAULT_SANDBOX_LIMITS), DEFAULT_SANDBOX_LIMITS);
      expect(validateWasm(metered), name).to.equal(true);
    }
  });

  it("is deterministic: the same module meters to the same bytes", async () => {
    const { wasm } = await loadExample("pandemic-alert");
    const a = meterModule(validateModule(wasm, DEFAULT_SANDBOX_LIMITS), DEFAULT_SANDBOX_LIMITS);
    const b = meterModule(validateModule(wasm, DEFAULT_SANDBOX_LIMITS), DEFAULT_SANDBOX_LIMITS);
    expect(Buffer.from(a).equals(Buffer.from(b))).to.equal(true);
  });

  for (const name of EXAMPLES) {
    it(`preserves the semantics of ${name} on random inputs (metered output = original output, traps included)`, async () => {
      const clause = await loadExample(name);
      const sandbox = createSandbox();
      const prepared = sandbox.prepare(clause.manifest.codeHash as Hex, clause.wasm);
      // Half of the draws inside the declared ranges, half anywhere in int64 (the clause's own guards trap).
      const field = (min: bigint, max: bigint) => fc.oneof(fc.bigInt({ min, max }), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }));
      const inputs = fc.tuple(...clause.manifest.inputs.map((f) => field(BigInt(f.min), BigInt(f.max))));
      await fc.assert(
        fc.asyncProperty(inputs, async (values) => {
          const reference = runOriginal(clause.wasm, values);
          try {
            const { output } = await sandbox.run(prepared, values, BigInt(clause.manifest.limits.steps));
            expect(reference.ok).to.equal(true);
            expect(output).to.deep.equal(reference.ok ? reference.output : undefined);
          } catch (error) {
            expect(error).to.have.property("code", "NSF_CLAUSE_TRAPPED");
            expect(reference.ok).to.equal(false);
          }
        }),
        { numRuns: 300, seed: 0x4e5346 },
      );
    });
  }
});
