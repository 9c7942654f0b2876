// `npm run explorer:build [-- <outDir>]`: builds the explorer page with Vite (nsf explorer also builds it on start
// when it is missing or older than its sources) and prints the size of what the browser downloads.
import path from "node:path";
import { buildExplorerPage, pageSize } from "../relayer/explorer/buildExplorerPage.js";

const result = await buildExplorerPage({ outDir: process.argv[2] ?? path.join(".nsf", "explorer-web"), force: true });
const size = pageSize(result.outDir);
for (const f of size.files) process.stdout.write(`${f.file.padEnd(40)} ${String(f.bytes).padStart(8)} B  ${String(f.gzipBytes).padStart(7)} B gzip\n`);
process.stdout.write(`${"total".padEnd(40)} ${String(size.bytes).padStart(8)} B  ${String(size.gzipBytes).padStart(7)} B gzip  (built in ${result.ms} ms into ${result.outDir})\n`);
