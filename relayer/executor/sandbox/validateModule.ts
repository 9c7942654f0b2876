import { ExecutorError } from "../errors/ExecutorError.js";
import { AbiExport, RESERVED_EXPORT_PREFIX } from "./clauseAbi.js";
import { checkValType, readInstruction, type Instruction } from "./instructions.js";
import { WasmReader } from "./wasmBytes.js";
import type { SandboxLimits } from "./sandboxLimits.js";
import { validateWasm } from "./wasmEngine.js";

/**
 * Static checks every clause module passes before it is compiled or run (pure; no I/O).
 * The engine's own validator runs first, so what follows may rely on a well-formed module and only
 * enforces the clause ABI's stricter rules: integer-only, no imports, no start function, one bounded
 * memory, the ABI exports, bounded frames. The result is what the metering pass rewrites.
 */
export type FuncType = { params: number[]; results: number[] };
export type SectionRange = { id: number; start: number; end: number };
export type FunctionBody = {
  /** Byte range of the whole body (after its size prefix). */
  start: number;
  end: number;
  /** Byte range of the local declarations, copied unchanged. */
  localsEnd: number;
  localCount: number;
  instructions: Instruction[];
  /** Upper bound of this function's frame in value slots; see `frameSlots`. */
  frameSlots: number;
};
export type ExportEntry = { name: string; kind: number; index: number };

export type ValidatedModule = {
  bytes: Uint8Array;
  sections: SectionRange[];
  types: FuncType[];
  functionTypes: number[];
  globalCount: number;
  memory: { min: number; max: number | undefined };
  exports: ExportEntry[];
  bodies: FunctionBody[];
};

const SectionId = { Custom: 0, Type: 1, Import: 2, Function: 3, Table: 4, Memory: 5, Global: 6, Export: 7, Start: 8, Element: 9, Code: 10, Data: 11, DataCount: 12, Tag: 13 } as const;
export { SectionId };

const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const ExternalKind = { Func: 0, Table: 1, Memory: 2, Global: 3 } as const;
/** A frame also holds a return address, saved registers and the instance: counted as a fixed slot overhead. */
export const FRAME_OVERHEAD_SLOTS = 8;

export function validateModule(bytes: Uint8Array, limits: SandboxLimits): ValidatedModule {
  if (bytes.length > limits.maxModuleBytes) {
    throw new ExecutorError("WASM_TOO_LARGE", `${bytes.length} bytes; the cap is ${limits.maxModuleBytes}`);
  }
  if (bytes.length < 8 || MAGIC_AND_VERSION.some((b, i) => bytes[i] !== b)) {
    throw new ExecutorError("WASM_MALFORMED", "missing the \\0asm magic number and version 1");
  }
  if (!validateWasm(bytes)) throw new ExecutorError("WASM_MALFORMED", "the WebAssembly engine rejects the module");

  const module: ValidatedModule = {
    bytes,
    sections: [],
    types: [],
    functionTypes: [],
    globalCount: 0,
    memory: { min: 0, max: undefined },
    exports: [],
    bodies: [],
  };
  let hasMemory = false;
  const top = new WasmReader(bytes, 8);
  while (!top.atEnd) {
    const id = top.u8();
    const size = top.u32();
    const start = top.pos;
    const end = start + size;
    top.take(size);
    module.sections.push({ id, start, end });
    const reader = new WasmReader(bytes, start, end);
    switch (id) {
      case SectionId.Custom:
      case SectionId.Element:
      case SectionId.Data:
      case SectionId.DataCount:
        break; // the engine validated them; they cannot introduce floats, imports or control flow
      case SectionId.Type:
        module.types = readTypes(reader);
        break;
      case SectionId.Import:
        rejectImports(reader);
        break;
      case SectionId.Function:
        module.functionTypes = readVector(reader, () => reader.u32());
        break;
      case SectionId.Table:
        readTables(reader, limits);
        break;
      case SectionId.Memory:
        module.memory = readMemory(reader, limits);
        hasMemory = true;
        break;
      case SectionId.Global:
        module.globalCount = readGlobals(reader);
        break;
      case SectionId.Export:
        module.exports = readVector(reader, () => ({ name: reader.name(), kind: reader.u8(), index: reader.u32() }));
        break;
      case SectionId.Start:
        throw new ExecutorError("WASM_START_FORBIDDEN", "a clause runs only through nsf_run; a start function would run at instantiation");
      case SectionId.Code:
        module.bodies = readBodies(reader, module, limits);
        break;
      case SectionId.Tag:
        throw new ExecutorError("WASM_FEATURE_FORBIDDEN", "exception tags");
      default:
        throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `unknown section id ${id}`);
    }
  }
  if (!hasMemory) throw new ExecutorError("WASM_ABI_MISMATCH", "the module defines no memory");
  checkAbiExports(module);
  return module;
}

