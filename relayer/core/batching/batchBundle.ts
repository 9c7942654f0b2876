import { z } from "zod";
import type { Address, Hex } from "viem";
import { canonicalJson } from "../formats/canonicalJson.js";
import { LEAF_TYPES, type ExecutionLeaf } from "../formats/leaf.js";
import type { AgreedResult } from "../results/AgreedResult.js";
import { bytesToHexFast, nobleKeccak, type Keccak } from "./hashing.js";

/**
 * The batch bundle (docs/FORMATS.md §12, `nsf.bundle/1`): everything an auditor needs to re-verify a batch
 * from public data — the header fields, every agreed result with its input bundle, output and every CAC JSON
 * with its signature, the leaf values and each leaf's proof. `bundleHash = keccak256(utf8(JCS(bundle)))` is
 * signed in the BatchHeader and anchored, so the archived bytes are bound to the root.
 * The bundle does not contain `bundleHash` itself (it is the hash of these bytes).
 * `audit_heads` anchors each tenant's audit-log head (core/audit/auditChain.ts) with the batch (ADR 0012).
 */
export const BUNDLE_SCHEMA = "nsf.bundle/1";
export const TREE_LAYOUT = "openzeppelin-standard-v1";

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/);
const hex = z.string().regex(/^0x([0-9a-f]{2})*$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/);

export const BundleCacSchema = z.strictObject({
  signer: address,
  /** 65-byte (r, s, v) EIP-712 signature by the enclave key. */
  signature: z.string().regex(/^0x[0-9a-f]{130}$/),
  /** The CAC JSON (docs/FORMATS.md §11). */
  cac: z.record(z.string(), z.unknown()),
});

export const BundleResultSchema = z.strictObject({
  result_seq: decimal,
  job_id: hex32,
  clause: z.string(),
  clause_id: hex32,
  tenant: z.strictObject({ tenant_id: hex32, dao: address, jurisdiction: z.string().regex(/^[A-Z]{3}$/) }),
  input_hash: hex32,
  input_bundle: z.unknown(),
  output: hex,
  output_hash: hex32,
  agreed_at: decimal,
  /** Ascending by signer address. */
  cacs: z.array(BundleCacSchema).min(1),
  cac_set_hash: hex32,
  leaf_hash: hex32,
  proof: z.array(hex32),
});

/** One tenant's audit-log head when the batch was sealed: entry `seq` of its chain hashes to `head`. */
export const BundleAuditHeadSchema = z.strictObject({
  tenant_id: hex32,
  seq: decimal,
  head: hex32,
});

export const BatchBundleSchema = z.strictObject({
  schema: z.literal(BUNDLE_SCHEMA),
  chain_id: decimal,
  rollup_anchor: address,
  batch: z.strictObject({
    batch_seq: decimal,
    first_seq: decimal,
    last_seq: decimal,
    count: decimal,
    prev_commitment: hex32,
    config_digest: hex32,
    root: hex32,
  }),
  leaf_types: z.tuple([z.literal("bytes32"), z.literal("uint64"), z.literal("bytes32"), z.literal("bytes32"), z.literal("bytes32"), z.literal("bytes32"), z.literal("bytes32")]),
  tree: z.literal(TREE_LAYOUT),
  /** Ascending by result_seq: firstSeq … lastSeq without gaps. */
  results: z.array(BundleResultSchema).min(1),
  /** Strictly ascending by tenant_id (one head per tenant); may be empty. */
  audit_heads: z.array(BundleAuditHeadSchema),
});

export type BundleCac = z.infer<typeof BundleCacSchema>;
export type BundleResult = z.infer<typeof BundleResultSchema>;
export type BundleAuditHead = z.infer<typeof BundleAuditHeadSchema>;
export type BatchBundle = z.infer<typeof BatchBundleSchema>;

/** A tenant's audit head as the relayer's job store reports it (`JobStore.auditHeads()`). */
export type AuditHead = { tenantId: Hex; seq: number; head: Hex };

export type BundleBatchFields = {
  chainId: bigint;
  rollupAnchor: Address;
  batchSeq: bigint;
  firstSeq: bigint;
  lastSeq: bigint;
  prevCommitment: Hex;
  configDigest: Hex;
  root: Hex;
};

export type BundleEntry = { result: AgreedResult; leaf: ExecutionLeaf; leafHash: Hex; proof: readonly Hex[] };

const lower = (h: string) => h.toLowerCase() as Hex;

/** Assembles the bundle; `entries` in result_seq order; `auditHeads` in any order (sorted here). */
export function buildBatchBundle(batch: BundleBatchFields, entries: readonly BundleEntry[], auditHeads: readonly AuditHead[] = []): BatchBundle {
  return {
    schema: BUNDLE_SCHEMA,
    chain_id: batch.chainId.toString(),
    rollup_anchor: batch.rollupAnchor,
    batch: {
      batch_seq: batch.batchSeq.toString(),
      first_seq: batch.firstSeq.toString(),
      last_seq: batch.lastSeq.toString(),
      count: (batch.lastSeq - batch.firstSeq + 1n).toString(),
      prev_commitment: lower(batch.prevCommitment),
      config_digest: lower(batch.configDigest),
      root: lower(batch.root),
    },
    leaf_types: [...LEAF_TYPES],
    tree: TREE_LAYOUT,
    results: entries.map(({ result, leaf, leafHash, proof }) => ({
      result_seq: leaf.resultSeq.toString(),
      job_id: lower(result.jobId),
      clause: result.clauseRef,
      clause_id: lower(result.clauseId),
      tenant: { tenant_id: lower(result.tenantId), dao: result.dao, jurisdiction: result.jurisdiction },
      input_hash: lower(result.inputHash),
      input_bundle: result.inputBundle,
      output: lower(result.output),
      output_hash: lower(result.outputHash),
      agreed_at: result.agreedAt.toString(),
      cacs: result.cacs.map((c) => ({ signer: c.signer, signature: lower(c.signature), cac: c.json })),
      cac_set_hash: lower(leaf.cacSetHash),
      leaf_hash: lower(leafHash),
      proof: proof.map(lower),
    })),
    audit_heads: [...auditHeads]
      .map((a) => ({ tenant_id: lower(a.tenantId), seq: a.seq.toString(), head: lower(a.head) }))
      .sort((a, b) => (a.tenant_id < b.tenant_id ? -1 : a.tenant_id > b.tenant_id ? 1 : 0)),
  };
}

/** The leaf values (docs/FORMATS.md §7) a bundle result carries. */
export function leafOfBundleResult(r: BundleResult): ExecutionLeaf {
  return {
    jobId: r.job_id as Hex,
    resultSeq: BigInt(r.result_seq),
    clauseId: r.clause_id as Hex,
    tenantId: r.tenant.tenant_id as Hex,
    inputHash: r.input_hash as Hex,
    outputHash: r.output_hash as Hex,
    cacSetHash: r.cac_set_hash as Hex,
  };
}

/** The canonical bytes of a bundle (RFC 8785), what is archived and hashed. */
export function bundleBytes(bundle: BatchBundle): Uint8Array {
  return new TextEncoder().encode(canonicalJson(bundle));
}

export function bundleHashOf(bundle: BatchBundle | Uint8Array, keccak: Keccak = nobleKeccak): Hex {
  return bytesToHexFast(keccak(bundle instanceof Uint8Array ? bundle : bundleBytes(bundle)));
}
