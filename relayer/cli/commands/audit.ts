import { readFile, writeFile } from "node:fs/promises";
import type { Hex } from "viem";
import { archiveMigrations, createArchiveStore } from "../../archive/archiveStore.js";
import { locatorToArweaveId, NO_ARWEAVE_LOCATOR } from "../../archive/arweaveLocator.js";
import { loadRelayerEndpoints } from "../../config/relayerConfig.js";
import { arweaveClient } from "../../archive/arweaveClient.js";
import { ARCHIVE_APP_NAME } from "../../archive/bundleTags.js";
import { buildAuditExport, checkAnchorAgainstBundle, verifyAuditExport, AuditExportSchema, type AuditAnchorProof, type AuditExport, type AuditVerification } from "../../core/audit/auditExport.js";
import { BatchBundleSchema } from "../../core/batching/batchBundle.js";
import { NsfError } from "../../core/errors/NsfError.js";
import { batchMigrations, createBatchStore } from "../../store/batchStore.js";
import { createJobStore, JOB_STORE_MIGRATIONS } from "../../store/jobStore.js";
import { openDatabase } from "../../store/openDatabase.js";

export type AuditExportOptions = { config: string; tenant: string; out?: string };

/**
 * `nsf audit export --tenant <id>`: one tenant's audit log from the relayer's database (the config names it), with,
 * for every anchored batch whose bundle carried this tenant's audit head, the proof tying the chain to that anchor
 * (docs/FORMATS.md §13). Only this tenant's entries and heads are written; other tenants' data never leaves.
 */
export async function runAuditExport(options: AuditExportOptions): Promise<void> {
  const tenantId = options.tenant.toLowerCase();
  if (!/^0x[0-9a-f]{64}$/.test(tenantId)) throw new NsfError("NSF_CLI_INVALID_ARGUMENT", { shortMessage: `--tenant must be a 32-byte tenant id (0x + 64 hex), got ${options.tenant.slice(0, 80)}` });
  const endpoints = await loadRelayerEndpoints({ file: options.config });
  const database = openDatabase({ file: endpoints.database.file, migrations: { jobs: JOB_STORE_MIGRATIONS, batches: batchMigrations, archive: archiveMigrations } });
  try {
    const jobs = createJobStore({ database });
    const batches = createBatchStore({ database });
    const archive = createArchiveStore({ database });
    const entries = jobs.auditLog(tenantId as Hex);
    if (entries.length === 0) throw new NsfError("NSF_AUDIT_TENANT_UNKNOWN", { shortMessage: `no audit entries for tenant ${tenantId} in ${endpoints.database.file}` });
    const anchors: AuditAnchorProof[] = [];
    for (const batch of batches.batchesIn("anchored")) {
      const json = batches.bundleJson(batch.batchSeq);
      if (!json || !batch.bundleHash) continue;
      const head = BatchBundleSchema.parse(JSON.parse(json)).audit_heads.find((a) => a.tenant_id === tenantId);
      if (!head) continue;
      const upload = archive.get(batch.batchSeq, batch.bundleHash);
      const locator = upload?.anchoredLocator ?? NO_ARWEAVE_LOCATOR;
      anchors.push({
        batch_seq: batch.batchSeq.toString(),
        bundle_hash: batch.bundleHash.toLowerCase(),
        seq: head.seq,
        head: head.head,
        anchor_tx: batch.anchorTx?.toLowerCase() ?? null,
        arweave_tx_id: upload?.txId ?? (locator === NO_ARWEAVE_LOCATOR ? null : locatorToArweaveId(locator)),
        arweave_locator: locator,
      });
    }
    const doc = buildAuditExport({ tenantId: tenantId as Hex, chainId: endpoints.chain.chainId, rollupAnchor: endpoints.contracts.rollupAnchor, exportedAt: new Date(), entries, anchors });
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    if (options.out) {
      await writeFile(options.out, text);
      process.stderr.write(`nsf: exported ${doc.entries.length} audit entries of tenant ${tenantId} with ${doc.anchors.length} anchored head(s) to ${options.out}\n`);
    } else process.stdout.write(text);
  } finally {
    database.close();
  }
}

export type AuditVerifyOptions = { json: boolean; gateway?: string };

/** Exit codes of `nsf audit verify`: 0 valid, 1 invalid (naming the first bad entry), 2 the export could not be read. */
export const AUDIT_VERIFY_EXIT = { valid: 0, invalid: 1, unreadable: 2 } as const;

