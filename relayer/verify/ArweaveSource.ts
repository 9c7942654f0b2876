import type { Fetched } from "../core/verify/ExecutionEvidence.js";

/**
 * Read access to the Arweave archive (docs/FORMATS.md §12, §13): a transaction's data by id, and transaction ids
 * by tags through GraphQL. `absent` means the gateway answered that there is no such data; `unavailable` that
 * it could not be asked.
 */
export type ArweaveSource = {
  /** The transaction's data parsed as JSON. */
  fetchJson(arweaveTxId: string): Promise<Fetched<unknown>>;
  /** Ids of transactions carrying every tag given (name → value), newest first as the gateway orders them. */
  findByTags(tags: Readonly<Record<string, string>>): Promise<Fetched<string[]>>;
};

/** The tags a batch bundle is posted with (issue 5 item 1). `nsf verify` searches by the first three. */
export const BundleTag = {
  AppName: "App-Name",
  ChainId: "Chain-Id",
  BatchSeq: "Batch-Seq",
  AnchorContract: "Anchor-Contract",
  MerkleRoot: "Merkle-Root",
  BundleHash: "Bundle-Hash",
} as const;

/** The App-Name value of batch bundles. */
export const BUNDLE_APP_NAME = "NSF";
