import type { Address, Hex } from "viem";
import type { VerificationSubject } from "./VerificationReport.js";

/**
 * The public data one verification needs, as plain data gathered by the adapters in relayer/verify/ (an RPC
 * endpoint and an Arweave gateway; never a relayer's database) and checked by `verifyEvidence`. Keeping it data
 * lets a web explorer gather the same facts its own way and run the same checks (issue 10: one verification core).
 *
 * Every fetched item says whether it was found, is absent (the source answered: there is no such thing), or is
 * unavailable (the source could not be read). Absent data fails a check; unavailable data leaves it undecided.
 */
export type Fetched<T> = { status: "found"; value: T } | { status: "absent"; reason: string } | { status: "unavailable"; reason: string };

export const found = <T>(value: T): Fetched<T> => ({ status: "found", value });
export const absent = <T>(reason: string): Fetched<T> => ({ status: "absent", reason });
export const unavailable = <T>(reason: string): Fetched<T> => ({ status: "unavailable", reason });

/** A `BatchAnchored` event (docs/FORMATS.md §8), its transaction and the two commitments around it. */
export type AnchorEvidence = {
  txHash: Hex;
  blockNumber: bigint;
  logIndex: number;
  /** The contract that emitted the event. */
  emitter: Address;
  /** The transaction's `to` (null for a contract creation). */
  txTo: Address | null;
  txSucceeded: boolean;
  /** The transaction's input: `anchor(header, arweaveTxId, quorum)` when sent directly to RollupAnchor. */
  calldata: Hex;
  event: { batchSeq: bigint; root: Hex; lastSeq: bigint; bundleHash: Hex; arweaveTxId: Hex; signerBitmap: bigint };
  /** `batchCommitment(batchSeq − 1)`: binds the previous root and lastSeq (firstSeq = its lastSeq + 1). */
  prevCommitment: Hex;
  /** `batchCommitment(batchSeq)` as stored. */
  storedCommitment: Hex;
};

/** The aggregator config in force at the anchor: the last `ConfigSet` of the emitting RollupAnchor before it. */
export type AggregatorConfigEvidence = { configDigest: Hex; configVersion: bigint; threshold: number; signers: Address[]; blockNumber: bigint; txHash: Hex };

/** The archived bundle: where it was found and the parsed JSON document. */
export type BundleEvidence = { arweaveTxId: string; via: "locator" | "tags"; document: unknown; note?: string };

/** `JobRequested` for an execution id (JobRouter), wherever it was emitted. */
export type JobRequestEvidence = {
  router: Address;
  blockNumber: bigint;
  clauseId: Hex;
  tenantId: Hex;
  clauseVersion: number;
  triggerType: number;
  inputCommitment: Hex;
  dao: Address;
  jurisdiction: Hex;
};

/** A clause version as ClauseRegistry held it at the anchor block. */
export type ClauseEvidence = {
  registry: Address;
  version: number;
  status: number;
  model: number;
  quorumK: number;
  quorumN: number;
  policyFlags: number;
  codeHash: Hex;
  configDigest: Hex;
  /** Model Zk only: the circuit bound to the version (`getZkBinding` at the anchor block), absent while unbound. */
  zkBinding?: { circuitHash: Hex; vkeyHash: Hex; verifier: Address };
};

/**
 * The registration of one signer in force at its CAC's time: the last `NodeAttested` of that key with
 * `attestedAt <= CAC timestamp` (up to the anchor block), and the TEE type NodeRegistry holds at the anchor block.
 * The verification core recomputes the verdict id (docs/FORMATS.md §1) from it.
 */
export type RegistrationEvidence = { nodeRegistry: Address; teeType: number; measurement: Hex; attestationId: Hex; attestedAt: bigint; validUntil: bigint };

/** What NodeRegistry said about one signer at the anchor block. `registration` undefined: no verdict before the CAC. */
export type ExecutorEvidence = { activeAtCacTime: boolean; status: number; activeSince: bigint; attestedUntil: bigint; jurisdiction: Hex; registration?: RegistrationEvidence };

/** A clause module and its manifest (opaque to the core: only the replayer reads it), from a published build. */
export type ClauseCode = { wasm: Uint8Array; manifest: unknown; origin: string };

export type ExecutionEvidence = {
  subject: VerificationSubject;
  expected: { chainId?: bigint; rollupAnchor: Address };
  rpcChainId: bigint;
  anchor: Fetched<AnchorEvidence>;
  aggregatorConfig: Fetched<AggregatorConfigEvidence>;
  bundle: Fetched<BundleEvidence>;
  /** The executions to check: the subject's, or every result of the batch. */
  jobIds: Hex[];
  /** By lowercase job id. */
  jobs: Record<string, Fetched<JobRequestEvidence>>;
  /** By lowercase clause id. */
  clauses: Record<string, Fetched<ClauseEvidence>>;
  /** By `executorKey(signer, cacTimestamp)`. */
  executors: Record<string, Fetched<ExecutorEvidence>>;
  /** By lowercase code hash. */
  code: Record<string, Fetched<ClauseCode>>;
};

export const executorKey = (signer: string, timestamp: bigint): string => `${signer.toLowerCase()}@${timestamp}`;
