import { concat, keccak256, toHex, type Hex } from "viem";
import { bytesToHexFast, writeHex, type Keccak } from "../batching/hashing.js";
import { canonicalJson } from "../formats/canonicalJson.js";

/**
 * Per-tenant audit log (DESIGN.md §7), pure: append-only and hash-chained per tenant.
 *
 *   entryHash_i = keccak256(prevHash ‖ utf8(JCS(entry_i)))      prevHash_1 = 0x00…00
 *
 * Each entry names its tenant and sequence, so an exported log verifies on its own: recompute the chain and
 * compare the last hash with the one the relayer reports. An entry only ever carries its own tenant's facts.
 */
export const AUDIT_GENESIS: Hex = `0x${"00".repeat(32)}`;
export const AUDIT_SCHEMA = "nsf.audit/1";

export type AuditEntry = {
  schema: typeof AUDIT_SCHEMA;
  tenant_id: Hex;
  seq: number;
  /** What happened, e.g. "job.seen", "job.rejected", "job.agreed". */
  event: string;
  job_id: Hex;
  /** Chain time (seconds) the relayer acted at, when known. */
  chain_time?: string;
  /** Stable error code for failures and rejections. */
  code?: string;
  detail?: Record<string, unknown>;
};

export type ChainedAuditEntry = { entry: AuditEntry; prevHash: Hex; entryHash: Hex };

export function auditEntryHash(prevHash: Hex, entry: AuditEntry, keccak?: Keccak): Hex {
  return auditEntryHashOfJcs(prevHash, canonicalJson(entry), keccak);
}

const utf8 = new TextEncoder();

/** The same hash from the entry's JCS text (the store already has it); `keccak` e.g. the WASM one. */
export function auditEntryHashOfJcs(prevHash: Hex, jcs: string, keccak?: Keccak): Hex {
  if (!keccak) return keccak256(concat([prevHash, toHex(jcs)]));
  const text = utf8.encode(jcs);
  const preimage = new Uint8Array(32 + text.length);
  writeHex(preimage, 0, prevHash);
  preimage.set(text, 32);
  return bytesToHexFast(keccak(preimage));
}

/** Checks order, tenant, links and hashes; returns the first broken sequence number or `undefined` when intact. */
export function verifyAuditChain(tenantId: Hex, entries: readonly ChainedAuditEntry[]): { ok: true; head: Hex } | { ok: false; brokenAt: number; reason: string } {
  let prev = AUDIT_GENESIS;
  for (const [i, e] of entries.entries()) {
    const seq = i + 1;
    if (e.entry.seq !== seq) return { ok: false, brokenAt: seq, reason: `sequence ${e.entry.seq}, expected ${seq}` };
    if (e.entry.tenant_id.toLowerCase() !== tenantId.toLowerCase()) return { ok: false, brokenAt: seq, reason: "entry of another tenant" };
    if (e.prevHash !== prev) return { ok: false, brokenAt: seq, reason: "previous hash does not link" };
    const hash = auditEntryHash(prev, e.entry);
    if (hash !== e.entryHash) return { ok: false, brokenAt: seq, reason: "entry hash does not match its content" };
    prev = hash;
  }
  return { ok: true, head: prev };
}
