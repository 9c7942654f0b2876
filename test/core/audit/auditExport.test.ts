import { expect } from "chai";
import { keccak256, toBytes, type Hex } from "viem";
import { AuditExportSchema, buildAuditExport, verifyAuditExport, type AuditExport } from "../../../relayer/core/audit/auditExport.js";
import { createJobStore, JOB_STORE_MIGRATIONS } from "../../../relayer/store/jobStore.js";
import { openDatabase } from "../../../relayer/store/openDatabase.js";

const h = (s: string) => keccak256(toBytes(s));
const TENANT = h("tenant a");
const OTHER = h("tenant b");

/** A real job store's audit log for two tenants, exported for the first with one anchored head at seq 3. */
function exported(): AuditExport {
  const jobs = createJobStore({ database: openDatabase({ file: ":memory:", migrations: { jobs: JOB_STORE_MIGRATIONS } }) });
  for (let i = 1; i <= 5; i++) {
    jobs.appendAudit(TENANT, { event: i === 5 ? "job.agreed" : "job.seen", jobId: h(`job ${i}`), chainTime: 1_700_000_000n + BigInt(i), detail: { i } });
    jobs.appendAudit(OTHER, { event: "job.seen", jobId: h(`other ${i}`) });
  }
  const entries = jobs.auditLog(TENANT);
  const heads = jobs.auditHeads();
  expect(heads.find((x) => x.tenantId === TENANT)).to.deep.equal({ tenantId: TENANT, seq: 5, head: entries[4]!.entryHash });
  return buildAuditExport({
    tenantId: TENANT,
    chainId: 31337n,
    rollupAnchor: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    exportedAt: new Date(0),
    entries: [...entries, ...jobs.auditLog(OTHER)],
    anchors: [{ batch_seq: "2", bundle_hash: h("bundle"), seq: "3", head: entries[2]!.entryHash, anchor_tx: h("tx"), arweave_tx_id: null, arweave_locator: `0x${"00".repeat(32)}` }],
  });
}

const copy = (doc: AuditExport): AuditExport => JSON.parse(JSON.stringify(doc)) as AuditExport;

describe("audit export", () => {
  it("exports strictly one tenant's entries and verifies: chain recomputed, anchored head matched", () => {
    const doc = exported();
    expect(AuditExportSchema.safeParse(JSON.parse(JSON.stringify(doc))).success).to.equal(true);
    expect(doc.entries).to.have.length(5);
    expect(doc.entries.every((e) => e.entry.tenant_id === TENANT)).to.equal(true);
    const outcome = verifyAuditExport(doc);
    expect(outcome).to.deep.include({ ok: true, entries: 5, head: doc.entries[4]!.entry_hash });
    expect(outcome.ok && outcome.anchored).to.deep.equal([{ batchSeq: "2", seq: "3" }]);
  });

  it("names the first bad entry: edited, removed, reordered, another tenant's", () => {
    const edited = copy(exported());
    (edited.entries[1]!.entry as { event: string }).event = "job.rejected";
    expect(verifyAuditExport(edited)).to.deep.include({ ok: false, check: "CHAIN", position: 2, entrySeq: 2 });

    const removed = copy(exported());
    removed.entries.splice(2, 1);
    expect(verifyAuditExport(removed)).to.deep.include({ ok: false, check: "CHAIN", position: 3, entrySeq: 4 });

    const reordered = copy(exported());
    [reordered.entries[3], reordered.entries[4]] = [reordered.entries[4]!, reordered.entries[3]!];
    expect(verifyAuditExport(reordered)).to.deep.include({ ok: false, check: "CHAIN", position: 4, entrySeq: 5 });

    // Another tenant's entry, even re-chained consistently, is refused by its tenant id.
    const foreign = copy(exported());
    (foreign.entries[0]!.entry as { tenant_id: string }).tenant_id = OTHER;
    const outcome = verifyAuditExport(foreign);
    expect(outcome).to.deep.include({ ok: false, check: "CHAIN", position: 1 });
    expect(!outcome.ok && outcome.reason).to.match(/another tenant/);
  });

  it("refuses an anchor proof whose head is not the chain's at that sequence, or lies beyond the export", () => {
    const wrongHead = copy(exported());
    wrongHead.anchors[0]!.head = h("forged");
    expect(verifyAuditExport(wrongHead)).to.deep.include({ ok: false, check: "ANCHOR", batchSeq: "2", entrySeq: 3 });
    const beyond = copy(exported());
    beyond.anchors[0]!.seq = "9";
    expect(verifyAuditExport(beyond)).to.deep.include({ ok: false, check: "ANCHOR", batchSeq: "2" });
  });
});