function readVector<T>(reader: WasmReader, item: (index: number) => T): T[] {
  const count = reader.u32();
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(item(i));
  return out;
}

function readTypes(reader: WasmReader): FuncType[] {
  return readVector(reader, (index) => {
    const form = reader.u8();
    if (form !== 0x60) throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `type #${index} is not a plain function type (form 0x${form.toString(16)})`);
    const params = readVector(reader, () => reader.u8());
    const results = readVector(reader, () => reader.u8());
    for (const t of [...params, ...results]) checkValType(t, `type #${index}`);
    return { params, results };
  });
}

function rejectImports(reader: WasmReader): void {
  const names = readVector(reader, () => {
    const name = `${reader.name()}.${reader.name()}`;
    const kind = reader.u8();
    // Skip the import description so the next name parses; its content does not matter, it is refused.
    if (kind === ExternalKind.Func) reader.u32();
    else if (kind === ExternalKind.Table) {
      reader.u8();
      readLimits(reader);
    } else if (kind === ExternalKind.Memory) readLimits(reader);
    else if (kind === ExternalKind.Global) reader.take(2);
    else reader.take(2); // exception tag: attribute byte + type index (small)
    return name;
  });
  if (names.length > 0) throw new ExecutorError("WASM_IMPORT_FORBIDDEN", `imports: ${names.slice(0, 8).join(", ")}${names.length > 8 ? ", ..." : ""}`);
}

function readLimits(reader: WasmReader): { flags: number; min: number; max: number | undefined } {
  const flags = reader.u8();
  const min = reader.u32();
  const max = flags & 1 ? reader.u32() : undefined;
  return { flags, min, max };
}

function readTables(reader: WasmReader, limits: SandboxLimits): void {
  readVector(reader, (index) => {
    const refType = reader.u8();
    if (refType !== 0x70) throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `table #${index} holds reference type 0x${refType.toString(16)}`);
    const { flags, min } = readLimits(reader);
    if (flags > 1) throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `table #${index} uses limit flags ${flags}`);
    if (min > limits.maxTableElements) throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `table #${index} has ${min} elements; the cap is ${limits.maxTableElements}`);
  });
}

function readMemory(reader: WasmReader, limits: SandboxLimits): { min: number; max: number | undefined } {
  const memories = readVector(reader, () => readLimits(reader));
  if (memories.length !== 1) throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `${memories.length} memories; a clause has exactly one`);
  const { flags, min, max } = memories[0]!;
  if (flags > 1) throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `memory limit flags ${flags} (shared or 64-bit memory)`);
  if (min > limits.maxMemoryPages) throw new ExecutorError("WASM_MEMORY_TOO_LARGE", `initial ${min} pages; the cap is ${limits.maxMemoryPages}`);
  if (max !== undefined && max > limits.maxMemoryPages) {
    throw new ExecutorError("WASM_MEMORY_TOO_LARGE", `declared maximum ${max} pages; the cap is ${limits.maxMemoryPages}`);
  }
  return { min, max };
}

