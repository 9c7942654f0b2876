import type { Address, Hex } from "viem";
import type { Cac, Deployment } from "../../core/formats/eip712.js";
import { createCacDigester } from "../../core/batching/cacDigestFast.js";
import { leafHashBytes } from "../../core/batching/executionLeaf.js";
import { bytesToHexFast, hexToBytesFast, type Keccak } from "../../core/batching/hashing.js";
import type { RecoverSigner } from "../../core/batching/recoverSigner.js";

/** The cryptographic core of one agreed result, as plain data (structured-clone friendly, for worker threads). */
export type CompactResult = { jobId: Hex; resultSeq: bigint; clauseId: Hex; tenantId: Hex; inputHash: Hex; outputHash: Hex; cacs: { signer: Address; cac: Cac; signature: Hex }[] };

/**
 * The aggregator hot path for a chunk of results: per CAC the EIP-712 digest and the signer recovery (must be
 * the listed signer, strictly ascending), per result the cacSetHash and the leaf hash. Returns the leaf hashes,
 * or the index of the first result that fails. Chain checks (activity, clause facts) are per batch and cached
 * in the co-signer; this is the per-CAC work that `aggregator_cacs_per_s` measures.
 */
export function verifyResultBatch(results: readonly CompactResult[], anchor: Deployment, keccak: Keccak, recover: RecoverSigner): { leafHashes: Uint8Array[] } | { failedAt: number } {
  const digestOf = createCacDigester(anchor, keccak);
  const leafHashes: Uint8Array[] = [];
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    const digests = new Uint8Array(32 * r.cacs.length);
    let previous = "";
    for (let j = 0; j < r.cacs.length; j++) {
      const c = r.cacs[j]!;
      if (c.cac.jobId !== r.jobId || c.cac.inputHash !== r.inputHash || c.cac.outputHash !== r.outputHash) return { failedAt: i };
      const digest = digestOf(c.cac);
      const signer = recover(digest, hexToBytesFast(c.signature));
      const signerHex = signer ? bytesToHexFast(signer) : "";
      if (!signer || signerHex !== c.signer.toLowerCase() || signerHex <= previous) return { failedAt: i };
      previous = signerHex;
      digests.set(digest, 32 * j);
    }
    const cacSetHash = bytesToHexFast(keccak(digests));
    leafHashes.push(leafHashBytes({ jobId: r.jobId, resultSeq: r.resultSeq, clauseId: r.clauseId, tenantId: r.tenantId, inputHash: r.inputHash, outputHash: r.outputHash, cacSetHash }, keccak));
  }
  return { leafHashes };
}
