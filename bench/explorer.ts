import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildExplorerPage, pageSize } from "../relayer/explorer/buildExplorerPage.js";

/**
 * The explorer page's weight (issue 10: "keep the bundle small"): bytes the browser downloads, raw and gzip, and the
 * Vite build time (machine- and load-dependent). Runnable alone: `sh scripts/with-node22.sh tsx bench/explorer.ts`.
 */
export async function runExplorerBench() {
  const outDir = mkdtempSync(path.join(tmpdir(), "nsf-explorer-bench-"));
  try {
    const built = await buildExplorerPage({ outDir, force: true });
    const size = pageSize(outDir);
    return {
      metrics: { explorer_page_bytes: size.bytes, explorer_page_gzip_bytes: size.gzipBytes, explorer_page_build_ms: built.ms },
      units: { explorer_page_bytes: "bytes", explorer_page_gzip_bytes: "bytes", explorer_page_build_ms: "ms" },
      notes: { explorer_page_gzip_bytes: `React 19 + react-dom + uPlot + the page; ${size.files.map((f) => `${f.file} ${f.gzipBytes} B gzip`).join(", ")}` },
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${JSON.stringify(await runExplorerBench(), null, 2)}\n`);
