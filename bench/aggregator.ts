/**
 * Aggregator benchmarks (issue 4):
 *
 *  - `aggregator_cacs_per_s`: the aggregator's per-CAC hot path over 1,024 results × 3 CACs, end to end: every
 *    CAC's EIP-712 digest and signature recovery (native libsecp256k1, keccak in WASM), signer order,
 *    cacSetHash and leaf per result — split over worker threads (one per core) — then the batch tree and every
 *    proof on the main thread. Reported as CACs verified per second (the median of 5 runs).
 *  - `aggregator_cacs_per_s_purejs`: the same work on one thread with @noble/curves + @noble/hashes (the
 *    pure-JS baseline), measured in the same run on a smaller sample (it is ~40× slower).
 *  - `batch_seal_1024_ms` / `batch_seal_100k_ms`: building the merkletreejs tree (OpenZeppelin layout) and all
 *    proofs from the leaf hashes, median of runs. Leaf hashing is part of the per-CAC figure above.
 *
 * Run: `sh scripts/with-node22.sh tsx bench/aggregator.ts` (prints JSON). `bench/run.ts` merges the metrics.
 */
import { createRequire } from "node:module";
import os from "node:os";
import { realpathSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { getAddress, keccak256, toBytes, type Address, type Hex } from "viem";
import { loadFastKeccak } from "../relayer/aggregator/crypto/loadFastKeccak.js";
import { tryNativeRecoverSigner } from "../relayer/aggregator/crypto/nativeSecp256k1.js";
import { verifyResultBatch, type CompactResult } from "../relayer/aggregator/crypto/verifyResultBatch.js";
import { buildBatchTree } from "../relayer/core/batching/batchTree.js";
import { createCacDigester } from "../relayer/core/batching/cacDigestFast.js";
import { bytesToHexFast, hexToBytesFast, nobleKeccak, type Keccak } from "../relayer/core/batching/hashing.js";
import { addressOfPublicKey, createNobleRecoverSigner } from "../relayer/core/batching/recoverSigner.js";
import type { Cac, Deployment } from "../relayer/core/formats/eip712.js";

export type BenchSection = { metrics: Record<string, number>; units: Record<string, string>; notes: Record<string, string> };

const ANCHOR: Deployment = { chainId: 31337n, address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
const RESULTS = 1024;
const K = 3;

type NativeSign = { ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number }; publicKeyCreate(key: Uint8Array, compressed: boolean): Uint8Array };

function makeResults(count: number, keccak: Keccak): CompactResult[] {
  const native = createRequire(import.meta.url)("secp256k1") as NativeSign;
  const keys = Array.from({ length: 5 }, (_, i) => hexToBytesFast(keccak256(toBytes(`bench executor ${i}`))));
  const signers = keys
    .map((key) => ({ key, address: getAddress(bytesToHexFast(addressOfPublicKey(native.publicKeyCreate(key, false), keccak))) as Address }))
    .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  const digestOf = createCacDigester(ANCHOR, keccak);
  const h = (label: string) => keccak256(toBytes(label));
  return Array.from({ length: count }, (_, i) => {
    const jobId = h(`job ${i}`);
    const base = { jobId, clauseId: h("clause"), clauseVersion: 2 ** 32, codeHash: h("code"), tenantId: h("tenant"), attempt: 1, inputHash: h(`in ${i}`), outputHash: h("out"), configDigest: h("cfg"), timestamp: 1_700_000_000n + BigInt(i) };
    const cacs = signers.slice(i % 3, (i % 3) + K).map((s) => {
      const cac: Cac = { ...base, runtimeHash: h(`runtime ${s.address}`) };
      const { signature, recid } = native.ecdsaSign(digestOf(cac), s.key);
      return { signer: s.address, cac, signature: `${bytesToHexFast(signature)}${(27 + recid).toString(16)}` as Hex };
    });
    return { jobId, resultSeq: BigInt(i + 1), clauseId: base.clauseId, tenantId: base.tenantId, inputHash: base.inputHash, outputHash: base.outputHash, cacs };
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function startWorkers(count: number): Promise<Worker[]> {
  const url = new URL("./aggregatorWorkerEntry.mjs", import.meta.url);
  return Promise.all(
    Array.from({ length: count }, () => new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(url);
      worker.once("message", () => resolve(worker));
      worker.once("error", reject);
    })),
  );
}

async function verifyParallel(workers: Worker[], results: CompactResult[]): Promise<Uint8Array[]> {
  const chunk = Math.ceil(results.length / workers.length);
  const parts = await Promise.all(
    workers.map((worker, w) => new Promise<Uint8Array>((resolve, reject) => {
      worker.once("message", (reply: { leaves?: Uint8Array; failedAt?: number }) => (reply.leaves ? resolve(reply.leaves) : reject(new Error(`result ${w * chunk + reply.failedAt!} failed verification`))));
      worker.postMessage({ id: w, anchor: ANCHOR, results: results.slice(w * chunk, (w + 1) * chunk) });
    })),
  );
  const leaves: Uint8Array[] = [];
  for (const packed of parts) for (let i = 0; i < packed.length; i += 32) leaves.push(packed.subarray(i, i + 32));
  return leaves;
}

export async function runAggregatorBench(): Promise<BenchSection> {
  const keccak = await loadFastKeccak();
  const native = tryNativeRecoverSigner(keccak);
  if (!native) throw new Error("the secp256k1 native prebuild did not load on this platform");
  const results = makeResults(RESULTS, keccak);
  const cacCount = RESULTS * K;

  const cores = Math.max(1, os.availableParallelism());
  const workers = await startWorkers(cores);
  try {
    await verifyParallel(workers, results); // warm-up (JIT, WASM)
    const runs: number[] = [];
    let root = "";
    for (let r = 0; r < 5; r++) {
      const start = performance.now();
      const leaves = await verifyParallel(workers, results);
      root = buildBatchTree(leaves, keccak).root;
      runs.push(performance.now() - start);
    }
    const parallelMs = median(runs);

    // Pure-JS baseline, same work, one thread, a smaller sample.
    const sample = results.slice(0, 64);
    const nobleRecover = createNobleRecoverSigner(nobleKeccak);
    verifyResultBatch(sample.slice(0, 4), ANCHOR, nobleKeccak, nobleRecover);
    const pureStart = performance.now();
    const pure = verifyResultBatch(sample, ANCHOR, nobleKeccak, nobleRecover);
    if ("failedAt" in pure) throw new Error("pure-JS verification failed");
    buildBatchTree(pure.leafHashes, nobleKeccak);
    const pureMs = performance.now() - pureStart;

    // Native on one thread, for the note (what the workers add).
    const singleStart = performance.now();
    const single = verifyResultBatch(results, ANCHOR, keccak, native);
    if ("failedAt" in single) throw new Error("native verification failed");
    if (buildBatchTree(single.leafHashes, keccak).root !== root) throw new Error("parallel and single-thread roots differ");
    const singleMs = performance.now() - singleStart;

    const leafSet = (n: number) => Array.from({ length: n }, (_, i) => keccak(toBytes(`leaf ${i}`)));
    const seal = (leaves: Uint8Array[], times: number) => {
      buildBatchTree(leaves, keccak);
      const samples: number[] = [];
      for (let i = 0; i < times; i++) {
        const start = performance.now();
        buildBatchTree(leaves, keccak);
        samples.push(performance.now() - start);
      }
      return median(samples);
    };
    const seal1024 = seal(leafSet(1024), 31);
    const seal100k = seal(leafSet(100_000), 5);

    const perS = (n: number, ms: number) => Math.round((n / ms) * 1000);
    return {
      metrics: {
        aggregator_cacs_per_s: perS(cacCount, parallelMs),
        aggregator_cacs_per_s_purejs: perS(sample.length * K, pureMs),
        aggregator_cacs_per_s_native_1thread: perS(cacCount, singleMs),
        batch_seal_1024_ms: Math.round(seal1024 * 100) / 100,
        batch_seal_100k_ms: Math.round(seal100k),
      },
      units: {
        aggregator_cacs_per_s: "CACs verified per second (digest + signature + leaf + tree + proofs)",
        aggregator_cacs_per_s_purejs: "CACs verified per second",
        aggregator_cacs_per_s_native_1thread: "CACs verified per second",
        batch_seal_1024_ms: "ms",
        batch_seal_100k_ms: "ms",
      },
      notes: {
        aggregator: `${RESULTS} results × ${K} CACs, ${workers.length} worker threads (native libsecp256k1 recovery, hash-wasm keccak), tree + ${RESULTS} proofs on the main thread; median of 5 runs. Pure-JS baseline: @noble/curves + @noble/hashes, one thread, ${sample.length} results. Per-batch chain reads of the co-signers (clause facts, node activity) and CAC JSON re-hashing are not in this figure.`,
        batch_seal: "merkletreejs (complete tree, OpenZeppelin StandardMerkleTree layout: same root and proofs) + every proof as hex, from leaf hashes, hash-wasm keccak; median of 31 (1,024) and 5 (100k) runs",
      },
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

if (process.argv[1] && pathToFileURL(realpathSync(process.argv[1])).href === pathToFileURL(realpathSync(fileURLToPath(import.meta.url))).href) {
  console.log(JSON.stringify(await runAggregatorBench(), null, 2));
}