/**
 * `nsf audit verify <export>`: recomputes the tenant's hash chain (order, tenant of every entry, links, hashes) and
 * checks that every anchored head in the export is the chain's hash at its sequence. With `--gateway`, also fetches
 * each anchored batch's bundle from Arweave (by its id, else by its Bundle-Hash tag) and checks it hashes to the
 * export's bundle_hash and lists this tenant's head. Prints a report (or JSON) and sets the exit code.
 */
export async function runAuditVerify(file: string, options: AuditVerifyOptions): Promise<void> {
  let outcome: AuditVerification | { ok: false; check: "UNREADABLE" | "UNREACHABLE"; reason: string };
  try {
    const text = await readFile(file, "utf8");
    const parsed = AuditExportSchema.safeParse(JSON.parse(text));
    outcome = parsed.success
      ? verifyAuditExport(parsed.data)
      : { ok: false, check: "UNREADABLE", reason: `not an nsf.audit-export/1 document: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(document)"}: ${i.message}`).join("; ")}` };
    if (outcome.ok && parsed.success && options.gateway) outcome = await checkArchivedHeads(parsed.data, options.gateway, outcome);
  } catch (error) {
    outcome = { ok: false, check: "UNREADABLE", reason: `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const exit = outcome.ok ? AUDIT_VERIFY_EXIT.valid : outcome.check === "UNREADABLE" || outcome.check === "UNREACHABLE" ? AUDIT_VERIFY_EXIT.unreadable : AUDIT_VERIFY_EXIT.invalid;
  if (options.json) process.stdout.write(`${JSON.stringify({ file, valid: outcome.ok, exitCode: exit, ...outcome }, null, 2)}\n`);
  else if (outcome.ok) {
    process.stdout.write(
      [
        `VALID  audit log of tenant ${outcome.tenantId}`,
        `  entries: ${outcome.entries}, chain recomputed, head ${outcome.head}`,
        ...outcome.anchored.map((a) => `  head at seq ${a.seq} anchored with batch ${a.batchSeq}${options.gateway ? ` (its archived bundle on ${options.gateway} hashes to the export's bundle hash and lists this head)` : " (bundle hash in the export; --gateway checks the archived bundle, nsf verify the anchor)"}`),
        outcome.anchored.length === 0 ? "  no anchored head in this export yet" : "",
      ]
        .filter(Boolean)
        .join("\n") + "\n",
    );
  } else process.stdout.write(`${exit === 1 ? "INVALID" : "COULD NOT VERIFY"}  ${outcome.check}: ${outcome.reason}\n`);
  process.exitCode = exit;
}

/** Each anchor proof against the bundle archived on the gateway: by the export's Arweave id, else by Bundle-Hash tag. */
async function checkArchivedHeads(doc: AuditExport, gateway: string, ok: AuditVerification & { ok: true }): Promise<AuditVerification | { ok: false; check: "UNREACHABLE"; reason: string }> {
  const arweave = arweaveClient(gateway);
  for (const anchor of doc.anchors) {
    let bytes: Uint8Array | undefined;
    try {
      const ids = anchor.arweave_tx_id ? [anchor.arweave_tx_id] : [];
      const found = await arweave.api.post<{ data?: { transactions?: { edges?: { node: { id: string } }[] } } }>("graphql", {
        query: `query($hash: String!) { transactions(tags: [{ name: "App-Name", values: ["${ARCHIVE_APP_NAME}"] }, { name: "Bundle-Hash", values: [$hash] }]) { edges { node { id } } } }`,
        variables: { hash: anchor.bundle_hash },
      });
      for (const edge of found.data?.data?.transactions?.edges ?? []) if (!ids.includes(edge.node.id)) ids.push(edge.node.id);
      for (const id of ids) {
        const data = await arweave.transactions.getData(id, { decode: true }).catch(() => undefined);
        if (data instanceof Uint8Array && data.length > 0) {
          bytes = data;
          if (checkAnchorAgainstBundle(doc, anchor, data) === undefined) break;
        }
      }
    } catch (error) {
      return { ok: false, check: "UNREACHABLE", reason: `gateway ${gateway}: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (!bytes) return { ok: false, check: "UNREACHABLE", reason: `batch ${anchor.batch_seq}: no archived bundle with hash ${anchor.bundle_hash} on ${gateway}` };
    const problem = checkAnchorAgainstBundle(doc, anchor, bytes);
    if (problem) return { ok: false, tenantId: ok.tenantId, check: "ANCHOR", batchSeq: anchor.batch_seq, reason: problem };
  }
  return ok;
}
