import type { Hex } from "viem";
import type { BundleIndex } from "./createBundleIndex.js";
import type { TenantView } from "./ExplorerApi.js";
import { argsOf, checksum, jurisdictionText, rpc, type ExplorerChain } from "./explorerChain.js";
import { readJobs } from "./readOverview.js";

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * The tenant page: its admission, quota use this epoch (`JobRouter.tenantUsage`), its jobs and, for those found in
 * an anchored bundle, request → anchor latency in chain time. The audit-log head is the relayer's (DESIGN §7); no
 * relayer endpoint publishes it yet, so the page says so instead of inventing one.
 */
export async function readTenant(parameters: { chain: ExplorerChain; index: BundleIndex; tenantId: Hex }): Promise<TenantView> {
  const { chain, index, tenantId } = parameters;
  const admittedLogs = chain.contracts.jurisdictionRegistry
    ? await rpc("TenantAdmitted", () =>
        chain.client.getContractEvents({ address: chain.contracts.jurisdictionRegistry!, abi: chain.abis.JurisdictionRegistry, eventName: "TenantAdmitted", args: { tenantId }, fromBlock: chain.fromBlock }),
      )
    : [];
  const usage = (await rpc("tenantUsage", () =>
    chain.client.readContract({ address: chain.contracts.jobRouter, abi: chain.abis.JobRouter, functionName: "tenantUsage", args: [tenantId] }),
  )) as readonly [number, number, bigint];
  const jobs = await readJobs(chain, { tenantId });
  const anchoredAt = new Map<string, { at: number; batchSeq: string }>();
  for (const batch of await rpc("BatchAnchored", () => index.batches())) {
    const indexed = await index.bundleOf(batch);
    if (indexed.status !== "found") continue;
    const at = await rpc("block", () => chain.blockTime(batch.blockNumber));
    for (const r of indexed.value.results) anchoredAt.set(r.jobId.toLowerCase(), { at, batchSeq: batch.batchSeq.toString() });
  }
  const rows = jobs.map((j) => {
    const a = anchoredAt.get(j.jobId.toLowerCase());
    return { jobId: j.jobId, clauseId: j.clauseId, timestamp: j.timestamp, anchoredAt: a?.at ?? null, batchSeq: a?.batchSeq ?? null };
  });
  const latencies = rows.filter((r) => r.anchoredAt !== null).map((r) => r.anchoredAt! - r.timestamp).sort((x, y) => x - y);
  const a = admittedLogs[0] ? argsOf(admittedLogs[0]) : undefined;
  return {
    schema: "nsf.explorer-tenant/1",
    tenantId,
    admitted: a ? { dao: checksum(a.dao as string), jurisdiction: jurisdictionText(a.jurisdiction as Hex), txHash: admittedLogs[0]!.transactionHash as Hex } : null,
    quota: { jobsPerEpoch: Number(usage[0]), used: Number(usage[1]), epoch: usage[2].toString() },
    jobs: rows,
    latency: latencies.length === 0 ? null : { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies[latencies.length - 1]!, count: latencies.length },
    auditHead: null,
    auditNote: "The audit-log head is kept by the relayer (DESIGN §7) and is not published by its /status endpoint or anchored on-chain yet.",
  };
}
