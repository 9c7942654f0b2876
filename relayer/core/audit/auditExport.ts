import { z } from "zod";
import type { Hex } from "viem";
import { BatchBundleSchema, bundleHashOf } from "../batching/batchBundle.js";
import { AUDIT_SCHEMA, verifyAuditChain, type AuditEntry, type ChainedAuditEntry } from "./auditChain.js";

/**
 * A tenant's audit-log export (docs/FORMATS.md §13, `nsf.audit-export/1`), pure: the tenant's hash-chained entries
 * and, for every anchored batch whose bundle carried this tenant's audit head, the proof that ties the chain to
 * that anchor — the batch sequence, its bundleHash (signed by the aggregator quorum and anchored), where the bundle
 * is on Arweave, and the (seq, head) the bundle's `audit_heads` lists for this tenant. Nothing of another tenant.
 */
export const AUDIT_EXPORT_SCHEMA = "nsf.audit-export/1";

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/);
const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/);

const AuditEntrySchema = z
  .object({
    schema: z.literal(AUDIT_SCHEMA),
    tenant_id: hex32,
    seq: z.number().int().min(1),
    event: z.string(),
    job_id: z.string(),
  })
  .passthrough();

export const AuditAnchorProofSchema = z.strictObject({
  batch_seq: decimal,
  /** keccak256 of the bundle bytes; the signed and anchored BatchHeader.bundleHash. */
  bundle_hash: hex32,
  /** The bundle's `audit_heads` item for this tenant. */
  seq: decimal,
  head: hex32,
  /** The anchor transaction on the chain (when the relayer saw it mined). */
  anchor_tx: hex32.nullable(),
  /** The Arweave transaction holding the bundle (null when not archived yet) and the locator the anchor emitted. */
  arweave_tx_id: z.string().regex(/^[A-Za-z0-9_-]{43}$/).nullable(),
  arweave_locator: hex32,
});

export const AuditExportSchema = z.strictObject({
  schema: z.literal(AUDIT_EXPORT_SCHEMA),
  tenant_id: hex32,
  chain_id: decimal,
  rollup_anchor: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  exported_at: z.string(),
  entries: z.array(z.strictObject({ entry: AuditEntrySchema, prev_hash: hex32, entry_hash: hex32 })),
  anchors: z.array(AuditAnchorProofSchema),
});

export type AuditAnchorProof = z.infer<typeof AuditAnchorProofSchema>;
export type AuditExport = z.infer<typeof AuditExportSchema>;

export function buildAuditExport(input: {
  tenantId: Hex;
  chainId: bigint;
  rollupAnchor: string;
  exportedAt: Date;
  entries: readonly ChainedAuditEntry[];
  anchors: readonly AuditAnchorProof[];
}): AuditExport {
  const tenant = input.tenantId.toLowerCase();
  return {
    schema: AUDIT_EXPORT_SCHEMA,
    tenant_id: tenant,
    chain_id: input.chainId.toString(),
    rollup_anchor: input.rollupAnchor,
    exported_at: input.exportedAt.toISOString(),
    // Strictly this tenant's entries, whatever the caller passed.
    entries: input.entries.filter((e) => e.entry.tenant_id.toLowerCase() === tenant).map((e) => ({ entry: e.entry, prev_hash: e.prevHash.toLowerCase(), entry_hash: e.entryHash.toLowerCase() })),
    anchors: [...input.anchors].sort((a, b) => Number(BigInt(a.batch_seq) - BigInt(b.batch_seq))),
  };
}

export type AuditVerification =
  | { ok: true; tenantId: Hex; entries: number; head: Hex; anchored: { batchSeq: string; seq: string }[] }
  | { ok: false; tenantId: Hex; check: "CHAIN" | "ANCHOR"; entrySeq?: number; position?: number; batchSeq?: string; reason: string };

/**
 * Recomputes the chain (order, tenant, links, hashes) and checks that every anchor proof's (seq, head) is the
 * chain's hash at that sequence. The first failure names the entry (its position in the file and the sequence it
 * should have) or the anchor. Offline: whether each bundle_hash is anchored and lists that head is checked against
 * the chain and Arweave (`nsf audit verify --gateway`, `nsf verify`).
 */
export function verifyAuditExport(doc: AuditExport): AuditVerification {
  const tenantId = doc.tenant_id as Hex;
  const chained: ChainedAuditEntry[] = doc.entries.map((e) => ({ entry: e.entry as unknown as AuditEntry, prevHash: e.prev_hash as Hex, entryHash: e.entry_hash as Hex }));
  const result = verifyAuditChain(tenantId, chained);
  if (!result.ok) {
    const position = result.brokenAt;
    const actual = doc.entries[position - 1]?.entry.seq;
    return { ok: false, tenantId, check: "CHAIN", entrySeq: actual, position, reason: `entry at position ${position} (seq ${actual ?? "?"}): ${result.reason}` };
  }
  const anchored: { batchSeq: string; seq: string }[] = [];
  for (const a of doc.anchors) {
    const seq = Number(a.seq);
    const entry = doc.entries[seq - 1];
    if (!entry) return { ok: false, tenantId, check: "ANCHOR", batchSeq: a.batch_seq, reason: `batch ${a.batch_seq} anchors head seq ${a.seq}, but the export has ${doc.entries.length} entries` };
    if (entry.entry_hash !== a.head) return { ok: false, tenantId, check: "ANCHOR", batchSeq: a.batch_seq, entrySeq: seq, reason: `batch ${a.batch_seq} anchors head ${a.head} at seq ${a.seq}; the chain has ${entry.entry_hash}` };
    anchored.push({ batchSeq: a.batch_seq, seq: a.seq });
  }
  return { ok: true, tenantId, entries: doc.entries.length, head: result.head, anchored };
}

/**
 * Ties one anchor proof to the archived bundle bytes (e.g. fetched from Arweave): the bytes hash to `bundle_hash`,
 * the bundle is for the export's chain and RollupAnchor and batch, and its `audit_heads` lists exactly this tenant's
 * `(seq, head)`. Returns undefined when it holds, else the reason.
 */
export function checkAnchorAgainstBundle(doc: AuditExport, anchor: AuditAnchorProof, bytes: Uint8Array): string | undefined {
  const hash = bundleHashOf(bytes);
  if (hash !== anchor.bundle_hash) return `batch ${anchor.batch_seq}: the archived data hashes to ${hash}, the export names ${anchor.bundle_hash}`;
  let bundle;
  try {
    bundle = BatchBundleSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
  } catch {
    return `batch ${anchor.batch_seq}: the archived data is not an nsf.bundle/1 document`;
  }
  if (bundle.chain_id !== doc.chain_id || bundle.rollup_anchor.toLowerCase() !== doc.rollup_anchor.toLowerCase()) return `batch ${anchor.batch_seq}: the bundle is for chain ${bundle.chain_id} / ${bundle.rollup_anchor}`;
  if (bundle.batch.batch_seq !== anchor.batch_seq) return `the bundle is batch ${bundle.batch.batch_seq}, the export says ${anchor.batch_seq}`;
  const listed = bundle.audit_heads.find((a) => a.tenant_id === doc.tenant_id);
  if (!listed || listed.seq !== anchor.seq || listed.head !== anchor.head) {
    return `batch ${anchor.batch_seq}: the bundle lists ${listed ? `head ${listed.head} at seq ${listed.seq}` : "no head"} for this tenant, the export ${anchor.head} at seq ${anchor.seq}`;
  }
  return undefined;
}
