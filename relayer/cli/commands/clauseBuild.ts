import { relative } from "node:path";
import { buildClause } from "../../clauses/buildClause.js";

/** `nsf clause build <dir...>`: one JSON line per clause (id, code hash, output paths). */
export async function runClauseBuild(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    const built = await buildClause(dir);
    process.stdout.write(
      `${JSON.stringify({
        clauseId: built.manifest.clauseId,
        codeHash: built.codeHash,
        bytes: built.wasm.length,
        wasm: relative(process.cwd(), built.wasmPath),
        manifest: relative(process.cwd(), built.manifestPath),
      })}\n`,
    );
  }
}
