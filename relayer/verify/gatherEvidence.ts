import { type Address, type Hex } from "viem";
import { cacFromJson } from "../core/cac/cacJson.js";
import { canonicalJsonHash } from "../core/formats/canonicalJson.js";
import { bytes32ToArweaveTxId, ZERO_ARWEAVE_TX_ID } from "../core/verify/arweaveTxId.js";
import {
  absent,
  executorKey,
  found,
  unavailable,
  type AnchorEvidence,
  type BundleEvidence,
  type ExecutionEvidence,
  type Fetched,
} from "../core/verify/ExecutionEvidence.js";
import type { VerificationSubject } from "../core/verify/VerificationReport.js";
import { BUNDLE_APP_NAME, BundleTag, type ArweaveSource } from "./ArweaveSource.js";
import type { CodeSource } from "./createDirectoryCodeSource.js";
import type { ChainSource } from "./createRpcChainSource.js";

export type EvidenceSources = { chain: ChainSource; arweave: ArweaveSource; code?: CodeSource };

export type GatherOptions = {
  /** The RollupAnchor the monitor trusts (from a deployment file or `--anchor`). */
  rollupAnchor: Address;
  /** The chain id the monitor expects (optional: the RPC's is used and reported). */
  chainId?: bigint;
  /** Narrows JobRequested searches; otherwise any contract's JobRequested for the id is found. */
  jobRouter?: Address;
  /** Overrides `JobRouter.clauses()` (it must still agree with the router of the job). */
  clauseRegistry?: Address;
  /** When the subject is an execution id: how many anchored batches after its request to search (default 256). */
  maxBatchesScanned?: number;
};

/** Raised when the subject cannot even be resolved because the RPC itself cannot be read. */
export class EvidenceUnavailableError extends Error {
  override readonly name = "EvidenceUnavailableError";
}

type BundleCandidate = { evidence: Fetched<BundleEvidence>; jobIds: string[] };

/**
 * Collects the public data `verifyEvidence` checks, from an RPC endpoint and an Arweave gateway only:
 * resolves the subject to its BatchAnchored event, finds the bundle (by the anchor's locator, else by tags),
 * reads the aggregator config in force, the JobRequested events, the clause versions and signers' registrations
 * at the anchor block, and the clause modules by code hash. Nothing here decides validity.
 */
