import type { Hex } from "viem";
import { isArweaveTxId } from "../core/verify/arweaveTxId.js";
import { verifyEvidence, type ClauseReplayer } from "../core/verify/verifyEvidence.js";
import type { VerificationReport, VerificationSubject } from "../core/verify/VerificationReport.js";
import type { ZkCacVerifier } from "../core/zk/ZkCacVerifier.js";
import { EvidenceUnavailableError, gatherEvidence, type EvidenceSources, type GatherOptions } from "./gatherEvidence.js";

export type VerifyFromPublicDataParameters = GatherOptions & { sources: EvidenceSources; replay?: ClauseReplayer; verifyZk?: ZkCacVerifier };

/**
 * `nsf verify`'s core, reusable by any front end: gather the public data (relayer/verify/gatherEvidence.ts), then
 * run the pure checks (relayer/core/verify/verifyEvidence.ts). Never throws for bad or missing data: the report says
 * `invalid` or `unverifiable` and names the check.
 */
export async function verifyFromPublicData(subject: VerificationSubject, parameters: VerifyFromPublicDataParameters): Promise<VerificationReport> {
  try {
    const evidence = await gatherEvidence(subject, parameters.sources, parameters);
    return await verifyEvidence(evidence, { ...(parameters.replay ? { replay: parameters.replay } : {}), ...(parameters.verifyZk ? { verifyZk: parameters.verifyZk } : {}) });
  } catch (error) {
    if (!(error instanceof EvidenceUnavailableError)) throw error;
    return {
      schema: "nsf.verify-report/1",
      subject,
      verdict: "unverifiable",
      failed: { name: "anchor.located", reason: error.message },
      executions: [],
      checks: [{ name: "anchor.located", status: "unavailable", reason: error.message }],
    };
  }
}

/**
 * What the command line names: a 43-character base64url Arweave id, or 32 bytes of hex that is either an anchor
 * transaction (if the chain has a transaction with that hash) or an execution id. `undefined` when it is neither shape.
 */
export async function resolveSubject(text: string, sources: Pick<EvidenceSources, "chain">): Promise<VerificationSubject | { unavailable: string } | undefined> {
  if (isArweaveTxId(text)) return { kind: "arweave-tx", arweaveTxId: text };
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) return undefined;
  const hash = text.toLowerCase() as Hex;
  const tx = await sources.chain.isTransaction(hash);
  if (tx.status !== "found") return { unavailable: tx.status === "unavailable" ? tx.reason : "the chain did not answer" };
  return tx.value ? { kind: "anchor-tx", txHash: hash } : { kind: "execution", jobId: hash };
}
