import { createPublicClient, http, type PublicClient } from "viem";
import { createAnchorReader } from "../../aggregator/anchorReader.js";
import { loadRelayerEndpoints } from "../../config/relayerConfig.js";
import { lastSeqOfCommitment } from "../../core/batching/resultSequence.js";
import { NsfError } from "../../core/errors/NsfError.js";
import { rpcOrigin } from "../../relayer/createRelayer.js";
import type { RelayerStatus } from "../../relayer/relayerStatus.js";

export type StatusOptions = { config?: string; url?: string; json: boolean };

type ChainView = { chainId: string; rpc: string; head: string; rollupAnchor: string; aggregatorQuorum: string; batchesAnchored: string; resultsAnchored: string };

/**
 * `nsf status`: what the chain says (RollupAnchor: batches and results anchored, the aggregator quorum; the
 * config's RPC endpoint) and what the relayer says about itself (its `/status` endpoint: jobs by state, jobs in
 * flight, recent batches). `--config` gives both (no keys needed); `--url` the relayer's endpoint alone.
 * Exit code 1 when a source it was asked for cannot be read.
 */
export async function runStatus(options: StatusOptions): Promise<void> {
  if (!options.config && !options.url) throw new NsfError("NSF_CLI_INVALID_ARGUMENT", { shortMessage: "give --config <relayer config> and/or --url <relayer status endpoint>" });
  const endpoints = options.config ? await loadRelayerEndpoints({ file: options.config }) : undefined;
  const url = options.url ?? (endpoints?.http.enabled && endpoints.http.port !== 0 ? `http://${endpoints.http.host}:${endpoints.http.port}` : undefined);

  const failures: string[] = [];
  let chain: ChainView | undefined;
  if (endpoints) {
    try {
      chain = await readChain(endpoints);
    } catch (error) {
      failures.push(`chain: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
  }
  let relayer: RelayerStatus | undefined;
  if (url) {
    try {
      const response = await fetch(new URL("/status", url), { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      relayer = (await response.json()) as RelayerStatus;
      if (relayer.schema !== "nsf.relayer-status/1") throw new Error(`not an nsf.relayer-status/1 answer`);
    } catch (error) {
      failures.push(`relayer ${url}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  if (options.json) process.stdout.write(`${JSON.stringify({ chain: chain ?? null, relayer: relayer ?? null, failures }, null, 2)}\n`);
  else process.stdout.write(render(chain, relayer, url, failures));
  if (failures.length > 0) {
    throw new NsfError("NSF_STATUS_UNAVAILABLE", { shortMessage: `status incomplete: ${failures.length} source(s) could not be read`, details: failures.join("\n"), retryable: true });
  }
}

async function readChain(endpoints: Awaited<ReturnType<typeof loadRelayerEndpoints>>): Promise<ChainView> {
  const client = createPublicClient({ transport: http(endpoints.chain.rpcUrl, { timeout: 10_000, retryCount: 1 }), cacheTime: 0 }) as PublicClient;
  const [chainId, head] = await Promise.all([client.getChainId(), client.getBlockNumber()]);
  if (BigInt(chainId) !== endpoints.chain.chainId) throw new Error(`${rpcOrigin(endpoints.chain.rpcUrl)} serves chain ${chainId}, the config says ${endpoints.chain.chainId}`);
  const { contracts } = endpoints;
  const reader = createAnchorReader({ client, rollupAnchor: contracts.rollupAnchor, clauseRegistry: contracts.clauseRegistry, nodeRegistry: contracts.nodeRegistry });
  const [config, next] = await Promise.all([reader.aggregatorConfig(), reader.nextBatchSeq()]);
  const last = next - 1n;
  const lastSeq = last === 0n ? 0n : lastSeqOfCommitment(await reader.batchCommitment(last));
  return {
    chainId: chainId.toString(),
    rpc: rpcOrigin(endpoints.chain.rpcUrl),
    head: head.toString(),
    rollupAnchor: contracts.rollupAnchor,
    aggregatorQuorum: `${config.threshold} of ${config.signers.length} (config v${config.configVersion})`,
    batchesAnchored: last.toString(),
    resultsAnchored: lastSeq.toString(),
  };
}

function render(chain: ChainView | undefined, relayer: RelayerStatus | undefined, url: string | undefined, failures: string[]): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`${label.padEnd(14)} ${value}`);
  if (chain) {
    row("chain", `${chain.chainId} at ${chain.rpc}, head block ${chain.head}`);
    row("RollupAnchor", `${chain.rollupAnchor}: ${chain.batchesAnchored} batches anchored, results 1..${chain.resultsAnchored}; aggregator quorum ${chain.aggregatorQuorum}`);
  }
  if (relayer) {
    row("relayer", `${url} (up since ${relayer.startedAt}), chain ${relayer.chainId} at ${relayer.rpc}`);
    row("cursor", relayer.cursor ? `block ${relayer.cursor.block}` : "(no block read yet)");
    const states = Object.entries(relayer.jobs.byState).filter(([, n]) => n > 0);
    row("jobs", states.length ? states.map(([s, n]) => `${s} ${n}`).join(", ") : "none");
    for (const j of relayer.jobs.inFlight) row("  in flight", `${j.jobId} ${j.state} (attempt ${j.attempt}) ${j.jurisdiction}, block ${j.block}`);
    const batches = relayer.batches;
    const byState = Object.entries(batches.byState).filter(([, n]) => n > 0);
    row("batches", `${byState.length ? byState.map(([s, n]) => `${s} ${n}`).join(", ") : "none"}; pending results ${batches.pendingResults}; last anchored ${batches.lastAnchoredBatchSeq ?? "-"}`);
    for (const b of batches.recent) row(`  #${b.batchSeq}`, `${b.state}${b.firstSeq ? ` results ${b.firstSeq}..${b.lastSeq}` : ""}${b.root ? ` root ${b.root}` : ""}${b.anchorTx ? ` tx ${b.anchorTx}` : ""}`);
    if (relayer.aggregator) row("co-signers", `${relayer.aggregator.coSigners.join(", ")}; submitter ${relayer.aggregator.submitter}`);
  }
  for (const f of failures) row("unavailable", f);
  return `${lines.join("\n")}\n`;
}
