import { getAddress } from "viem";
import type { RelayerErrorKind } from "../errors/RelayerError.js";
import { ClauseStatus, PolicyFlag } from "../formats/enums.js";
import { tenantIdOf, bytes3ToJurisdiction } from "../formats/ids.js";
import type { ClauseFacts, JobFacts } from "./types.js";

/** Every policy bit this relayer enforces; a clause setting any other bit is refused (fail closed). */
export const ENFORCED_POLICY_FLAGS = PolicyFlag.InCountry;

export type GovernanceInput = {
  job: JobFacts;
  /** Undefined when ClauseRegistry has no such clause. */
  clause: ClauseFacts | undefined;
  /** JurisdictionRegistry.isTenant(job.dao, job.jurisdiction) now. */
  isTenant: boolean;
  /** Latest block timestamp, seconds. */
  chainTime: bigint;
  /** JobRouter.isWorkloadSuspended(tenant, clause): a failed workload awaiting its DAO's re-authorisation (ADR 0014). */
  workloadSuspended?: boolean;
};

export type GovernanceCheck = { check: string; passed: boolean; detail?: string };

export type GovernanceVerdict =
  | { ok: true; checks: GovernanceCheck[] }
  | { ok: false; kind: RelayerErrorKind; reason: string; checks: GovernanceCheck[] };

/**
 * DESIGN.md §3.2, pure: clause registered and of the job's version, active, DAO permission (the job's DAO owns
 * the clause, is an admitted tenant of the jurisdiction, and the clause lists that jurisdiction), validity
 * window and job deadline against chain time, and policy flags this relayer knows how to enforce.
 * The first failing check decides; every check evaluated is returned for the audit entry.
 *
 * The chain already checked most of this when the job was created; the relayer checks again because the
 * clause may have been paused or frozen, or the tenant removed, in the blocks since.
 */
export function checkGovernance(input: GovernanceInput): GovernanceVerdict {
  const { job, clause, isTenant, chainTime, workloadSuspended } = input;
  const checks: GovernanceCheck[] = [];
  const fail = (kind: RelayerErrorKind, check: string, reason: string): GovernanceVerdict => {
    checks.push({ check, passed: false, detail: reason });
    return { ok: false, kind, reason, checks };
  };
  const pass = (check: string) => checks.push({ check, passed: true });
  const iso = safeIso(job.jurisdiction);

  const expectedTenant = safeTenant(job.dao, iso);
  if (expectedTenant === undefined || expectedTenant !== job.tenantId.toLowerCase()) {
    return fail("GOV_TENANT_MISMATCH", "tenant", `tenant ${job.tenantId} is not H(${job.dao}, ${iso})`);
  }
  pass("tenant");
  if (!clause) return fail("GOV_CLAUSE_UNKNOWN", "clause-registered", `clause ${job.clauseId} is not registered`);
  pass("clause-registered");
  if (clause.version !== job.clauseVersion) {
    return fail("GOV_CLAUSE_VERSION_MISMATCH", "clause-version", `job names version ${job.clauseVersion}, registered ${clause.version}`);
  }
  pass("clause-version");
  if (clause.status !== ClauseStatus.Active) {
    return fail("GOV_CLAUSE_NOT_ACTIVE", "clause-active", `clause ${job.clauseId} has status ${statusName(clause.status)}`);
  }
  pass("clause-active");
  if (getAddress(clause.owner) !== getAddress(job.dao)) {
    return fail("GOV_DAO_NOT_OWNER", "dao-owner", `DAO ${getAddress(job.dao)} does not own clause ${job.clauseId} (owner ${getAddress(clause.owner)})`);
  }
  pass("dao-owner");
  if (!isTenant) return fail("GOV_NOT_TENANT", "dao-tenant", `DAO ${getAddress(job.dao)} is not an admitted tenant of ${iso}`);
  pass("dao-tenant");
  if (workloadSuspended === true) {
    return fail("GOV_WORKLOAD_SUSPENDED", "workload-authorised", `the tenant's workload of clause ${job.clauseId} failed and is suspended until its DAO re-authorises it (JobRouter.reauthoriseWorkload)`);
  }
  if (workloadSuspended !== undefined) pass("workload-authorised");
  if (!clause.jurisdictions.some((j) => j.toLowerCase() === job.jurisdiction.toLowerCase())) {
    return fail("GOV_JURISDICTION_NOT_LISTED", "jurisdiction", `clause ${job.clauseId} does not list ${iso}`);
  }
  pass("jurisdiction");
  if (chainTime < clause.validFrom || (clause.validUntil !== 0n && chainTime > clause.validUntil)) {
    return fail("GOV_OUTSIDE_VALIDITY", "validity-window", `chain time ${chainTime} is outside [${clause.validFrom}, ${clause.validUntil === 0n ? "open" : clause.validUntil}]`);
  }
  pass("validity-window");
  if (chainTime > job.deadline) return fail("GOV_DEADLINE_PASSED", "deadline", `deadline ${job.deadline} < chain time ${chainTime}`);
  pass("deadline");
  const unknown = clause.policyFlags & ~ENFORCED_POLICY_FLAGS;
  if (unknown !== 0) {
    return fail("GOV_POLICY_UNSUPPORTED", "policy-flags", `policy flags 0x${clause.policyFlags.toString(16)} include 0x${unknown.toString(16)}, which this relayer does not enforce`);
  }
  pass("policy-flags");
  return { ok: true, checks };
}

function statusName(status: number): string {
  const names = Object.entries(ClauseStatus).find(([, v]) => v === status);
  return names ? `${status} (${names[0].toLowerCase()})` : String(status);
}

function safeIso(jurisdiction: `0x${string}`): string {
  try {
    return bytes3ToJurisdiction(jurisdiction);
  } catch {
    return jurisdiction;
  }
}

function safeTenant(dao: `0x${string}`, iso: string): string | undefined {
  try {
    return tenantIdOf(getAddress(dao), iso).toLowerCase();
  } catch {
    return undefined;
  }
}
