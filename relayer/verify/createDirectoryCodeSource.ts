import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { Hex } from "viem";
import { absent, found, type ClauseCode, type Fetched } from "../core/verify/ExecutionEvidence.js";
import { loadBuiltClause } from "../executor/clauseStore/loadBuiltClause.js";

/** Where `nsf verify` finds a clause's module by its registered code hash (the chain holds only the hash). */
export type CodeSource = { byCodeHash(codeHash: Hex): Promise<Fetched<ClauseCode>> };

/**
 * Built clause directories (`nsf clause build` output: build/manifest.json + the module). A directory without a
 * clause.json is searched one level down (e.g. clauses/examples). The module's sha-256 must equal the registered
 * code hash, which `verifyEvidence` checks again: a directory is a place to look, never an authority.
 */
export function createDirectoryCodeSource(dirs: readonly string[]): CodeSource {
  let index: Promise<Map<string, ClauseCode>> | undefined;
  async function clauseDirs(dir: string): Promise<string[]> {
    if (await exists(path.join(dir, "clause.json"))) return [dir];
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const found: string[] = [];
    for (const e of entries) if (e.isDirectory() && (await exists(path.join(dir, e.name, "build", "manifest.json")))) found.push(path.join(dir, e.name));
    return found;
  }
  async function build(): Promise<Map<string, ClauseCode>> {
    const byHash = new Map<string, ClauseCode>();
    for (const dir of dirs) {
      for (const clauseDir of await clauseDirs(dir)) {
        try {
          const { manifest, wasm } = await loadBuiltClause(clauseDir);
          byHash.set(manifest.codeHash.toLowerCase(), { wasm, manifest, origin: `${manifest.clauseId} (${path.relative(process.cwd(), clauseDir) || "."})` });
        } catch {
          // Not built, or not a clause: nothing to offer from here.
        }
      }
    }
    return byHash;
  }
  return {
    async byCodeHash(codeHash) {
      index ??= build();
      const code = (await index).get(codeHash.toLowerCase());
      return code ? found(code) : absent(`no built clause with code hash ${codeHash} in ${dirs.join(", ") || "(no directories)"}`);
    },
  };
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
