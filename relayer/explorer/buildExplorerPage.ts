import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { NsfError } from "../core/errors/NsfError.js";

export const EXPLORER_WEB_DIR = fileURLToPath(new URL("./web/", import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Builds the explorer page with Vite into `outDir` unless a build there is newer than every source file (the page's
 * own and the API types it imports). Returns the directory and whether it built.
 */
export async function buildExplorerPage(parameters: { outDir: string; force?: boolean }): Promise<{ outDir: string; built: boolean; ms: number }> {
  const outDir = path.resolve(parameters.outDir);
  const index = path.join(outDir, "index.html");
  const sources = Math.max(newestSource(EXPLORER_WEB_DIR), statSync(fileURLToPath(new URL("./server/ExplorerApi.ts", import.meta.url))).mtimeMs);
  if (!parameters.force && existsSync(index) && statSync(index).mtimeMs > sources) return { outDir, built: false, ms: 0 };
  const started = performance.now();
  try {
    const { build } = await import("vite");
    await build({ configFile: path.join(EXPLORER_WEB_DIR, "vite.config.ts"), build: { outDir } });
  } catch (cause) {
    throw new NsfError("NSF_EXPLORER_BUILD_FAILED", { shortMessage: `the explorer page did not build: ${cause instanceof Error ? cause.message.split("\n")[0] : String(cause)}`, cause });
  }
  return { outDir, built: true, ms: Math.round(performance.now() - started) };
}

/** What the browser downloads: every file of a built page, raw and gzip-compressed (level 9). */
export function pageSize(outDir: string): { files: { file: string; bytes: number; gzipBytes: number }[]; bytes: number; gzipBytes: number } {
  const files: { file: string; bytes: number; gzipBytes: number }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const data = readFileSync(full);
        files.push({ file: path.relative(outDir, full), bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length });
      }
    }
  };
  walk(outDir);
  return { files, bytes: files.reduce((a, f) => a + f.bytes, 0), gzipBytes: files.reduce((a, f) => a + f.gzipBytes, 0) };
}
