import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { keccak256, toBytes, type Hex } from "viem";
import { archiveMigrations, createArchiveStore } from "../../../relayer/archive/archiveStore.js";
import { arweaveIdToLocator } from "../../../relayer/archive/arweaveLocator.js";
import type { AuditExport } from "../../../relayer/core/audit/auditExport.js";
import { buildBatchBundle, bundleBytes, bundleHashOf, type BundleEntry } from "../../../relayer/core/batching/batchBundle.js";
import { canonicalJson } from "../../../relayer/core/formats/canonicalJson.js";
import { batchMigrations, createBatchStore } from "../../../relayer/store/batchStore.js";
import { createJobStore, JOB_STORE_MIGRATIONS } from "../../../relayer/store/jobStore.js";
import { openDatabase } from "../../../relayer/store/openDatabase.js";
import { spawnNsf } from "../../helpers/spawnNsf.js";

const h = (s: string) => keccak256(toBytes(s));
const TENANT = h("tenant a");
const OTHER = h("tenant b");
const ARWEAVE_ID = "XW_VPsQFb9Oil2EHxSSJhXkuPvruKOpnKAJgq8nRhiE";

/** A relayer database with two tenants' audit logs and one anchored batch whose bundle carries both heads. */
function relayerDatabase(dir: string): { config: string; bundleHash: Hex } {
  const file = path.join(dir, "relayer.sqlite");
  const database = openDatabase({ file, migrations: { jobs: JOB_STORE_MIGRATIONS, batches: batchMigrations, archive: archiveMigrations } });
  const jobs = createJobStore({ database });
  for (let i = 1; i <= 4; i++) {
    jobs.appendAudit(TENANT, { event: "job.seen", jobId: h(`job ${i}`), detail: { i } });
    jobs.appendAudit(OTHER, { event: "job.seen", jobId: h(`secret of b ${i}`) });
  }
  const entry: BundleEntry = {
    result: { jobId: h("job 1"), clauseId: h("c"), clauseRef: "UNDRR::Disaster::FloodPayout@1.0.0", tenantId: TENANT, dao: "0x000000000000000000000000000000000000dA0A", jurisdiction: "KEN", inputHash: h("i"), outputHash: h("o"), output: "0x01", inputBundle: {}, cacs: [{ signer: "0x0000000000000000000000000000000000000001", cac: {} as never, digest: h("d"), signature: `0x${"11".repeat(65)}`, json: {} }], agreedAt: 1n },
    leaf: { jobId: h("job 1"), resultSeq: 1n, clauseId: h("c"), tenantId: TENANT, inputHash: h("i"), outputHash: h("o"), cacSetHash: h("s") },
    leafHash: h("leaf"),
    proof: [],
  };
  const bundle = buildBatchBundle({ chainId: 31337n, rollupAnchor: "0x5FbDB2315678afecb367f032d93F642f64180aa3", batchSeq: 1n, firstSeq: 1n, lastSeq: 1n, prevCommitment: h("p"), configDigest: h("cfg"), root: h("leaf") }, [entry], jobs.auditHeads());
  const bundleHash = bundleHashOf(bundleBytes(bundle));
  const batches = createBatchStore({ database });
  batches.openBatch(1n);
  batches.sealBatch({ batchSeq: 1n, header: { batchSeq: 1n, firstSeq: 1n, lastSeq: 1n, count: 1n, root: h("leaf"), prevCommitment: h("p"), bundleHash, configDigest: h("cfg") }, bundleJson: canonicalJson(bundle), assignments: [] });
  batches.markAnchored(1n, { txHash: h("anchor tx"), blockNumber: 5n, blockHash: h("block") });
  createArchiveStore({ database }).prepare({ batchSeq: 1n, bundleHash, anchoredLocator: arweaveIdToLocator(ARWEAVE_ID), signed: { txId: ARWEAVE_ID, txJson: "{}" } });
  // Entries after the anchored head: exported too, not yet anchored.
  jobs.appendAudit(TENANT, { event: "job.agreed", jobId: h("job 5") });
  database.close();
  const config = path.join(dir, "relayer.json");
  const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
  writeFileSync(
    config,
    JSON.stringify({
      chain: { rpcUrl: "http://127.0.0.1:8545", chainId: 31337 },
      contracts: { jobRouter: address(1), nodeRegistry: address(2), clauseRegistry: address(3), rollupAnchor: "0x5FbDB2315678afecb367f032d93F642f64180aa3", jurisdictionRegistry: address(4) },
      nodes: [{ url: "http://127.0.0.1:8650", enclaveKey: address(5) }],
      database: { file },
    }),
  );
  return { config, bundleHash };
}

describe("nsf audit export | verify", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "nsf-audit-cli-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("exports one tenant with the proof tying its head to the anchored batch, verifies it (0), and refuses a tampered (1) or unreadable (2) export", async () => {
    const { config, bundleHash } = relayerDatabase(dir);
    const out = path.join(dir, "tenant-a.json");
    const exporting = spawnNsf(["audit", "export", "--config", config, "--tenant", TENANT, "--out", out]);
    expect((await exporting.exited).code, exporting.stderr()).to.equal(0);
    const text = readFileSync(out, "utf8");
    const doc = JSON.parse(text) as AuditExport;
    expect(doc.entries).to.have.length(5);
    expect(text).to.not.include(OTHER.slice(2));
    expect(text).to.not.include(h("secret of b 1").slice(2));
    expect(doc.anchors).to.deep.equal([{ batch_seq: "1", bundle_hash: bundleHash, seq: "4", head: doc.entries[3]!.entry_hash, anchor_tx: h("anchor tx"), arweave_tx_id: ARWEAVE_ID, arweave_locator: arweaveIdToLocator(ARWEAVE_ID) }]);

    const valid = spawnNsf(["audit", "verify", out]);
    expect((await valid.exited).code, valid.stderr()).to.equal(0);
    expect(valid.stdout()).to.match(/^VALID/).and.include("anchored with batch 1");

    const tampered = path.join(dir, "tampered.json");
    doc.entries[2]!.entry.event = "job.rejected";
    writeFileSync(tampered, JSON.stringify(doc));
    const invalid = spawnNsf(["audit", "verify", tampered, "--json"]);
    expect((await invalid.exited).code).to.equal(1);
    expect(JSON.parse(invalid.stdout())).to.deep.include({ valid: false, exitCode: 1, check: "CHAIN", position: 3, entrySeq: 3 });

    const garbage = path.join(dir, "garbage.json");
    writeFileSync(garbage, "{ not json");
    const unreadable = spawnNsf(["audit", "verify", garbage]);
    expect((await unreadable.exited).code).to.equal(2);
    expect(unreadable.stdout()).to.match(/^COULD NOT VERIFY\s+UNREADABLE:/);
    const missing = spawnNsf(["audit", "verify", path.join(dir, "nope.json")]);
    expect((await missing.exited).code).to.equal(2);
  });

  it("refuses a malformed tenant id and a tenant with no entries (exit 1, typed)", async () => {
    const { config } = relayerDatabase(mkdtempSync(path.join(dir, "b-")));
    const bad = spawnNsf(["audit", "export", "--config", config, "--tenant", "0x1234"]);
    expect((await bad.exited).code).to.equal(1);
    expect(bad.stderr()).to.include("NSF_CLI_INVALID_ARGUMENT");
    const unknown = spawnNsf(["audit", "export", "--config", config, "--tenant", h("nobody")]);
    expect((await unknown.exited).code).to.equal(1);
    expect(unknown.stderr()).to.include("NSF_AUDIT_TENANT_UNKNOWN");
  });
});
