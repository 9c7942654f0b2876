import type { Hex } from "viem";
import type { BatchBundle } from "../core/batching/batchBundle.js";

/** The App-Name every archived batch bundle carries (docs/FORMATS.md §14): what a monitor's GraphQL query filters on. */
export const ARCHIVE_APP_NAME = "NSF-Clause-Orchestration";

export type ArweaveTag = { name: string; value: string };

/**
 * The Arweave tags of an archived batch bundle (docs/FORMATS.md §14), pure and in a fixed order, so a gateway's
 * GraphQL finds a bundle by deployment, batch, root, bundle hash or tenant without the relayer:
 * App-Name, Content-Type, Bundle-Schema, Chain-Id, Anchor-Contract, Batch-Seq, Merkle-Root, Bundle-Hash, then one
 * Tenant-Id per tenant the bundle concerns (a result's tenant or an audit head's), ascending.
 */
export function bundleTags(bundle: BatchBundle, bundleHash: Hex): ArweaveTag[] {
  const tenants = new Set<string>([...bundle.results.map((r) => r.tenant.tenant_id), ...bundle.audit_heads.map((a) => a.tenant_id)]);
  return [
    { name: "App-Name", value: ARCHIVE_APP_NAME },
    { name: "Content-Type", value: "application/json" },
    { name: "Bundle-Schema", value: bundle.schema },
    { name: "Chain-Id", value: bundle.chain_id },
    { name: "Anchor-Contract", value: bundle.rollup_anchor.toLowerCase() },
    { name: "Batch-Seq", value: bundle.batch.batch_seq },
    { name: "Merkle-Root", value: bundle.batch.root },
    { name: "Bundle-Hash", value: bundleHash.toLowerCase() },
    ...[...tenants].sort().map((t) => ({ name: "Tenant-Id", value: t })),
  ];
}
