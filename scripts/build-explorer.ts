// `npm run explorer:build [-- <outDir>]`: builds the explorer page with Vite (nsf explorer also builds it on start
// when it is missing or older than its sources) and prints the size of what the browser downloads.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { buildExplorerPage } from "../relayer/explorer/buildExplorerPage.js";

const outDir = process.argv[2] ?? path.join(".nsf", "explorer-web");
const result = await buildExplorerPage({ outDir, force: true });
let raw = 0;
let gz = 0;
const walk = (dir: string) => {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) walk(full);
    else {
      const bytes = readFileSync(full);
      raw += bytes.length;
      gz += gzipSync(bytes, { level: 9 }).length;
      process.stdout.write(`${path.relative(result.outDir, full).padEnd(40)} ${String(bytes.length).padStart(8)} B  ${String(gzipSync(bytes, { level: 9 }).length).padStart(7)} B gzip\n`);
    }
  }
};
walk(result.outDir);
process.stdout.write(`${"total".padEnd(40)} ${String(raw).padStart(8)} B  ${String(gz).padStart(7)} B gzip  (built in ${result.ms} ms into ${result.outDir})\n`);
