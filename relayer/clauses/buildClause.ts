import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import asc from "assemblyscript/asc";
import type { Hex } from "viem";
import { sha256Of } from "../core/formats/ids.js";
import { ExecutorError } from "../executor/errors/ExecutorError.js";
import { prepareClauseModule } from "../executor/sandbox/prepareClauseModule.js";
import { DEFAULT_SANDBOX_LIMITS } from "../executor/sandbox/sandboxLimits.js";
import { parseClauseManifest, type BuiltClauseManifest, type ClauseManifest } from "./clauseManifest.js";

/**
 * The exact compiler flags of every clause build. Changing one changes every code hash, which is a
 * registry event (new clause versions), so they live in one place and the tests pin the resulting hashes.
 *
 * - `--runtime stub`: a bump allocator that never frees; clauses are short-lived and the SDK allocates nothing.
 * - `--use abort=`: `abort` becomes a trap instead of an `env.abort` import (the ABI has no imports).
 * - `--initialMemory/--maximumMemory`: the manifest's pages, so `memory.grow` beyond them fails in the sandbox.
 * - `--disable nontrapping-f2i`: one float feature less for the compiler to reach for.
 * - `-O3`, no debug info, no source map, no names section: output depends only on source and compiler version.
 * - Assertions are kept (no `--noAssert`): a clause's `assert` is an input guard, and removing it would
 *   change what the clause accepts. They trap like `unreachable()` thanks to `--use abort=`.
 */
export function clauseCompilerFlags(manifest: Pick<ClauseManifest, "entry" | "name" | "limits">): string[] {
  const pages = String(manifest.limits.memoryPages);
  return [
    manifest.entry,
    "--outFile", `${manifest.name}.wasm`,
    "--runtime", "stub",
    "--optimizeLevel", "3",
    "--shrinkLevel", "0",
    "--use", "abort=",
    "--initialMemory", pages,
    "--maximumMemory", pages,
    "--disable", "nontrapping-f2i",
    "--noColors",
  ];
}

/**
 * Compiles a clause directory's entry with the AssemblyScript compiler, in memory. Paths are passed
 * relative to the clause directory, so the bytes do not depend on where the repository is checked out.
 */
export async function compileClause(dir: string, manifest: ClauseManifest): Promise<Uint8Array> {
  const outputs = new Map<string, Uint8Array | string>();
  const stdout = asc.createMemoryStream();
  const stderr = asc.createMemoryStream();
  const result = await asc.main(clauseCompilerFlags(manifest), {
    stdout,
    stderr,
    readFile: async (filename, baseDir) => {
      try {
        return await readFile(resolve(dir, baseDir, filename), "utf8");
      } catch {
        return null;
      }
    },
    writeFile: (filename, contents) => {
      outputs.set(filename, contents);
    },
    listFiles: () => [],
  });
  const wasm = outputs.get(`${manifest.name}.wasm`);
  if (result.error || !(wasm instanceof Uint8Array)) {
    throw new ExecutorError("CLAUSE_BUILD_FAILED", `${manifest.clauseId}: ${result.error?.message ?? "no output"}\n${stderr.toString().trim()}`, {
      cause: result.error,
    });
  }
  return wasm;
}

export type ClauseBuild = { manifest: BuiltClauseManifest; wasm: Uint8Array; codeHash: Hex; wasmPath: string; manifestPath: string };

/**
 * `nsf clause build <dir>`: reads `<dir>/clause.json`, compiles, checks the module passes the sandbox
 * (validation + metering, so a float or an import fails the build, not a job), and writes
 * `<dir>/build/<name>.wasm` and `<dir>/build/manifest.json` with `codeHash = sha256(wasm)` (docs/FORMATS.md §1).
 */
export async function buildClause(dir: string): Promise<ClauseBuild> {
  const source = parseClauseManifest(JSON.parse(await readFile(join(dir, "clause.json"), "utf8")), "source");
  const wasm = await compileClause(dir, source);
  prepareClauseModule(wasm, DEFAULT_SANDBOX_LIMITS);
  const codeHash = sha256Of(wasm);
  const manifest = parseClauseManifest({ ...source, wasm: `${source.name}.wasm`, codeHash }, "built");
  const outDir = join(dir, "build");
  await mkdir(outDir, { recursive: true });
  const wasmPath = join(outDir, manifest.wasm);
  const manifestPath = join(outDir, "manifest.json");
  await writeFile(wasmPath, wasm);
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, wasm, codeHash, wasmPath, manifestPath };
}
