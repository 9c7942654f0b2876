import { expect } from "chai";
import type { Hex } from "viem";
import { auditEntryHash, AUDIT_GENESIS, verifyAuditChain, type AuditEntry, type ChainedAuditEntry } from "../../../../relayer/core/audit/auditChain.js";

const T = `0x${"aa".repeat(32)}` as Hex;
function chain(n: number): ChainedAuditEntry[] {
  const out: ChainedAuditEntry[] = [];
  let prev = AUDIT_GENESIS;
  for (let i = 1; i <= n; i++) {
    const entry: AuditEntry = { schema: "nsf.audit/1", tenant_id: T, seq: i, event: "job.seen", job_id: `0x${i.toString(16).padStart(64, "0")}` };
    const entryHash = auditEntryHash(prev, entry);
    out.push({ entry, prevHash: prev, entryHash });
    prev = entryHash;
  }
  return out;
}

describe("relayer/core/audit/auditChain", () => {
  it("verifies an intact chain and reports its head", () => {
    const entries = chain(4);
    expect(verifyAuditChain(T, entries)).to.deep.equal({ ok: true, head: entries[3]!.entryHash });
  });
  it("detects an edited, dropped, reordered or foreign entry", () => {
    const edited = chain(3);
    edited[1] = { ...edited[1]!, entry: { ...edited[1]!.entry, event: "job.agreed" } };
    expect(verifyAuditChain(T, edited)).to.deep.include({ ok: false, brokenAt: 2 });
    const dropped = chain(3);
    dropped.splice(1, 1);
    expect(verifyAuditChain(T, dropped)).to.deep.include({ ok: false, brokenAt: 2 });
    expect(verifyAuditChain(`0x${"bb".repeat(32)}`, chain(1))).to.deep.include({ ok: false, brokenAt: 1 });
  });
});
