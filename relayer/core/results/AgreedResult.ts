import type { Address, Hex } from "viem";
import type { Cac } from "../formats/eip712.js";

/**
 * What the pipeline hands the aggregator once k executors agree on one output (DESIGN.md §3.7):
 * everything a co-signer needs to re-verify the result from the chain alone, and everything the
 * Arweave bundle and a consumer's proof need later.
 */
export type AgreedResult = {
  jobId: Hex;
  clauseId: Hex;
  /** The clause id string, e.g. "UNDRR::Disaster::FloodPayout@1.0.0". */
  clauseRef: string;
  tenantId: Hex;
  dao: Address;
  jurisdiction: string;
  inputHash: Hex;
  outputHash: Hex;
  /** abi.encode(uint16 status, bytes32 action, uint256[] amounts) — docs/FORMATS.md §5. */
  output: Hex;
  /** The canonical input bundle the executors hashed (docs/FORMATS.md §6). */
  inputBundle: unknown;
  /** The agreeing CACs, ascending by signer; at least the clause's quorum k. */
  cacs: AgreedCac[];
  /** Chain time (seconds) at which agreement was reached. */
  agreedAt: bigint;
};

export type AgreedCac = {
  signer: Address;
  cac: Cac;
  /** EIP-712 digest (RollupAnchor domain). */
  digest: Hex;
  /** 65-byte (r, s, v). */
  signature: Hex;
  /** The readable CAC JSON the node returned (docs/FORMATS.md §11). */
  json: Record<string, unknown>;
};

/** Receives agreed results; the aggregator implements it, the pipeline calls it. */
export type ResultSink = {
  /** Idempotent by jobId: submitting the same job twice records it once. */
  submit(result: AgreedResult): Promise<void>;
};
