import { MeterExport, TrapReason } from "./clauseAbi.js";
import type { InstructionKind } from "./instructions.js";
import { ByteWriter, encodeName, encodeSection, encodeSleb, encodeU32, WasmReader } from "./wasmBytes.js";
import { SectionId, type ValidatedModule } from "./validateModule.js";

/**
 * Rewrites a validated clause module so that its limits are enforced by the module itself,
 * identically on every engine and machine (pure; bytes in, bytes out):
 *
 * - **Steps.** A mutable i64 global `__nsf_steps` (exported; the host sets the budget before each run)
 *   is charged at the start of every straight-line segment with the number of original instructions in
 *   that segment. Segments end at every control instruction, so every loop iteration and every call
 *   pays before it runs. When the budget cannot cover a segment the module sets `__nsf_trap = 1` and
 *   executes `unreachable`.
 * - **Memory.** The memory's maximum becomes the cap (when it declared none), and every `memory.grow`
 *   goes through an appended helper that sets `__nsf_trap = 2` and traps when the grow fails, so a memory
 *   bomb is a typed failure rather than a `-1` the clause might ignore.
 * - **Stack.** Every call charges the callee's static frame bound (`frameSlots`) to a stack-budget global
 *   and refunds it on return; over budget sets `__nsf_trap = 3` and traps (see `SandboxLimits.maxStackSlots`).
 *
 * Injected code is stack-neutral and uses only new globals and one new function appended at the end of
 * the index spaces, so every existing function, global and type index stays valid. Custom sections are
 * dropped: the metered module is an internal artifact; the code hash is always over the original bytes.
 */
export type MeterOptions = { maxMemoryPages: number; maxStackSlots: number };

export function meterModule(module: ValidatedModule, options: MeterOptions): Uint8Array {
  const typeCount = module.types.length;
  const functionCount = module.functionTypes.length;
  const globals = { steps: module.globalCount, trap: module.globalCount + 1, stack: module.globalCount + 2 };
  const growHelper = functionCount;
  const growHelperType = typeCount;
  const frameSlots = module.bodies.map((b) => b.frameSlots);
  const indirectSlots = Math.max(0, ...frameSlots);

  const payloads = new Map<number, Uint8Array>();
  for (const section of module.sections) {
    if (section.id !== SectionId.Custom) payloads.set(section.id, module.bytes.subarray(section.start, section.end));
  }

  const appendToVector = (id: number, items: Uint8Array[]): Uint8Array => {
    const original = payloads.get(id);
    let count = 0;
    let rest: Uint8Array = new Uint8Array(0);
    if (original) {
      const r = new WasmReader(original);
      count = r.u32();
      rest = original.subarray(r.pos);
    }
    const writer = new ByteWriter().u32(count + items.length).bytes(rest);
    for (const item of items) writer.bytes(item);
    return writer.finish();
  };

  // (i32) -> i32, the grow helper's signature.
  payloads.set(SectionId.Type, appendToVector(SectionId.Type, [Uint8Array.from([0x60, 0x01, 0x7f, 0x01, 0x7f])]));
  payloads.set(SectionId.Function, appendToVector(SectionId.Function, [Uint8Array.from(encodeU32(growHelperType))]));
  payloads.set(SectionId.Memory, new ByteWriter().u32(1).bytes([0x01]).u32(module.memory.min).u32(module.memory.max ?? options.maxMemoryPages).finish());
  payloads.set(
    SectionId.Global,
    appendToVector(SectionId.Global, [
      Uint8Array.from([0x7e, 0x01, 0x42, 0x00, 0x0b]), // __nsf_steps: mut i64 = 0 (the host sets the budget)
      Uint8Array.from([0x7f, 0x01, 0x41, 0x00, 0x0b]), // __nsf_trap: mut i32 = 0
      Uint8Array.from([0x7f, 0x01, 0x41, 0x00, 0x0b]), // stack budget used: mut i32 = 0
    ]),
  );
  payloads.set(
    SectionId.Export,
    appendToVector(SectionId.Export, [
      new ByteWriter().bytes(encodeName(MeterExport.Steps)).bytes([0x03]).u32(globals.steps).finish(),
      new ByteWriter().bytes(encodeName(MeterExport.Trap)).bytes([0x03]).u32(globals.trap).finish(),
    ]),
  );

  const code = new ByteWriter().u32(module.bodies.length + 1);
  for (const body of module.bodies) {
    const rewritten = rewriteBody(module.bytes, body, { globals, growHelper, frameSlots, indirectSlots, maxStackSlots: options.maxStackSlots });
    code.u32(rewritten.length).bytes(rewritten);
  }
  const helper = growHelperBody(globals.trap);
  code.u32(helper.length).bytes(helper);
  payloads.set(SectionId.Code, code.finish());

  const order = [
    SectionId.Type,
    SectionId.Import,
    SectionId.Function,
    SectionId.Table,
    SectionId.Memory,
    SectionId.Global,
    SectionId.Export,
    SectionId.Element,
    SectionId.DataCount,
    SectionId.Code,
    SectionId.Data,
  ];
  const out = new ByteWriter().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  for (const id of order) {
    const payload = payloads.get(id);
    if (payload) out.bytes(encodeSection(id, payload));
  }
  return out.finish();
}

