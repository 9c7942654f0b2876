import { readFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, type Address, type Hex } from "viem";
import { runAuditExport } from "../cli/commands/audit.js";
import { AuditExportSchema, verifyAuditExport } from "../core/audit/auditExport.js";
import { NsfError } from "../core/errors/NsfError.js";
import type { JobStore } from "../store/jobStore.js";

export type TenantOfRun = { label: string; tenantId: Hex; jobIds: readonly Hex[] };

export type TenantAuditExport = {
  label: string;
  tenantId: Hex;
  /** The file `nsf audit export --tenant` wrote. */
  file: string;
  entries: number;
  /** Executor nodes this tenant's jobs were dispatched to. */
  nodes: Address[];
};

/**
 * The multitenancy step of `nsf dev` (issue 6): every tenant of the run gets its own audit export, written by the
 * same code as `nsf audit export --config <relayer.json> --tenant <id> --out <file>`, and each export is checked
 * to hold only its own tenant's entries — every entry is of that tenant, none names a job of another tenant of the
 * run, and the hash chain verifies. Also reports which executor nodes each tenant's jobs went to and which of them
 * served several tenants. Throws `NSF_DEV_AUDIT_LEAK` (another tenant's entry or job in an export) or
 * `NSF_DEV_AUDIT_INVALID` (the chain does not verify).
 */
export async function exportTenantAudits(parameters: { configFile: string; outDir: string; tenants: readonly TenantOfRun[]; jobs: JobStore }): Promise<{ exports: TenantAuditExport[]; sharedNodes: Address[] }> {
  const exports: TenantAuditExport[] = [];
  for (const tenant of parameters.tenants) {
    const file = path.join(parameters.outDir, `audit-${tenant.label}.json`);
    await runAuditExport({ config: parameters.configFile, tenant: tenant.tenantId, out: file });
    const doc = AuditExportSchema.parse(JSON.parse(await readFile(file, "utf8")));
    const own = tenant.tenantId.toLowerCase();
    const foreignJobs = new Set(parameters.tenants.filter((t) => t !== tenant).flatMap((t) => t.jobIds.map((id) => id.toLowerCase())));
    for (const { entry } of doc.entries) {
      const jobId = entry.job_id.toLowerCase();
      if (entry.tenant_id.toLowerCase() !== own || foreignJobs.has(jobId)) {
        throw new NsfError("NSF_DEV_AUDIT_LEAK", { shortMessage: `the audit export of ${tenant.label} holds an entry of another tenant`, details: `entry seq ${entry.seq}: tenant ${entry.tenant_id}, job ${jobId}` });
      }
    }
    const verification = verifyAuditExport(doc);
    if (!verification.ok) throw new NsfError("NSF_DEV_AUDIT_INVALID", { shortMessage: `the audit export of ${tenant.label} does not verify`, details: verification.reason });
    const nodes = [...new Set(tenant.jobIds.flatMap((id) => parameters.jobs.attemptsOf(id).map((a) => getAddress(a.node))))];
    exports.push({ label: tenant.label, tenantId: own as Hex, file, entries: doc.entries.length, nodes });
  }
  const served = new Map<Address, number>();
  for (const e of exports) for (const n of e.nodes) served.set(n, (served.get(n) ?? 0) + 1);
  return { exports, sharedNodes: [...served].filter(([, count]) => count > 1).map(([node]) => node) };
}
