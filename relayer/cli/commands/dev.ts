import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { createPublicClient, http, parseEther, type Address, type Hex, type PublicClient } from "viem";
import { createCommon } from "../../common/Common.js";
import { resolveRelayerConfig } from "../../config/relayerConfig.js";
import type { BatchBundle } from "../../core/batching/batchBundle.js";
import { executionProofOf } from "../../core/batching/executionProof.js";
import { NsfError } from "../../core/errors/NsfError.js";
import { decodeClauseOutput } from "../../core/formats/output.js";
import type { DevConnection } from "../../devnet/connection.js";
import { devDeploymentOf } from "../../devnet/devDeployment.js";
import { devRelayerConfig, devSubmitter } from "../../devnet/devRelayerConfig.js";
import { nsfVerifyCommand, renderDevSummary, usdc, type DevSummary } from "../../devnet/devSummary.js";
import { startLocalNode, type LocalNode } from "../../devnet/localNode.js";
import { createLineProgress } from "../../devnet/progress.js";
import { provePayout } from "../../devnet/provePayout.js";
import { exampleClauseDir, FLOOD, PANDEMIC, setUpDevNetwork } from "../../devnet/setUpDevNetwork.js";
import { startDevExecutors, type DevExecutor } from "../../devnet/startDevExecutors.js";
import { performSensorUpkeep, requestJobThroughGovernance } from "../../devnet/triggers.js";
import { waitForAnchors } from "../../devnet/waitForAnchors.js";
import { runZkFloodPayout, ZK_FLOOD, ZK_NODE_CLAUSES } from "../../devnet/zkFloodPayout.js";
import { releaseSnarkjsCurve } from "../../zk/releaseSnarkjsCurve.js";
import { exportTenantAudits } from "../../devnet/tenantAuditExports.js";
import { createRelayer, type Relayer } from "../../relayer/createRelayer.js";
import { startLocalArweave, type LocalArweave } from "../../archive/startLocalArweave.js";
import { loadArweaveWallet } from "../../archive/loadArweaveWallet.js";
import { DEV_ARWEAVE_WALLET_FILE } from "../../devnet/devRelayerConfig.js";
import { createExplorerVerifier } from "../../explorer/createExplorerVerifier.js";
import { createGatewayArweaveSource } from "../../verify/createGatewayArweaveSource.js";
import type { ExplorerServer } from "../../explorer/server/createExplorerServer.js";
import { explorerContractsOf, startExplorer } from "../../explorer/startExplorer.js";

