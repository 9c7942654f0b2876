import type { Hex } from "viem";
import type { BundleIndex } from "./createBundleIndex.js";
import type { AuditAnchorView, TenantView } from "./ExplorerApi.js";
import { argsOf, checksum, jurisdictionText, rpc, type ExplorerChain } from "./explorerChain.js";
import { readJobs } from "./readJobs.js";

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/**
 * The tenant page: its admission, quota use this epoch (`JobRouter.tenantUsage`), its jobs and, for those found in
 * an anchored bundle, request → anchor latency in chain time; and its audit-log head as the anchored bundles carry it
 * (`audit_heads`, FORMATS §12/§13) with the anchor transaction that bound it. The log itself is the relayer's
 * (`nsf audit export`); a head counts as anchored only when the gateway's bundle hashes to the anchored bundleHash.
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
  const auditAnchors: AuditAnchorView[] = [];
  let bundlesUnavailable = 0;
  for (const batch of await rpc("BatchAnchored", () => index.batches())) {
    const indexed = await index.bundleOf(batch);
    if (indexed.status !== "found") {
      bundlesUnavailable++;
      continue;
    }
    const at = await rpc("block", () => chain.blockTime(batch.blockNumber));
    for (const r of indexed.value.results) anchoredAt.set(r.jobId.toLowerCase(), { at, batchSeq: batch.batchSeq.toString() });
    const head = indexed.value.auditHeads.find((h) => h.tenantId.toLowerCase() === tenantId.toLowerCase());
    if (head) {
      auditAnchors.unshift({
        seq: head.seq,
        head: head.head,
        batchSeq: batch.batchSeq.toString(),
        anchorTx: batch.txHash,
        anchorBlock: batch.blockNumber.toString(),
        anchoredAt: at,
        bundleHash: batch.bundleHash,
        arweaveTxId: indexed.value.arweaveTxId,
        bundleMatchesAnchor: indexed.value.matchesAnchor,
      });
    }
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
    auditHead: auditAnchors.find((a) => a.bundleMatchesAnchor) ?? null,
    auditAnchors,
    bundlesUnavailable,
    auditNote:
      "Heads are read from the anchored batch bundles (audit_heads). The log itself is the relayer's: nsf audit export --tenant <id> writes it, and nsf audit verify --gateway <url> checks its chain against these anchors.",
  };
}
