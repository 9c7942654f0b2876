import { ByteWriter, encodeName, encodeSection, encodeSleb, encodeU32, encodeVector } from "../../relayer/executor/sandbox/wasmBytes.js";

/**
 * A tiny WebAssembly assembler for test modules: hostile clauses (loops, memory bombs, floats, imports)
 * are easier to state as a few bytes than to coax out of a compiler. Bodies are raw instruction bytes
 * without the final `end`.
 */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;

export type TestFunction = { params?: number[]; results?: number[]; locals?: number[]; body: number[] };
export type TestModule = {
  functions: TestFunction[];
  exports?: { name: string; kind: "func" | "memory" | "global"; index: number }[];
  memory?: { min: number; max?: number } | null;
  imports?: { module: string; name: string; type: { params: number[]; results: number[] } }[];
  start?: number;
  customSectionBytes?: number;
};

const KIND = { func: 0, memory: 2, global: 3 } as const;

export function assemble(module: TestModule): Uint8Array {
  const types: Uint8Array[] = [];
  const typeOf = (params: number[], results: number[]) => {
    types.push(Uint8Array.from([0x60, ...encodeU32(params.length), ...params, ...encodeU32(results.length), ...results]));
    return types.length - 1;
  };
  const importEntries = (module.imports ?? []).map((imp) =>
    new ByteWriter().bytes(encodeName(imp.module)).bytes(encodeName(imp.name)).bytes([0x00]).u32(typeOf(imp.type.params, imp.type.results)).finish(),
  );
  const functionTypes = module.functions.map((f) => encodeU32(typeOf(f.params ?? [], f.results ?? [])));
  const bodies = module.functions.map((f) => {
    const locals = (f.locals ?? []).map((t) => [0x01, t]);
    const body = new ByteWriter().bytes(encodeVector(locals)).bytes(f.body).bytes([0x0b]).finish();
    return new ByteWriter().u32(body.length).bytes(body).finish();
  });
  const out = new ByteWriter().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  out.bytes(encodeSection(1, encodeVector(types)));
  if (importEntries.length) out.bytes(encodeSection(2, encodeVector(importEntries)));
  out.bytes(encodeSection(3, encodeVector(functionTypes)));
  const memory = module.memory === undefined ? { min: 1, max: 1 } : module.memory;
  if (memory) {
    const limits = memory.max === undefined ? [0x00, ...encodeU32(memory.min)] : [0x01, ...encodeU32(memory.min), ...encodeU32(memory.max)];
    out.bytes(encodeSection(5, encodeVector([limits])));
  }
  const exports = module.exports ?? [];
  out.bytes(encodeSection(7, encodeVector(exports.map((e) => new ByteWriter().bytes(encodeName(e.name)).bytes([KIND[e.kind]]).u32(e.index).finish()))));
  if (module.start !== undefined) out.bytes(encodeSection(8, Uint8Array.from(encodeU32(module.start))));
  out.bytes(encodeSection(10, encodeVector(bodies)));
  if (module.customSectionBytes) {
    out.bytes(encodeSection(0, new ByteWriter().bytes(encodeName("padding")).bytes(new Uint8Array(module.customSectionBytes)).finish()));
  }
  return out.finish();
}

export const i32Const = (value: number) => [0x41, ...encodeSleb(BigInt(value))];
export const i64Const = (value: bigint) => [0x42, ...encodeSleb(value)];

/** Where test clauses keep their (all-zero) output record: status 0, action "", no amounts. */
export const OUTPUT_AT = 2048;
export const INPUT_AT = 1024;

/**
 * A module with the clause ABI: function 0 is nsf_input_ptr, function 1 nsf_run with `runBody`
 * (which must leave the output address on the stack), then any `extra` functions from index 2.
 */
export function abiModule(
  runBody: number[],
  options: { runLocals?: number[]; extra?: TestFunction[]; memory?: TestModule["memory"]; start?: number; customSectionBytes?: number } = {},
): Uint8Array {
  return assemble({
    functions: [{ results: [I32], body: i32Const(INPUT_AT) }, { params: [I32], results: [I32], locals: options.runLocals, body: runBody }, ...(options.extra ?? [])],
    exports: [
      { name: "memory", kind: "memory", index: 0 },
      { name: "nsf_input_ptr", kind: "func", index: 0 },
      { name: "nsf_run", kind: "func", index: 1 },
    ],
    memory: options.memory,
    start: options.start,
    customSectionBytes: options.customSectionBytes,
  });
}

export const HOSTILE = {
  /** loop { br 0 } */
  infiniteLoop: () => abiModule([0x03, 0x40, 0x0c, 0x00, 0x0b, ...i32Const(OUTPUT_AT)]),
  /** memory.grow(100) on a 1-page module */
  memoryBomb: () => abiModule([...i32Const(100), 0x40, 0x00, 0x1a, ...i32Const(OUTPUT_AT)]),
  /** grow one page at a time until the grow fails, ignoring the -1 */
  memoryBombLoop: () => abiModule([0x03, 0x40, ...i32Const(1), 0x40, 0x00, 0x1a, 0x0c, 0x00, 0x0b, ...i32Const(OUTPUT_AT)], { memory: { min: 1 } }),
  /** unbounded recursion through function 2 */
  recursion: () => abiModule([0x10, 0x02, ...i32Const(OUTPUT_AT)], { extra: [{ body: [0x10, 0x02] }] }),
  /** f64.const 1.0; drop */
  float: () => abiModule([0x44, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x1a, ...i32Const(OUTPUT_AT)]),
  /** v128.const 0; drop */
  simd: () => abiModule([0xfd, 0x0c, ...new Array(16).fill(0), 0x1a, ...i32Const(OUTPUT_AT)]),
  unreachable: () => abiModule([0x00]),
  /** writes status 0x10000 (not a uint16) into the output record */
  badStatus: () => abiModule([...i32Const(OUTPUT_AT), ...i32Const(0x10000), 0x36, 0x02, 0x00, ...i32Const(OUTPUT_AT)]),
  outputOutOfBounds: () => abiModule(i32Const(65_530)),
  withImport: () =>
    assemble({
      imports: [{ module: "env", name: "abort", type: { params: [], results: [] } }],
      functions: [{ results: [I32], body: i32Const(INPUT_AT) }, { params: [I32], results: [I32], body: i32Const(OUTPUT_AT) }],
      exports: [
        { name: "memory", kind: "memory", index: 0 },
        { name: "nsf_input_ptr", kind: "func", index: 1 },
        { name: "nsf_run", kind: "func", index: 2 },
      ],
    }),
  withStart: () => abiModule(i32Const(OUTPUT_AT), { extra: [{ body: [] }], start: 2 }),
  hugeMemory: () => abiModule(i32Const(OUTPUT_AT), { memory: { min: 17, max: 17 } }),
  hugeMaximum: () => abiModule(i32Const(OUTPUT_AT), { memory: { min: 1, max: 65536 } }),
  oversized: () => abiModule(i32Const(OUTPUT_AT), { customSectionBytes: 300 * 1024 }),
  missingRun: () =>
    assemble({
      functions: [{ results: [I32], body: i32Const(INPUT_AT) }],
      exports: [
        { name: "memory", kind: "memory", index: 0 },
        { name: "nsf_input_ptr", kind: "func", index: 0 },
      ],
    }),
  garbage: () => Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0x07]),
} as const;
