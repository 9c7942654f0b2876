import type { Hex } from "viem";
import { canonicalJsonHash } from "../../core/formats/canonicalJson.js";
import { bytes32ToArweaveTxId, ZERO_ARWEAVE_TX_ID } from "../../core/verify/arweaveTxId.js";
import type { Fetched } from "../../core/verify/ExecutionEvidence.js";
import { BUNDLE_APP_NAME, BundleTag, type ArweaveSource } from "../../verify/ArweaveSource.js";
import { argsOf, type ExplorerChain } from "./explorerChain.js";

export type AnchoredBatch = { batchSeq: bigint; lastSeq: bigint; root: Hex; bundleHash: Hex; arweaveTxId: Hex; txHash: Hex; blockNumber: bigint; logIndex: number };

/** The few bundle fields the node and tenant pages index (the full document is checked by the verification core). */
export type IndexedResult = { jobId: Hex; resultSeq: string; outputHash: Hex; cacs: { signer: string; outputHash: Hex | null }[] };
export type IndexedAuditHead = { tenantId: Hex; seq: string; head: Hex };
export type IndexedBundle = {
  batch: AnchoredBatch;
  arweaveTxId: string;
  results: IndexedResult[];
  /** The bundle's `audit_heads` (FORMATS §12): each tenant's audit-log head as the relayer sealed it with the batch. */
  auditHeads: IndexedAuditHead[];
  /** `keccak256(JCS(document))` equals the anchored bundleHash: what the gateway served is what the quorum signed. */
  matchesAnchor: boolean;
  document: unknown;
};

const ZERO32 = ZERO_ARWEAVE_TX_ID;
const toArweaveId = (value: Hex): string | null => (value.toLowerCase() === ZERO_ARWEAVE_TX_ID ? null : bytes32ToArweaveTxId(value));

/**
 * Every anchored batch (`BatchAnchored` of the trusted RollupAnchor) and, read lazily from the gateway and cached,
 * which executions and CAC signers its bundle holds: by the anchor's locator, else by the bundle's tags
 * (docs/FORMATS.md §12). For display only: a bundle listed here is not thereby verified; the execution page runs the
 * verification core on it. Bundles that cannot be read are counted, never guessed.
 */
export function createBundleIndex(parameters: { chain: ExplorerChain; archive: ArweaveSource }) {
  const { chain, archive } = parameters;
  const bundles = new Map<string, IndexedBundle>();

  async function batches(): Promise<AnchoredBatch[]> {
    const logs = await chain.client.getContractEvents({ address: chain.contracts.rollupAnchor, abi: chain.abis.RollupAnchor, eventName: "BatchAnchored", fromBlock: chain.fromBlock });
    return logs.map((log) => {
      const a = argsOf(log);
      return {
        batchSeq: a.batchSeq as bigint,
        lastSeq: a.lastSeq as bigint,
        root: a.root as Hex,
        bundleHash: a.bundleHash as Hex,
        arweaveTxId: a.arweaveTxId as Hex,
        txHash: log.transactionHash as Hex,
        blockNumber: log.blockNumber as bigint,
        logIndex: log.logIndex as number,
      };
    });
  }

  async function locate(batch: AnchoredBatch): Promise<Fetched<{ id: string; document: unknown }>> {
    const direct = toArweaveId(batch.arweaveTxId);
    const candidates: string[] = [];
    if (direct) candidates.push(direct);
    else {
      const chainId = await chain.client.getChainId();
      const found = await archive.findByTags({ [BundleTag.AppName]: BUNDLE_APP_NAME, [BundleTag.ChainId]: String(chainId), [BundleTag.BatchSeq]: batch.batchSeq.toString() });
      if (found.status !== "found") return found;
      candidates.push(...found.value);
    }
    let last: Fetched<{ id: string; document: unknown }> = { status: "absent", reason: `no bundle archived for batch ${batch.batchSeq}` };
    for (const id of candidates) {
      const fetched = await archive.fetchJson(id);
      if (fetched.status === "found") return { status: "found", value: { id, document: fetched.value } };
      last = fetched;
    }
    return last;
  }

  return {
    batches,
    locate,
    /** The indexed bundle of `batch`, or why it could not be read. */
    async bundleOf(batch: AnchoredBatch): Promise<Fetched<IndexedBundle>> {
      const key = `${batch.txHash}:${batch.logIndex}`;
      const cached = bundles.get(key);
      if (cached) return { status: "found", value: cached };
      const located = await locate(batch);
      if (located.status !== "found") return located;
      const doc = located.value.document as {
        results?: { job_id?: Hex; result_seq?: string; output_hash?: Hex; cacs?: { signer?: string; cac?: { hash_graph?: { output_hash?: Hex } } }[] }[];
        audit_heads?: { tenant_id?: Hex; seq?: string; head?: Hex }[];
      };
      const results: IndexedResult[] = (Array.isArray(doc.results) ? doc.results : []).map((r) => ({
        jobId: (r.job_id ?? ZERO32) as Hex,
        resultSeq: String(r.result_seq ?? ""),
        outputHash: (r.output_hash ?? ZERO32) as Hex,
        cacs: (Array.isArray(r.cacs) ? r.cacs : []).map((c) => ({ signer: String(c.signer ?? ""), outputHash: (c.cac?.hash_graph?.output_hash ?? null) as Hex | null })),
      }));
      const auditHeads: IndexedAuditHead[] = (Array.isArray(doc.audit_heads) ? doc.audit_heads : []).map((h) => ({ tenantId: (h.tenant_id ?? ZERO32) as Hex, seq: String(h.seq ?? ""), head: (h.head ?? ZERO32) as Hex }));
      // The bundle hash is the hash of the bundle's canonical JSON (FORMATS §12), so it is recomputable from the parsed document.
      const matchesAnchor = canonicalJsonHash(located.value.document).toLowerCase() === batch.bundleHash.toLowerCase();
      const indexed: IndexedBundle = { batch, arweaveTxId: located.value.id, results, auditHeads, matchesAnchor, document: located.value.document };
      bundles.set(key, indexed);
      return { status: "found", value: indexed };
    },
  };
}

export type BundleIndex = ReturnType<typeof createBundleIndex>;
export { toArweaveId };