function readGlobals(reader: WasmReader): number {
  return readVector(reader, (index) => {
    checkValType(reader.u8(), `global #${index}`);
    reader.u8(); // mutability
    for (;;) {
      if (readInstruction(reader, `global #${index} initializer`).kind === "end") break;
    }
  }).length;
}

function readBodies(reader: WasmReader, module: ValidatedModule, limits: SandboxLimits): FunctionBody[] {
  const maxResults = Math.max(1, ...module.types.map((t) => t.results.length));
  return readVector(reader, (index) => {
    const size = reader.u32();
    const start = reader.pos;
    const end = start + size;
    reader.take(size);
    const body = new WasmReader(reader.bytes, start, end);
    const where = `function #${index}`;
    let localCount = 0;
    for (const group of readVector(body, () => ({ count: body.u32(), type: body.u8() }))) {
      checkValType(group.type, `locals of ${where}`);
      localCount += group.count;
      if (localCount > limits.maxStackSlots) throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `${where} declares more than ${limits.maxStackSlots} locals`);
    }
    const localsEnd = body.pos;
    const instructions: Instruction[] = [];
    while (!body.atEnd) instructions.push(readInstruction(body, where));
    const type = module.types[module.functionTypes[index] ?? -1];
    if (!type) throw new ExecutorError("WASM_MALFORMED", `${where} has no type`);
    const frameSlots = frameSlotsOf(type, localCount, instructions.length, maxResults);
    if (frameSlots > limits.maxStackSlots) {
      throw new ExecutorError("WASM_FEATURE_FORBIDDEN", `${where} may need ${frameSlots} stack slots; one frame may use at most ${limits.maxStackSlots}`);
    }
    return { start, end, localsEnd, localCount, instructions, frameSlots };
  });
}

/**
 * A static upper bound of one activation's stack use, in value slots: overhead + parameters + locals +
 * operand stack height. No instruction pushes more than `maxResults` values, and a valid body's operand
 * stack is never higher than the sum of its pushes, so `instructions * maxResults` bounds it. Charging
 * this bound per call makes stack exhaustion a deterministic trap instead of an engine-specific RangeError.
 */
export function frameSlotsOf(type: FuncType, localCount: number, instructionCount: number, maxResults: number): number {
  return FRAME_OVERHEAD_SLOTS + type.params.length + localCount + instructionCount * maxResults;
}

function checkAbiExports(module: ValidatedModule): void {
  const byName = new Map(module.exports.map((e) => [e.name, e]));
  for (const e of module.exports) {
    if (e.name.startsWith(RESERVED_EXPORT_PREFIX)) throw new ExecutorError("WASM_ABI_MISMATCH", `export ${JSON.stringify(e.name)} uses the reserved prefix ${RESERVED_EXPORT_PREFIX}`);
  }
  const memory = byName.get(AbiExport.Memory);
  if (!memory || memory.kind !== ExternalKind.Memory) throw new ExecutorError("WASM_ABI_MISMATCH", `missing memory export "${AbiExport.Memory}"`);
  expectFunction(module, byName.get(AbiExport.InputPtr), AbiExport.InputPtr, { params: [], results: [0x7f] });
  expectFunction(module, byName.get(AbiExport.Run), AbiExport.Run, { params: [0x7f], results: [0x7f] });
}

function expectFunction(module: ValidatedModule, entry: ExportEntry | undefined, name: string, want: FuncType): void {
  const type = entry && entry.kind === ExternalKind.Func ? module.types[module.functionTypes[entry.index] ?? -1] : undefined;
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!type || !same(type.params, want.params) || !same(type.results, want.results)) {
    const sig = `(${want.params.map(() => "i32").join(", ")}) -> i32`;
    throw new ExecutorError("WASM_ABI_MISMATCH", `missing function export "${name}" of type ${sig}`);
  }
}
