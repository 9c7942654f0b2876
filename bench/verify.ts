/**
 * `verify_execution_ms_p50` (issue 5): the `nsf verify` core — gather the public data over JSON-RPC and an Arweave
 * gateway, run every check including the WASM replay — for one execution, against a separately started hardhat
 * node and a real arlocal, both local processes. The execution is located by its id (JobRequested, then the
 * batches anchored after it), so the figure includes the search a monitor's first query pays.
 *
 * Setup: the verification test world (test/verify/verifyFixture.ts: network, flood clause with its real code hash,
 * five attested enclaves, two DAO-requested jobs, CACs signed over the real module's output), one batch per job
 * archived on arlocal and anchored with its locator. One warm-up run (module compile, connections) is excluded.
 *
 * Run alone: `sh scripts/with-node22.sh tsx bench/verify.ts [runs]`; `npm run bench` includes it.
 */
import { realpathSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import hre from "hardhat";
import { createPublicClient, http, type PublicClient } from "viem";
import { startLocalArweave } from "../relayer/archive/startLocalArweave.js";
import type { DevConnection } from "../relayer/devnet/connection.js";
import { startLocalNode } from "../relayer/devnet/localNode.js";
import { exampleClauseDir } from "../relayer/devnet/setUpDevNetwork.js";
import { createDirectoryCodeSource } from "../relayer/verify/createDirectoryCodeSource.js";
import { createGatewayArweaveSource } from "../relayer/verify/createGatewayArweaveSource.js";
import { createRpcChainSource } from "../relayer/verify/createRpcChainSource.js";
import { createSandboxReplayer } from "../relayer/verify/createSandboxReplayer.js";
import { verifyFromPublicData } from "../relayer/verify/verifyFromPublicData.js";
import { arlocalArchive } from "../test/verify/arlocalArchive.js";
import { agreedResultOf, anchorProposal, proposalOf, verifyFixture } from "../test/verify/verifyFixture.js";

export type VerifyBenchResult = { metrics: Record<string, number>; units: Record<string, string>; notes: Record<string, string> };

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const round1 = (x: number) => Math.round(x * 10) / 10;

export async function runVerifyBench(options: { runs?: number } = {}): Promise<VerifyBenchResult> {
  const runs = options.runs ?? 20;
  await hre.tasks.getTask("build").run({ quiet: true, noTests: true });
  const node = await startLocalNode({ cwd: ROOT });
  const gateway = await startLocalArweave();
  const deploymentId = `bench-verify-${node.port}`;
  try {
    const connection = (await hre.network.create({ network: "localhost", override: { url: node.url } })) as unknown as DevConnection;
    const f = await verifyFixture(connection, { deploymentId });
    const archive = await arlocalArchive(gateway);
    await anchorProposal(f, await proposalOf(f, [await agreedResultOf(f, 0)]), archive);
    await anchorProposal(f, await proposalOf(f, [await agreedResultOf(f, 1)], 2n), archive);

    const client = createPublicClient({ transport: http(node.url), cacheTime: 0 }) as PublicClient;
    const replay = createSandboxReplayer();
    const subject = { kind: "execution" as const, jobId: f.jobs[1]!.jobId };
    // Fresh chain, gateway and code adapters per run (no cached reads); the replayer (compiled module cache) is shared.
    const once = async () => {
      const started = performance.now();
      const report = await verifyFromPublicData(subject, {
        sources: { chain: createRpcChainSource({ client }), arweave: createGatewayArweaveSource({ gateway: gateway.url }), code: createDirectoryCodeSource([exampleClauseDir("flood-payout")]) },
        rollupAnchor: f.network.addresses.rollupAnchor,
        replay,
      });
      if (report.verdict !== "valid") throw new Error(`benchmark execution did not verify: ${JSON.stringify(report.failed)}`);
      return { ms: performance.now() - started, checks: report.checks.length };
    };
    const warmUp = await once();
    const times: number[] = [];
    let checks = 0;
    for (let i = 0; i < runs; i++) {
      const r = await once();
      times.push(r.ms);
      checks = r.checks;
    }
    await replay.close();
    times.sort((a, b) => a - b);
    return {
      metrics: { verify_execution_ms_p50: round1(percentile(times, 50)), verify_execution_ms_p95: round1(percentile(times, 95)) },
      units: { verify_execution_ms_p50: "ms", verify_execution_ms_p95: "ms" },
      notes: {
        verify_execution_ms_p50:
          `nsf verify core (relayer/verify/verifyFromPublicData) of one execution located by its id: ${checks} checks incl. aggregator and CAC signature recovery and the WASM replay; ` +
          `separate hardhat node (JSON-RPC over HTTP) and arlocal on this machine, second of two anchored batches; ${runs} runs after one warm-up (${Math.round(warmUp.ms)} ms, excluded); ` +
          `the WASM module is compiled in the warm-up and cached by the shared replayer; excludes process start (tsx + module loading) of the CLI.`,
      },
    };
  } finally {
    await gateway.stop();
    await node.stop();
    rmSync(path.join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (isMain) {
  const result = await runVerifyBench({ runs: Number(process.argv[2] ?? 20) });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}