const SEGMENT_ENDS: ReadonlySet<InstructionKind> = new Set(["block", "loop", "if", "else", "end", "br", "br_if", "br_table", "return", "unreachable"]);

type RewriteContext = {
  globals: { steps: number; trap: number; stack: number };
  growHelper: number;
  frameSlots: number[];
  indirectSlots: number;
  maxStackSlots: number;
};

function rewriteBody(bytes: Uint8Array, body: ValidatedModule["bodies"][number], ctx: RewriteContext): Uint8Array {
  const { instructions } = body;
  // Cost of the segment starting at i: instructions up to and including the next control instruction.
  const costFrom = new Array<number>(instructions.length + 1).fill(0);
  for (let i = instructions.length - 1; i >= 0; i--) {
    costFrom[i] = SEGMENT_ENDS.has(instructions[i]!.kind) ? 1 : 1 + costFrom[i + 1]!;
  }
  const out = new ByteWriter().bytes(bytes.subarray(body.start, body.localsEnd));
  let segmentStart = true;
  for (let i = 0; i < instructions.length; i++) {
    const ins = instructions[i]!;
    if (segmentStart) {
      out.bytes(chargeSteps(ctx.globals, costFrom[i]!));
      segmentStart = false;
    }
    const raw = bytes.subarray(ins.start, ins.end);
    switch (ins.kind) {
      case "memory.grow":
        out.bytes([0x10, ...encodeU32(ctx.growHelper)]);
        break;
      case "call":
      case "call_indirect": {
        const slots = ins.kind === "call" ? (ctx.frameSlots[new WasmReader(raw, 1).u32()] ?? ctx.indirectSlots) : ctx.indirectSlots;
        out.bytes(enterFrame(ctx, slots)).bytes(raw).bytes(leaveFrame(ctx, slots));
        break;
      }
      default:
        out.bytes(raw);
    }
    if (SEGMENT_ENDS.has(ins.kind)) segmentStart = true;
  }
  return out.finish();
}

const globalGet = (index: number) => [0x23, ...encodeU32(index)];
const globalSet = (index: number) => [0x24, ...encodeU32(index)];
const trapWith = (trapGlobal: number, reason: number) => [0x04, 0x40, 0x41, ...encodeSleb(BigInt(reason)), ...globalSet(trapGlobal), 0x00, 0x0b];

/** if (steps < cost) { trap = 1; unreachable }  steps -= cost */
function chargeSteps(globals: RewriteContext["globals"], cost: number): number[] {
  const c = encodeSleb(BigInt(cost));
  return [
    ...globalGet(globals.steps), 0x42, ...c, 0x54 /* i64.lt_u */, ...trapWith(globals.trap, TrapReason.Steps),
    ...globalGet(globals.steps), 0x42, ...c, 0x7d /* i64.sub */, ...globalSet(globals.steps),
  ];
}

/** stack += slots; if (stack > max) { trap = 3; unreachable } */
function enterFrame(ctx: RewriteContext, slots: number): number[] {
  const s = encodeSleb(BigInt(slots));
  return [
    ...globalGet(ctx.globals.stack), 0x41, ...s, 0x6a /* i32.add */, ...globalSet(ctx.globals.stack),
    ...globalGet(ctx.globals.stack), 0x41, ...encodeSleb(BigInt(ctx.maxStackSlots)), 0x4b /* i32.gt_u */, ...trapWith(ctx.globals.trap, TrapReason.Stack),
  ];
}

/** stack -= slots */
function leaveFrame(ctx: RewriteContext, slots: number): number[] {
  return [...globalGet(ctx.globals.stack), 0x41, ...encodeSleb(BigInt(slots)), 0x6b /* i32.sub */, ...globalSet(ctx.globals.stack)];
}

/** (delta) -> old size; traps with reason 2 instead of returning -1. */
function growHelperBody(trapGlobal: number): Uint8Array {
  return Uint8Array.from([
    0x01, 0x01, 0x7f, // one local i32
    0x20, 0x00, // local.get 0
    0x40, 0x00, // memory.grow
    0x22, 0x01, // local.tee 1
    0x41, 0x7f, // i32.const -1
    0x46, // i32.eq
    ...trapWith(trapGlobal, TrapReason.Memory),
    0x20, 0x01, // local.get 1
    0x0b,
  ]);
}