export async function gatherEvidence(subject: VerificationSubject, sources: EvidenceSources, options: GatherOptions): Promise<ExecutionEvidence> {
  const { chain, arweave } = sources;
  const chainIdRead = await chain.chainId();
  if (chainIdRead.status !== "found") throw new EvidenceUnavailableError(chainIdRead.reason);
  const rpcChainId = chainIdRead.value;
  const jobs: ExecutionEvidence["jobs"] = {};

  let anchor: Fetched<AnchorEvidence>;
  let bundle: Fetched<BundleEvidence> | undefined;
  switch (subject.kind) {
    case "anchor-tx":
      anchor = await chain.anchorByTx(subject.txHash);
      break;
    case "arweave-tx": {
      const data = await arweave.fetchJson(subject.arweaveTxId);
      if (data.status !== "found") {
        bundle = data;
        anchor = data.status === "absent" ? absent(`no bundle at Arweave transaction ${subject.arweaveTxId}, so no anchor to locate: ${data.reason}`) : unavailable(data.reason);
        break;
      }
      bundle = found({ arweaveTxId: subject.arweaveTxId, via: "locator", document: data.value, note: "the Arweave transaction given" });
      const batchSeq = (data.value as { batch?: { batch_seq?: unknown } } | null)?.batch?.batch_seq;
      anchor = typeof batchSeq === "string" && /^[1-9][0-9]*$/.test(batchSeq)
        ? await chain.anchorByBatchSeq(options.rollupAnchor, BigInt(batchSeq))
        : absent(`the data at Arweave transaction ${subject.arweaveTxId} names no batch_seq`);
      break;
    }
    case "execution": {
      const request = await chain.jobRequested(subject.jobId, options.jobRouter);
      jobs[subject.jobId.toLowerCase()] = request;
      const located = await locateExecution(subject.jobId, request.status === "found" ? request.value.blockNumber : 0n);
      anchor = located.anchor;
      bundle = located.bundle;
      break;
    }
  }

  const a = anchor.status === "found" ? anchor.value : undefined;
  if (a && !bundle) bundle = (await bundleOf(a)).evidence;
  bundle ??= absent("no anchor, so no bundle to look for");
  const aggregatorConfig = a ? await chain.aggregatorConfigAt(a.emitter, a) : absent<never>("no anchor");

  const document = bundle.status === "found" ? (bundle.value.document as { results?: unknown }) : undefined;
  const results = Array.isArray(document?.results) ? (document.results as Record<string, unknown>[]) : [];
  const jobIds = subject.kind === "execution" ? [subject.jobId.toLowerCase() as Hex] : results.map((r) => String(r.job_id).toLowerCase() as Hex);

  const clauses: ExecutionEvidence["clauses"] = {};
  const executors: ExecutionEvidence["executors"] = {};
  const code: ExecutionEvidence["code"] = {};
  if (a) {
    const nodeRegistry = await chain.nodeRegistryOf(a.emitter);
    for (const jobId of jobIds) {
      jobs[jobId] ??= await chain.jobRequested(jobId, options.jobRouter);
      const result = results.find((r) => String(r.job_id).toLowerCase() === jobId);
      if (!result) continue;
      const clauseId = String(result.clause_id).toLowerCase();
      if (!clauses[clauseId]) {
        const request = jobs[jobId]!;
        const registry: Fetched<Address> = options.clauseRegistry
          ? found(options.clauseRegistry)
          : request.status === "found"
            ? await chain.clauseRegistryOf(request.value.router)
            : request.status === "absent"
              ? absent(`no JobRequested for ${jobId}, so no JobRouter to name the ClauseRegistry (give --clause-registry)`)
              : request;
        clauses[clauseId] = registry.status === "found" ? await chain.clauseAt(registry.value, clauseId as Hex, a.blockNumber) : registry;
      }
      const clause = clauses[clauseId]!;
      if (clause.status === "found" && sources.code && !code[clause.value.codeHash.toLowerCase()]) {
        code[clause.value.codeHash.toLowerCase()] = await sources.code.byCodeHash(clause.value.codeHash);
      }
      const cacs = Array.isArray(result.cacs) ? (result.cacs as { cac?: unknown }[]) : [];
      for (const c of cacs) {
        let signer: Address;
        let timestamp: bigint;
        try {
          const parsed = cacFromJson(c.cac);
          signer = parsed.json.runtime_info.enclave_key as Address;
          timestamp = parsed.cac.timestamp;
        } catch {
          continue; // cac.json fails on it; there is no signer to look up.
        }
        const k = executorKey(signer, timestamp);
        if (executors[k]) continue;
        executors[k] = nodeRegistry.status === "found" ? await chain.executorAt(nodeRegistry.value, signer, timestamp, a.blockNumber) : nodeRegistry;
      }
    }
  }

  return {
    subject,
    expected: { rollupAnchor: options.rollupAnchor, ...(options.chainId !== undefined ? { chainId: options.chainId } : {}) },
    rpcChainId,
    anchor,
    aggregatorConfig,
    bundle,
    jobIds,
    jobs,
    clauses,
    executors,
    code,
  };

  /** The bundle of an anchored batch: its locator first; if that is missing or differs, by tags; keeps a non-matching find for bundle.hash to name. */
  async function bundleOf(a: AnchorEvidence): Promise<BundleCandidate> {
    const wanted = a.event.bundleHash.toLowerCase();
    const matches = (doc: unknown) => canonicalJsonHash(doc).toLowerCase() === wanted;
    const jobIdsOf = (doc: unknown) => {
      const rs = (doc as { results?: unknown } | null)?.results;
      return Array.isArray(rs) ? rs.map((r) => String((r as { job_id?: unknown }).job_id).toLowerCase()) : [];
    };
    let atLocator: Fetched<unknown> | undefined;
    const locator = a.event.arweaveTxId.toLowerCase() === ZERO_ARWEAVE_TX_ID ? undefined : bytes32ToArweaveTxId(a.event.arweaveTxId);
    if (locator) {
      atLocator = await arweave.fetchJson(locator);
      if (atLocator.status === "found" && matches(atLocator.value)) return { evidence: found({ arweaveTxId: locator, via: "locator", document: atLocator.value }), jobIds: jobIdsOf(atLocator.value) };
    }
    const tagged = await arweave.findByTags({ [BundleTag.AppName]: BUNDLE_APP_NAME, [BundleTag.ChainId]: rpcChainId.toString(), [BundleTag.BatchSeq]: a.event.batchSeq.toString() });
    let firstOther: { id: string; doc: unknown } | undefined;
    if (tagged.status === "found") {
      for (const id of tagged.value) {
        if (id === locator) continue;
        const doc = await arweave.fetchJson(id);
        if (doc.status !== "found") continue;
        if (matches(doc.value)) {
          const note = locator ? `the anchored locator ${locator} ${atLocator?.status === "found" ? "holds other data" : "was not found"}` : "the anchor carries no locator";
          return { evidence: found({ arweaveTxId: id, via: "tags", document: doc.value, note }), jobIds: jobIdsOf(doc.value) };
        }
        firstOther ??= { id, doc: doc.value };
      }
    }
    // Nothing archived hashes to the anchored bundleHash: hand over what the locator (or the tags) lead to, so
    // bundle.hash names the mismatch; with nothing at all, bundle.available fails (or is undecided when unreadable).
    if (locator && atLocator?.status === "found") return { evidence: found({ arweaveTxId: locator, via: "locator", document: atLocator.value }), jobIds: jobIdsOf(atLocator.value) };
    if (firstOther) return { evidence: found({ arweaveTxId: firstOther.id, via: "tags", document: firstOther.doc }), jobIds: jobIdsOf(firstOther.doc) };
    if (atLocator?.status === "unavailable") return { evidence: unavailable(atLocator.reason), jobIds: [] };
    if (tagged.status === "unavailable") return { evidence: unavailable(tagged.reason), jobIds: [] };
    const where = locator ? `Arweave transaction ${locator} (the anchor's locator) is missing and no` : "the anchor carries no Arweave locator and no";
    return { evidence: absent(`${where} archived bundle tagged ${BundleTag.ChainId}=${rpcChainId}, ${BundleTag.BatchSeq}=${a.event.batchSeq} hashes to ${a.event.bundleHash}`), jobIds: [] };
  }

  /** An execution id: the first batch anchored after its request whose bundle lists it. */
  async function locateExecution(jobId: Hex, fromBlock: bigint): Promise<{ anchor: Fetched<AnchorEvidence>; bundle?: Fetched<BundleEvidence> }> {
    const anchors = await chain.anchorsSince(options.rollupAnchor, fromBlock);
    if (anchors.status !== "found") return { anchor: anchors };
    const limit = options.maxBatchesScanned ?? 256;
    let firstUnreadable: { anchor: AnchorEvidence; bundle: Fetched<BundleEvidence> } | undefined;
    for (const candidate of anchors.value.slice(0, limit)) {
      const b = await bundleOf(candidate);
      if (b.jobIds.includes(jobId.toLowerCase())) return { anchor: found(candidate), bundle: b.evidence };
      if (b.evidence.status !== "found") firstUnreadable ??= { anchor: candidate, bundle: b.evidence };
    }
    // Not in any readable bundle: if some batch's bundle is missing, the execution may be in it, and that
    // missing bundle is what fails (bundle.available), not the anchoring.
    if (firstUnreadable) return { anchor: found(firstUnreadable.anchor), bundle: firstUnreadable.bundle };
    const scanned = Math.min(anchors.value.length, limit);
    return { anchor: absent(`execution ${jobId} is in none of the ${scanned} batch(es) RollupAnchor ${options.rollupAnchor} anchored since block ${fromBlock}`) };
  }
}
