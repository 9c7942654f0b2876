import type { Address, Hex } from "viem";
import type { BundleIndex } from "./createBundleIndex.js";
import { toArweaveId } from "./createBundleIndex.js";
import type { OverviewView } from "./ExplorerApi.js";
import { argsOf, chainHead, checksum, jurisdictionText, rpc, type ExplorerChain } from "./explorerChain.js";
import { readJobs } from "./readJobs.js";
import type { RelayerMetricsReader } from "./readRelayerMetrics.js";

const RECENT = 50;

/** The network overview: what the chain says (works without any relayer) and, when configured, the relayer's metrics. */
export async function readOverview(parameters: { chain: ExplorerChain; index: BundleIndex; metrics: RelayerMetricsReader | undefined }): Promise<OverviewView> {
  const { chain, index } = parameters;
  const head = await chainHead(chain);
  const [batches, jobs, clauseLogs, nodeLogs] = await Promise.all([
    rpc("BatchAnchored", () => index.batches()),
    readJobs(chain),
    rpc("ClauseRegistered", () => chain.client.getContractEvents({ address: chain.contracts.clauseRegistry, abi: chain.abis.ClauseRegistry, eventName: "ClauseRegistered", fromBlock: chain.fromBlock })),
    rpc("NodeRegistered", () => chain.client.getContractEvents({ address: chain.contracts.nodeRegistry, abi: chain.abis.NodeRegistry, eventName: "NodeRegistered", fromBlock: chain.fromBlock })),
  ]);
  const tenantLogs = chain.contracts.jurisdictionRegistry
    ? await rpc("TenantAdmitted", () =>
        chain.client.getContractEvents({ address: chain.contracts.jurisdictionRegistry!, abi: chain.abis.JurisdictionRegistry, eventName: "TenantAdmitted", fromBlock: chain.fromBlock }),
      )
    : [];
  const batchViews = await Promise.all(
    batches.map(async (b) => ({
      batchSeq: b.batchSeq.toString(),
      lastSeq: b.lastSeq.toString(),
      root: b.root,
      txHash: b.txHash,
      blockNumber: b.blockNumber.toString(),
      timestamp: await rpc("block", () => chain.blockTime(b.blockNumber)),
      arweaveTxId: toArweaveId(b.arweaveTxId),
    })),
  );
  // Results anchored per chain minute: each batch adds lastSeq − previous lastSeq results.
  const perMinute = new Map<number, number>();
  let previous = 0n;
  for (const b of batches) {
    const t = Math.floor(batchViews.find((v) => v.txHash === b.txHash)!.timestamp / 60) * 60;
    perMinute.set(t, (perMinute.get(t) ?? 0) + Number(b.lastSeq - previous));
    previous = b.lastSeq;
  }
  return {
    schema: "nsf.explorer-overview/1",
    latestBlock: head.number.toString(),
    chainTime: Number(head.timestamp),
    batches: batchViews.reverse().slice(0, RECENT),
    executions: jobs.reverse().slice(0, RECENT),
    clauses: clauseLogs.map((log) => {
      const a = argsOf(log);
      return { clauseId: a.clauseId as Hex, id: String(a.id), version: Number(a.version) };
    }),
    nodes: nodeLogs.map((log) => {
      const a = argsOf(log);
      return { enclaveKey: checksum(a.enclaveKey as string), jurisdiction: jurisdictionText(a.jurisdiction as Hex) };
    }),
    tenants: tenantLogs.map((log) => {
      const a = argsOf(log);
      return { tenantId: a.tenantId as Hex, dao: checksum(a.dao as Address), jurisdiction: jurisdictionText(a.jurisdiction as Hex) };
    }),
    throughput: [...perMinute.entries()].sort((a, b) => a[0] - b[0]).map(([t, results]) => ({ t, results })),
    relayer: parameters.metrics ? await parameters.metrics.read() : { configured: false },
  };
}
