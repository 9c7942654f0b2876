import { expect } from "chai";
import { DEFAULT_SANDBOX_LIMITS } from "../../../relayer/executor/sandbox/sandboxLimits.js";
import { validateModule } from "../../../relayer/executor/sandbox/validateModule.js";
import { abiModule, assemble, HOSTILE, I32, i32Const, INPUT_AT, OUTPUT_AT } from "../wasmFixtures.js";
import { loadExample, EXAMPLES } from "../../clauses/exampleClause.js";

function expectRejected(bytes: Uint8Array, code: string): void {
  try {
    validateModule(bytes, DEFAULT_SANDBOX_LIMITS);
  } catch (error) {
    expect(error).to.have.property("code", code);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe("validateModule", () => {
  it("accepts every example clause and a minimal ABI module", async () => {
    for (const name of EXAMPLES) validateModule((await loadExample(name)).wasm, DEFAULT_SANDBOX_LIMITS);
    const info = validateModule(abiModule(i32Const(OUTPUT_AT)), DEFAULT_SANDBOX_LIMITS);
    expect(info.bodies).to.have.length(2);
  });

  it("rejects bytes that are not WebAssembly", () => {
    expectRejected(HOSTILE.garbage(), "NSF_WASM_MALFORMED");
    expectRejected(new TextEncoder().encode("hello world"), "NSF_WASM_MALFORMED");
  });
  it("rejects f32/f64 instructions", () => expectRejected(HOSTILE.float(), "NSF_WASM_FLOAT_FORBIDDEN"));
  it("rejects float types in signatures and locals", () => {
    expectRejected(abiModule(i32Const(OUTPUT_AT), { extra: [{ params: [0x7c], body: [] }] }), "NSF_WASM_FLOAT_FORBIDDEN");
    expectRejected(abiModule(i32Const(OUTPUT_AT), { extra: [{ locals: [0x7d], body: [] }] }), "NSF_WASM_FLOAT_FORBIDDEN");
  });
  it("rejects SIMD", () => expectRejected(HOSTILE.simd(), "NSF_WASM_FEATURE_FORBIDDEN"));
  it("rejects any import", () => expectRejected(HOSTILE.withImport(), "NSF_WASM_IMPORT_FORBIDDEN"));
  it("rejects a start function", () => expectRejected(HOSTILE.withStart(), "NSF_WASM_START_FORBIDDEN"));
  it("rejects initial memory above the cap", () => expectRejected(HOSTILE.hugeMemory(), "NSF_WASM_MEMORY_TOO_LARGE"));
  it("rejects a declared maximum above the cap", () => expectRejected(HOSTILE.hugeMaximum(), "NSF_WASM_MEMORY_TOO_LARGE"));
  it("rejects oversized modules before parsing them", () => expectRejected(HOSTILE.oversized(), "NSF_WASM_TOO_LARGE"));
  it("rejects a module without the ABI exports", () => expectRejected(HOSTILE.missingRun(), "NSF_WASM_ABI_MISMATCH"));
  it("rejects a module without memory", () =>
    expectRejected(
      assemble({
        functions: [{ results: [I32], body: i32Const(INPUT_AT) }, { params: [I32], results: [I32], body: i32Const(OUTPUT_AT) }],
        exports: [
          { name: "nsf_input_ptr", kind: "func", index: 0 },
          { name: "nsf_run", kind: "func", index: 1 },
        ],
        memory: null,
      }),
      "NSF_WASM_ABI_MISMATCH",
    ));
  it("rejects exports under the reserved __nsf_ prefix", () =>
    expectRejected(
      assemble({
        functions: [{ results: [I32], body: i32Const(INPUT_AT) }, { params: [I32], results: [I32], body: i32Const(OUTPUT_AT) }],
        exports: [
          { name: "memory", kind: "memory", index: 0 },
          { name: "nsf_input_ptr", kind: "func", index: 0 },
          { name: "nsf_run", kind: "func", index: 1 },
          { name: "__nsf_steps", kind: "func", index: 0 },
        ],
      }),
      "NSF_WASM_ABI_MISMATCH",
    ));
  it("rejects a frame larger than the stack budget", () => {
    const huge = new Array(40_000).fill(0x01); // 40 000 nops: a frame bound above 32 768 slots
    expectRejected(abiModule(i32Const(OUTPUT_AT), { extra: [{ body: huge }] }), "NSF_WASM_FEATURE_FORBIDDEN");
  });
});
