import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseClauseManifest, type BuiltClauseManifest } from "../../clauses/clauseManifest.js";

/** Reads `<dir>/build/manifest.json` and the module it names (the output of `nsf clause build <dir>`). */
export async function loadBuiltClause(dir: string): Promise<{ manifest: BuiltClauseManifest; wasm: Uint8Array }> {
  const buildDir = join(dir, "build");
  const manifest = parseClauseManifest(JSON.parse(await readFile(join(buildDir, "manifest.json"), "utf8")), "built");
  const wasm = new Uint8Array(await readFile(join(buildDir, manifest.wasm)));
  return { manifest, wasm };
}