export type DevOptions = {
  /** Where the run's files go (relayer database, input documents, config, logs, summary). */
  out: string;
  executors: number;
  blockTimeMs: number;
  batchWindowMs: number;
  timeoutSeconds: number;
  /** After the summary, keep the network up until Ctrl-C. */
  keepRunning: boolean;
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const STEPS = 15;

class Interrupted extends NsfError {
  constructor(signal: string) {
    super("NSF_DEV_INTERRUPTED", { shortMessage: `interrupted (${signal}): shutting down` });
  }
}

/** Rejects as soon as `signal` aborts; the abandoned promise's own failure (the node is going away) is swallowed. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/**
 * `nsf dev`: the whole network on this machine, end to end (the composition root of the README's main command).
 * Compiles the contracts, starts `hardhat node` as a child process, deploys and governs the network
 * (setUpDevNetwork), starts real executor nodes and registers them through the attestation validators, starts
 * the relayer (pipeline + aggregator, the same `createRelayer` as `nsf relayer start`), fires a sensor trigger
 * (Automation-style upkeep) and a DAO-triggered job (a HealthDAO proposal calling JobRouter.requestJob with its
 * input document's hash), waits for both anchors, proves the flood execution through ParametricPayout, and prints
 * a summary. Ctrl-C at any point stops the relayer, the nodes and the Hardhat node, and exits with 130.
 */
export async function runDev(options: DevOptions): Promise<void> {
  const started = Date.now();
  const progress = createLineProgress({ total: STEPS });
  const out = path.resolve(options.out);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const logFile = path.join(out, "relayer.log");
  const controller = new AbortController();
  const { signal } = controller;
  let hardhatNode: LocalNode | undefined;
  let arlocal: LocalArweave | undefined;
  let arlocalMiner: NodeJS.Timeout | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    if (signal.aborted) {
      // A second Ctrl-C: no more patience, but never leave the Hardhat node behind.
      hardhatNode?.process.kill("SIGKILL");
      arlocal?.process.kill("SIGKILL");
      process.exit(130);
    }
    process.stdout.write(`\n${name}: stopping the relayer, the executor nodes and the Hardhat node …\n`);
    controller.abort(new Interrupted(name));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const destination = pino.destination({ dest: logFile, sync: true, mkdir: true });
  const common = createCommon({ logLevel: "info", destination, shutdown: signal });
  let relayer: Relayer | undefined;
  let explorer: ExplorerServer | undefined;
  let executors: DevExecutor[] = [];
  let deploymentId: string | undefined;
  try {
    progress.step("Compiling contracts, starting a local Hardhat node and a local Arweave gateway (arlocal)");
    const { default: hre } = await import("hardhat");
    await abortable(hre.tasks.getTask("build").run({ quiet: true, noTests: true }), signal);
    hardhatNode = await abortable(startLocalNode({ cwd: root }), signal);
    const node = hardhatNode;
    progress.detail(`hardhat node ${node.url} (pid ${node.process.pid}); an empty block every ${options.blockTimeMs} ms besides one per transaction`);
    await rpc(node.url, "evm_setIntervalMining", [options.blockTimeMs]);
    arlocal = await abortable(startLocalArweave(), signal);
    const gateway = arlocal;
    const arweaveWallet = await gateway.arweave.wallets.jwkToAddress(await loadArweaveWallet(DEV_ARWEAVE_WALLET_FILE));
    await gateway.mint(arweaveWallet);
    // arlocal mines only when asked: a block per chain block interval, so archived bundles confirm as on a network.
    arlocalMiner = setInterval(() => void gateway.mine().catch(() => undefined), options.blockTimeMs);
    progress.detail(`arlocal ${gateway.url} (pid ${gateway.process.pid}; GraphQL ${gateway.url}/graphql), dev Arweave wallet ${arweaveWallet} minted; a block every ${options.blockTimeMs} ms`);
    const connection = (await abortable(hre.network.create({ network: "localhost", override: { url: node.url } }), signal)) as unknown as DevConnection;
    // Ignition journals per deployment id: one per run, removed afterwards (each run starts a fresh chain).
    deploymentId = `nsf-dev-${node.port}`;

    const dev = await abortable(setUpDevNetwork(connection, { progress, deploymentId, executorCount: options.executors }), signal);
    const { network, daos, accounts } = dev;
    const client = createPublicClient({ transport: http(node.url), cacheTime: 0 }) as PublicClient;
    const chainTime = async () => (await client.getBlock({ blockTag: "latest" })).timestamp;

    progress.step(`Starting ${options.executors} executor nodes (simulated TEE, WASM sandbox, HTTP) and registering them through the attestation validators`);
    // Alternating KEN / UGA up to three UGA nodes, the rest in KEN: with five nodes, 3 KEN (flood k = 3) and 2 UGA (pandemic k = 2).
    const plan = accounts.operators.map((operator, i) => ({ operator, jurisdiction: i % 2 === 1 && i < 6 ? "UGA" : "KEN" }));
    const clauseDirs = ["flood-payout", "pandemic-alert", "food-toxin", "emissions-penalty"].map(exampleClauseDir);
    executors = await abortable(startDevExecutors({ common, rpcUrl: node.url, network, roles: dev.roles, plan, clauseDirs, zkClauses: ZK_NODE_CLAUSES, chainTime }), signal);
    for (const e of executors) progress.detail(`${e.jurisdiction} ${e.enclaveKey} ${e.url} (verdict 2-of-3 validators, tx ${short(e.registrationTx)})`);

    progress.step("Starting the relayer: chain watcher → scheduler → dispatcher → CAC agreement → batcher → 3 co-signers → anchor tx manager");
    const inputsDirectory = path.join(out, "inputs");
    const databaseFile = path.join(out, "relayer.db");
    const { input, env } = devRelayerConfig({ rpcUrl: node.url, network, nodes: executors, startBlock: dev.startBlock, databaseFile, inputsDirectory, batchWindowMs: options.batchWindowMs, arweaveGatewayUrl: gateway.url });
    const configFile = path.join(out, "relayer.json");
    writeFileSync(configFile, `${JSON.stringify(input, null, 2)}\n`);
    const config = resolveRelayerConfig(input, env);
    // The submitter pays for anchors: fund it from an unlocked account (a real operator funds its own key).
    await abortable(accounts.spare[0]!.sendTransaction({ to: devSubmitter().address, value: parseEther("100") }).then((tx) => tx.wait()), signal);
    relayer = await abortable(createRelayer({ common, config, client }), signal);
    await relayer.start();
    progress.detail(`status ${relayer.statusUrl}/status, metrics ${relayer.statusUrl}/metrics, logs ${shown(logFile)}`);
    progress.detail(`config ${shown(configFile)} (keys: public dev keys in environment variables it names)`);
    const deploymentFile = path.join(out, "deployment.json");
    writeFileSync(deploymentFile, `${JSON.stringify(await devDeploymentOf(dev, { rpcUrl: node.url, inputsDirectory, relayerConfig: configFile, statusUrl: relayer.statusUrl }), null, 2)}\n`);
    // The proof explorer on the same public data a monitor has: the node's RPC and the local Arweave gateway (arlocal).
    explorer = await abortable(
      startExplorer({
        common,
        rpcUrl: node.url,
        gateway: gateway.url,
        archive: createGatewayArweaveSource({ gateway: gateway.url }),
        verify: createExplorerVerifier({ rpcUrl: node.url, gateway: gateway.url, rollupAnchor: network.addresses.rollupAnchor, jobRouter: network.addresses.jobRouter, chainId: network.chainId }),
        contracts: explorerContractsOf(network.addresses),
        ...(relayer.statusUrl ? { metricsUrl: `${relayer.statusUrl}/metrics` } : {}),
      }),
      signal,
    );
    progress.detail(`explorer ${explorer.url} (Arweave gateway ${gateway.url})`);

    progress.step(`HealthDAO decides: a proposal calls JobRouter.requestJob for ${PANDEMIC.id} in UGA`);
    const document = { schema: "nsf.input-document/1" as const, values: { new_cases_7d: "5400", population: "2500000", reproduction_number_x100: "162" }, memo: "Kampala district, week 47: surveillance counts and the authorised simulation's R" };
    const daoJob = await abortable(
      requestJobThroughGovernance(connection, { dao: daos.health, network, clause: PANDEMIC.id, jurisdiction: PANDEMIC.jurisdiction, document, inputsDirectory, description: `Assess ${PANDEMIC.id} for UGA` }),
      signal,
    );
    progress.detail(`input document ${daoJob.commitment} → ${shown(daoJob.documentFile)}`);
    progress.detail(`proposal ${short(daoJob.proposal.proposalId.toString())} executed (tx ${daoJob.proposal.transactions.execute}) → job ${daoJob.jobId}`);

    progress.step("Rainfall feed crosses 150.0 mm: checkUpkeep says yes, performUpkeep fires the sensor trigger");
    await abortable(dev.feed.updateAnswer(1875n).then((tx) => tx.wait()), signal);
    const sensor = await abortable(performSensorUpkeep(network.contracts.jobRouter, dev.sensorTriggerId), signal);
    progress.detail(`rainfall 187.5 mm (round ${sensor.roundId}) → job ${sensor.jobId} (tx ${sensor.txHash})`);

    progress.step("Waiting for the relayer: confirmations, governance filter, inputs, node selection, dispatch, k-of-n agreement, batch, co-signatures, anchor");
    const anchored = await waitForAnchors({
      jobs: relayer.jobs,
      batches: relayer.batches,
      watch: [
        { jobId: sensor.jobId, label: "flood (sensor)" },
        { jobId: daoJob.jobId, label: "pandemic (DAO)" },
      ],
      progress,
      signal,
      timeoutMs: options.timeoutSeconds * 1000,
    });

    progress.step("Proving the flood execution through the ParametricPayout consumer");
    const floodAt = anchored.find((a) => a.jobId === sensor.jobId)!;
    const floodBundle = JSON.parse(relayer.batches.bundleJson(floodAt.batchSeq)!) as BatchBundle;
    const proof = executionProofOf(floodBundle, sensor.jobId);
    const payout = await abortable(
      provePayout(connection, {
        network,
        stablecoin: dev.stablecoin,
        clauseId: dev.clauses.flood.clauseId,
        dao: dev.tenants.relief.dao,
        jurisdiction: FLOOD.jurisdiction,
        action: "Payout:FloodRelief",
        beneficiary: accounts.beneficiary,
        claimant: accounts.spare[1] ?? accounts.deployer,
        proof,
        maxPayout: 1_000_000n * 10n ** 6n,
        deploymentId,
      }),
      signal,
    );
    progress.detail(`claim ${payout.claimTx} (${payout.claimGas} gas): beneficiary paid ${usdc(payout.paid)} DEVUSD`);
    progress.detail(`a second claim of the same execution: ${payout.secondClaim === "ParametricPayoutAlreadyPaid" ? "refused (ParametricPayoutAlreadyPaid)" : payout.secondClaim}`);
    if (payout.paid === 0n || payout.secondClaim !== "ParametricPayoutAlreadyPaid") {
      throw new NsfError("NSF_DEV_PAYOUT_MISMATCH", { shortMessage: "the payout consumer did not pay exactly once", details: `paid ${payout.paid}, second claim: ${payout.secondClaim}` });
    }

    progress.step(`A private reading: ${ZK_FLOOD.id} registered with its circuit, nodes prove, the relayer verifies, paid on the proof`);
    const zk = await abortable(runZkFloodPayout(connection, { dev, relayer, inputsDirectory, progress, signal, timeoutMs: options.timeoutSeconds * 1000 }), signal);
    progress.detail(`commitment ${short(zk.commitment)} attested; claimWithProof ${zk.claimTx} (${zk.claimGas} gas): paid ${usdc(BigInt(zk.paid))} DEVUSD; second claim ${zk.secondClaim === "ParametricPayoutAlreadyPaid" ? "refused (ParametricPayoutAlreadyPaid)" : zk.secondClaim}`);
    anchored.push({ jobId: zk.jobId, batchSeq: BigInt(zk.batchSeq), resultSeq: BigInt(zk.resultSeq) });

    const archived = await waitForArchive(relayer, [...new Set(anchored.map((a) => a.batchSeq))], signal, 30_000);
    progress.detail(`Arweave: ${archived.confirmed} of ${archived.total} anchored batch bundles confirmed on ${gateway.url}${archived.confirmed < archived.total ? " (the rest stay queued and are retried)" : ""}`);

    progress.step("Verifying the flood execution from public data only (RPC + Arweave gateway), as nsf verify and the explorer do");
    const verifier = createExplorerVerifier({ rpcUrl: node.url, gateway: gateway.url, rollupAnchor: network.addresses.rollupAnchor, jobRouter: network.addresses.jobRouter, chainId: network.chainId });
    const report = await abortable(verifier.verify(sensor.jobId), signal).finally(() => verifier.close());
    const passed = report.checks.filter((c) => c.status === "pass").length;
    progress.detail(`verdict ${report.verdict}: ${passed} of ${report.checks.length} checks passed${report.failed ? `; ${report.failed.name}: ${report.failed.reason}` : ""}`);
    if (report.verdict !== "valid") {
      throw new NsfError("NSF_DEV_VERIFY_FAILED", { shortMessage: `the flood execution did not verify from public data (${report.verdict})`, ...(report.failed ? { details: `${report.failed.name}: ${report.failed.reason}` } : {}) });
    }

    progress.step("Two tenants on one network: each tenant's audit trace exported (nsf audit export --tenant) and checked to hold only its own entries");
    const tenantOf = (jobId: Hex) => relayer!.jobs.getJob(jobId)!.tenantId;
    const audits = await exportTenantAudits({ configFile, outDir: out, jobs: relayer.jobs, tenants: [{ label: "ReliefDAO-KEN", tenantId: tenantOf(sensor.jobId), jobIds: [sensor.jobId] }, { label: "HealthDAO-UGA", tenantId: tenantOf(daoJob.jobId), jobIds: [daoJob.jobId] }] });
    for (const a of audits.exports) progress.detail(`${a.label} (tenant ${short(a.tenantId)}): ${a.entries} entries, only its own → ${shown(a.file)}; nodes ${a.nodes.map(short).join(", ")}`);
    progress.detail(`shared by both tenants: the relayer, its 3 co-signers, the anchor batches${audits.sharedNodes.length > 0 ? ` and executor node(s) ${audits.sharedNodes.join(", ")}` : "; in-country clauses keep each job on its own jurisdiction's executor nodes"}`);

    progress.step("Done");
    const summary: DevSummary = await summarize({
      relayer,
      client,
      node,
      options,
      dev,
      executors,
      configFile,
      logFile,
      anchored,
      triggers: { [sensor.jobId]: { type: "sensor", tx: sensor.txHash, detail: `feed round ${sensor.roundId}, answer ${sensor.answer} (0.1 mm)` }, [daoJob.jobId]: { type: "dao", tx: daoJob.proposal.transactions.execute, detail: `HealthDAO proposal ${short(daoJob.proposal.proposalId.toString())}, input document ${daoJob.commitment}` }, [zk.jobId]: { type: "dao", tx: zk.requestTx, detail: `ReliefDAO proposal ${short(zk.requestProposalId)}, private input document` } },
      labels: { [sensor.jobId]: "flood (sensor)", [daoJob.jobId]: "pandemic (DAO)", [zk.jobId]: "flood (zk, DAO)" },
      explorer: { url: explorer.url, gateway: gateway.url },
      daoRequest: { proposalId: daoJob.proposal.proposalId.toString(), executeTx: daoJob.proposal.transactions.execute },
      payout: { job: sensor.jobId, consumer: payout.consumer, claimTx: payout.claimTx, claimGas: payout.claimGas.toString(), paid: payout.paid.toString(), paidUnits: usdc(payout.paid), secondClaim: payout.secondClaim },
      started,
      arweave: { gatewayUrl: gateway.url, graphqlUrl: `${gateway.url}/graphql`, wallet: arweaveWallet },
    });
    // The flood execution, checked from public data: RPC and contracts from the deployment file; the gateway is the
    // archive's (arlocal, started by nsf dev, which the relayer uploads every anchored bundle to).
    summary.zk = zk;
    summary.audits = audits.exports.map((a) => ({ ...a, file: shown(a.file) }));
    summary.verify = { jobId: sensor.jobId, command: nsfVerifyCommand({ jobId: sensor.jobId, deploymentFile: shown(path.join(out, "deployment.json")), gateway: gateway.url }) };
    writeFileSync(path.join(out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
    process.stdout.write(renderDevSummary(summary));
    process.stdout.write(`\nsummary written to ${shown(path.join(out, "summary.json"))}\n`);

    if (options.keepRunning) {
      process.stdout.write(`\nThe network keeps running (RPC ${node.url}, status ${relayer.statusUrl}/status, explorer ${explorer.url}). Try:\n`);
      const at = shown(path.join(out, "deployment.json"));
      process.stdout.write(`  npm run nsf -- status --url ${relayer.statusUrl}\n`);
      process.stdout.write(`  npm run nsf -- clause register --deployment ${at} --dao HealthDAO --clause clauses/examples/food-toxin --jurisdiction UGA --quorum 2/3\n`);
      process.stdout.write(`  npm run nsf -- clause trigger --deployment ${at} --dao HealthDAO --clause CODEX::Food::ToxinThreshold@1.0.0 --jurisdiction UGA --set lot_id=42 --set toxin_ppm_x1000=21\n`);
      process.stdout.write("Ctrl-C stops everything.\n");
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    }
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    process.exitCode = 130;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await explorer?.close().catch(() => undefined);
    await relayer?.stop().catch(() => undefined);
    await Promise.all(executors.map((e) => e.close().catch(() => undefined)));
    if (arlocalMiner) clearInterval(arlocalMiner);
    await arlocal?.stop().catch(() => undefined);
    await hardhatNode?.stop();
    await releaseSnarkjsCurve().catch(() => undefined);
    if (deploymentId) rmSync(path.join(root, "ignition", "deployments", deploymentId), { recursive: true, force: true });
    destination.flushSync();
    if (hardhatNode) process.stdout.write(`stopped: relayer, ${executors.length} executor nodes, ${arlocal ? "arlocal, " : ""}hardhat node (pid ${hardhatNode.process.pid})\n`);
  }
}

/** Waits (bounded) until the anchored batches' bundles are confirmed on the gateway; the anchors never waited for it. */
async function waitForArchive(relayer: Relayer, batchSeqs: readonly bigint[], signal: AbortSignal, timeoutMs: number): Promise<{ confirmed: number; total: number }> {
  const deadline = Date.now() + timeoutMs;
  const confirmed = () => batchSeqs.filter((seq) => relayer.archiver?.uploadOf(seq)?.state === "confirmed").length;
  while (confirmed() < batchSeqs.length && Date.now() < deadline && !signal.aborted) await new Promise((r) => setTimeout(r, 200));
  return { confirmed: confirmed(), total: batchSeqs.length };
}

async function rpc(url: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new NsfError("NSF_DEV_RPC_FAILED", { shortMessage: `${method} failed on the local node`, details: body.error.message });
  return body.result;
}

/** A path relative to the working directory when it is inside it, else absolute. */
const shown = (file: string): string => {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
};

const short = (value: string): string => (value.length > 14 ? `${value.slice(0, 10)}…` : value);

async function summarize(p: {
  relayer: Relayer;
  client: PublicClient;
  node: LocalNode;
  options: DevOptions;
  dev: Awaited<ReturnType<typeof setUpDevNetwork>>;
  executors: DevExecutor[];
  configFile: string;
  logFile: string;
  anchored: { jobId: Hex; batchSeq: bigint; resultSeq: bigint }[];
  triggers: Record<string, { type: "sensor" | "dao"; tx: Hex; detail: string }>;
  labels: Record<string, string>;
  explorer: DevSummary["explorer"];
  daoRequest: { proposalId: string; executeTx: Hex };
  payout: DevSummary["payout"];
  started: number;
  arweave: DevSummary["arweave"];
}): Promise<DevSummary> {
  const { relayer, dev } = p;
  const status = relayer.status();
  const daoName = new Map<string, string>([
    [dev.daos.relief.timelockAddress.toLowerCase(), "ReliefDAO"],
    [dev.daos.health.timelockAddress.toLowerCase(), "HealthDAO"],
  ]);
  const jobs: DevSummary["jobs"] = [];
  for (const a of p.anchored) {
    const bundle = JSON.parse(relayer.batches.bundleJson(a.batchSeq)!) as BatchBundle;
    const entry = bundle.results.find((r) => r.job_id === a.jobId)!;
    const output = decodeClauseOutput(entry.output as Hex);
    const k = entry.clause === FLOOD.id ? FLOOD.quorumK : entry.clause === ZK_FLOOD.id ? ZK_FLOOD.quorumK : PANDEMIC.quorumK;
    jobs.push({
      label: p.labels[a.jobId]!,
      jobId: a.jobId,
      clause: entry.clause,
      tenant: { dao: `${daoName.get(entry.tenant.dao.toLowerCase()) ?? "?"} ${entry.tenant.dao}`, jurisdiction: entry.tenant.jurisdiction, tenantId: entry.tenant.tenant_id as Hex },
      trigger: p.triggers[a.jobId]!,
      attempts: relayer.jobs.attemptsOf(a.jobId).length,
      agreement: { k, cacs: entry.cacs.length, signers: entry.cacs.map((c) => c.signer as Address), outputHash: entry.output_hash as Hex },
      output: { status: output.status, action: output.action, amounts: output.amounts.map(String) },
      batchSeq: a.batchSeq.toString(),
      resultSeq: a.resultSeq.toString(),
    });
  }
  const batchSeqs = [...new Set(p.anchored.map((a) => a.batchSeq))].sort((x, y) => (x < y ? -1 : 1));
  const batches: DevSummary["batches"] = [];
  for (const seq of batchSeqs) {
    const b = relayer.batches.batch(seq)!;
    const receipt = b.anchorTx ? await p.client.getTransactionReceipt({ hash: b.anchorTx }).catch(() => undefined) : undefined;
    const upload = relayer.archiver?.uploadOf(seq);
    batches.push({
      batchSeq: seq.toString(),
      firstSeq: String(b.firstSeq),
      lastSeq: String(b.lastSeq),
      root: b.root!,
      anchorTx: b.anchorTx ?? null,
      anchorBlock: b.anchorBlock?.toString() ?? null,
      gasUsed: receipt?.gasUsed.toString() ?? null,
      bundleHash: b.bundleHash ?? null,
      arweave: upload ? { txId: upload.txId ?? null, locator: upload.anchoredLocator, state: upload.state } : null,
    });
  }
  const proposals: DevSummary["proposals"] = [
    { dao: "ReliefDAO", purpose: `register ${FLOOD.id} + rainfall trigger`, proposalId: dev.clauses.flood.proposal.proposalId.toString(), executeTx: dev.clauses.flood.proposal.transactions.execute },
    { dao: "HealthDAO", purpose: `register ${PANDEMIC.id}`, proposalId: dev.clauses.pandemic.proposal.proposalId.toString(), executeTx: dev.clauses.pandemic.proposal.transactions.execute },
    { dao: "HealthDAO", purpose: `JobRouter.requestJob ${PANDEMIC.id} in UGA`, ...p.daoRequest },
  ];
  return {
    schema: "nsf.dev-summary/1",
    chain: { rpcUrl: p.node.url, chainId: dev.network.chainId.toString(), blockTimeMs: p.options.blockTimeMs },
    contracts: { ...dev.network.addresses, feed: dev.feedAddress, stablecoin: (await dev.stablecoin.getAddress()) as Address },
    daos: [
      { name: "NetworkDAO", jurisdiction: null, timelock: dev.daos.network.timelockAddress, governor: (await dev.daos.network.governor.getAddress()) as Address },
      { name: "ReliefDAO", jurisdiction: "KEN", timelock: dev.daos.relief.timelockAddress, governor: (await dev.daos.relief.governor.getAddress()) as Address },
      { name: "HealthDAO", jurisdiction: "UGA", timelock: dev.daos.health.timelockAddress, governor: (await dev.daos.health.governor.getAddress()) as Address },
    ],
    proposals,
    nodes: p.executors.map((e) => ({ enclaveKey: e.enclaveKey, jurisdiction: e.jurisdiction, url: e.url, registrationTx: e.registrationTx })),
    relayer: { statusUrl: relayer.statusUrl ?? null, configFile: p.configFile, logFile: p.logFile, coSigners: status.aggregator?.coSigners ?? [], submitter: status.aggregator?.submitter ?? ("0x" as Address) },
    jobs,
    batches,
    explorer: p.explorer,
    payout: p.payout,
    arweave: p.arweave,
    elapsedSeconds: (Date.now() - p.started) / 1000,
  };
}
