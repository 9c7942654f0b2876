/**
 * The Arweave archive (ADR 0012) against a real arlocal: what the anchor pays for it (`prepare`: build and RSA-sign
 * the Arweave transaction over the bundle bytes and persist it — the only archive step on the anchor's path) and
 * what an upload takes once the gateway answers (post + mine + status check, `tick` until confirmed).
 * Runnable alone: `sh scripts/with-node22.sh tsx bench/archive.ts [bundles] [resultsPerBundle]`.
 */
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { keccak256, toBytes, type Hex } from "viem";
import { archiveMigrations, createArchiveStore } from "../relayer/archive/archiveStore.js";
import { createArchiver } from "../relayer/archive/createArchiver.js";
import { loadArweaveWallet } from "../relayer/archive/loadArweaveWallet.js";
import { startLocalArweave } from "../relayer/archive/startLocalArweave.js";
import { createCommon } from "../relayer/common/Common.js";
import { buildBatchBundle, bundleBytes, bundleHashOf, type BundleEntry } from "../relayer/core/batching/batchBundle.js";
import { canonicalJson } from "../relayer/core/formats/canonicalJson.js";
import { batchMigrations, createBatchStore, type BatchStore } from "../relayer/store/batchStore.js";
import { openDatabase } from "../relayer/store/openDatabase.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const h = (s: string) => keccak256(toBytes(s));

export type ArchiveBenchResult = { metrics: Record<string, number>; units: Record<string, string>; notes: Record<string, string> };

/** A sealed batch of `results` synthetic results with ~1 KB of CAC JSON each (the archiver moves bytes, not meaning). */
function seal(store: BatchStore, batchSeq: bigint, results: number): number {
  const entries: BundleEntry[] = Array.from({ length: results }, (_, i) => ({
    result: {
      jobId: h(`job ${batchSeq} ${i}`),
      clauseId: h("clause"),
      clauseRef: "UNDRR::Disaster::FloodPayout@1.0.0",
      tenantId: h(`tenant ${i % 4}`),
      dao: "0x000000000000000000000000000000000000dA0A",
      jurisdiction: "KEN",
      inputHash: h(`in ${i}`),
      outputHash: h("out"),
      output: `0x${"ab".repeat(64)}`,
      inputBundle: { schema: "nsf.inputs/1", values: { rainfall: String(i) } },
      cacs: [0, 1, 2].map((k) => ({ signer: `0x${String(k + 1).padStart(40, "0")}`, cac: {} as never, digest: h(`d ${k}`), signature: `0x${"11".repeat(65)}`, json: { k, pad: "x".repeat(300) } })),
      agreedAt: 1_700_000_000n,
    },
    leaf: { jobId: h(`job ${batchSeq} ${i}`), resultSeq: BigInt(i + 1), clauseId: h("clause"), tenantId: h(`tenant ${i % 4}`), inputHash: h(`in ${i}`), outputHash: h("out"), cacSetHash: h("set") },
    leafHash: h(`leaf ${i}`),
    proof: Array.from({ length: 8 }, (_, d) => h(`sibling ${i} ${d}`)),
  }));
  const bundle = buildBatchBundle({ chainId: 31337n, rollupAnchor: "0x5FbDB2315678afecb367f032d93F642f64180aa3", batchSeq, firstSeq: 1n, lastSeq: BigInt(results), prevCommitment: h("p"), configDigest: h("c"), root: h(`root ${batchSeq}`) }, entries);
  const bytes = bundleBytes(bundle);
  store.openBatch(batchSeq);
  store.sealBatch({ batchSeq, header: { batchSeq, firstSeq: 1n, lastSeq: BigInt(results), count: BigInt(results), root: h(`root ${batchSeq}`), prevCommitment: h("p"), bundleHash: bundleHashOf(bytes) as Hex, configDigest: h("c") }, bundleJson: canonicalJson(bundle), assignments: [] });
  return bytes.length;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
const round = (x: number) => Math.round(x * 100) / 100;

export async function runArchiveBench(options: { bundles?: number; resultsPerBundle?: number } = {}): Promise<ArchiveBenchResult> {
  const bundles = options.bundles ?? 12;
  const results = options.resultsPerBundle ?? 64;
  const dir = mkdtempSync(path.join(tmpdir(), "nsf-archive-bench-"));
  const gateway = await startLocalArweave();
  try {
    const wallet = await loadArweaveWallet(path.join(ROOT, "relayer/devnet/devArweaveWallet.json"));
    await gateway.mint(await gateway.arweave.wallets.jwkToAddress(wallet));
    const database = openDatabase({ file: path.join(dir, "relayer.sqlite"), migrations: { batches: batchMigrations, archive: archiveMigrations } });
    const batches = createBatchStore({ database });
    const archiver = createArchiver({ common: createCommon({ logLevel: "silent" }), store: createArchiveStore({ database }), batches, arweave: gateway.arweave, wallet, pollMs: 1 });
    await archiver.tick();
    const prepare: number[] = [];
    const upload: number[] = [];
    let bytes = 0;
    for (let i = 1; i <= bundles; i++) {
      bytes = seal(batches, BigInt(i), results);
      let t = performance.now();
      await archiver.prepare(BigInt(i));
      prepare.push(performance.now() - t);
      t = performance.now();
      while (archiver.uploadOf(BigInt(i))?.state !== "confirmed") {
        await archiver.tick();
        await gateway.mine();
      }
      upload.push(performance.now() - t);
    }
    database.close();
    prepare.sort((a, b) => a - b);
    upload.sort((a, b) => a - b);
    return {
      metrics: { archive_prepare_p50_ms: round(pct(prepare, 0.5)), archive_prepare_max_ms: round(prepare.at(-1)!), archive_upload_confirm_p50_ms: round(pct(upload, 0.5)), archive_bundle_bytes: bytes },
      units: { archive_prepare_p50_ms: "ms", archive_prepare_max_ms: "ms", archive_upload_confirm_p50_ms: "ms", archive_bundle_bytes: "bytes" },
      notes: {
        archive_prepare_p50_ms: `build + RSA-4096 sign + persist the Arweave transaction of one ${results}-result bundle: the only archive step before the anchor (${bundles} bundles)`,
        archive_upload_confirm_p50_ms: "post to arlocal, mine a block, status check until confirmed (local gateway; a real gateway adds network and block time)",
      },
    };
  } finally {
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isMain) {
  const result = await runArchiveBench({ bundles: Number(process.argv[2] ?? 12), resultsPerBundle: Number(process.argv[3] ?? 64) });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
