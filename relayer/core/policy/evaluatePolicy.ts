import { getAddress, type Address, type Hex } from "viem";
import { PolicyFlag, PriorityClass, TeeType } from "../formats/enums.js";
import { bytes3ToJurisdiction } from "../formats/ids.js";
import type { NodeFacts } from "../scheduling/types.js";
import { RISK_LEVELS, type ClauseAttributes, type ResolvedPolicy, type RiskLevel, type TenantAttributes, type WorkloadDomain } from "./policyConfig.js";

/**
 * The governance policy engine (DESIGN.md §7, ADR 0014): ONE pure function, evaluated
 *
 *   - at queue time      (`stage: "queue"`):     the job alone — may it enter the dispatch queue now?
 *   - at node admission  (`stage: "admission"`): the job × one candidate node — may this node run it?
 *   - at CAC validation  (`stage: "cac"`):       the job × the node that signed — may this CAC count?
 *
 * Every rule reports, for every evaluation, `pass`, `fail`, `defer` or `n/a` with a reason a person can act on;
 * the first `fail` (else the first `defer`) decides. The inputs are facts: on-chain ones (ClauseRegistry priority
 * and policy flags, NodeRegistry jurisdiction/operator/TEE type/sovereign flag), the policy file's attributes, the
 * relayer's own record of recent placements (`occupancy`) and the current risk forecasts.
 */
export const POLICY_RULES = [
  "in-country",
  "treaty-co-location",
  "independent-enclaves",
  "domain-separation",
  "sovereign-for-financial",
  "forecast-pause",
  "collocation",
] as const;
export type PolicyRule = (typeof POLICY_RULES)[number];
export type PolicyStage = "queue" | "admission" | "cac";

/** Where each rule is evaluated. Queue-time rules need no node; node rules are re-checked when a CAC arrives. */
export const RULE_STAGES: Readonly<Record<PolicyRule, readonly PolicyStage[]>> = {
  "in-country": ["admission", "cac"],
  "treaty-co-location": ["admission", "cac"],
  "independent-enclaves": ["admission", "cac"],
  "domain-separation": ["admission", "cac"],
  "sovereign-for-financial": ["admission", "cac"],
  "forecast-pause": ["queue"],
  collocation: ["admission"],
};

export type RuleOutcome = "pass" | "fail" | "defer" | "n/a";
export type RuleResult = { rule: PolicyRule; outcome: RuleOutcome; reason: string };
export type PolicyDecision = "allow" | "deny" | "defer";
export type PolicyVerdict = { decision: PolicyDecision; stage: PolicyStage; results: RuleResult[]; decisive: RuleResult | undefined };

/** What the relayer knows of one node's recent workloads (inside the policy window, other jobs only). */
export type NodeOccupancy = { tenants: readonly Hex[]; domains: readonly WorkloadDomain[] };

export type RiskForecast = { jurisdiction: Hex; level: RiskLevel; source: string };

export type PolicyJob = {
  tenantId: Hex;
  /** bytes3, hex. */
  jurisdiction: Hex;
  clauseId: Hex;
  /** ClauseRegistry priority class and policy flags (on-chain). */
  priority: number;
  policyFlags: number;
};

export type PolicyInput = {
  stage: PolicyStage;
  policy: ResolvedPolicy;
  job: PolicyJob;
  /** admission, cac: the node under evaluation (NodeRegistry facts). */
  node?: NodeFacts;
  /** admission, cac: the other nodes already working on this job (chosen, in flight or counted). */
  peers?: readonly NodeFacts[];
  /** admission, cac: the node's recent workloads. */
  occupancy?: NodeOccupancy;
  /** admission: nodes that ran a clause this job asks to be co-located with, same jurisdiction, in the window. */
  partnerNodes?: ReadonlySet<Address>;
  /** queue: current risk forecasts. */
  forecasts?: readonly RiskForecast[];
};

/** A clause's attributes: the policy file's, or what its on-chain priority implies when the file does not name it. */
export function clauseAttributesOf(policy: ResolvedPolicy, clauseId: Hex, priority: number): ClauseAttributes {
  const configured = policy.clauses.get(clauseId.toLowerCase());
  if (configured) return configured;
  const domain: WorkloadDomain = priority === PriorityClass.Disaster ? "disaster" : priority === PriorityClass.Finance ? "finance" : priority === PriorityClass.Planning ? "planning" : "other";
  return { clauseRef: clauseId, domain, financial: false, independentEnclaves: 0, colocateWith: [], pauseAtRisk: undefined, measurements: [] };
}

/** TEE vendor of a TEE type: SGX and TDX are one vendor (Intel), so two of them are not independent. */
export function teeVendorOf(teeType: number): string {
  switch (teeType) {
    case TeeType.IntelSgx:
    case TeeType.IntelTdx:
      return "intel";
    case TeeType.AmdSevSnp:
      return "amd";
    case TeeType.AwsNitro:
      return "aws";
    case TeeType.Simulated:
      return "simulated";
    default:
      return `unknown-${teeType}`;
  }
}

/** The quorum a job needs: the clause's k, raised to the independent-enclave count when the policy asks for more. */
export function requiredSigners(policy: ResolvedPolicy, clause: { clauseId: Hex; priority: number; quorumK: number }): number {
  return Math.max(clause.quorumK, clauseAttributesOf(policy, clause.clauseId, clause.priority).independentEnclaves);
}

export function evaluatePolicy(input: PolicyInput): PolicyVerdict {
  const { stage, policy, job } = input;
  const clause = clauseAttributesOf(policy, job.clauseId, job.priority);
  const tenant = policy.tenants.get(job.tenantId.toLowerCase());
  const results: RuleResult[] = [];
  for (const rule of POLICY_RULES) {
    if (!RULE_STAGES[rule].includes(stage)) continue;
    results.push({ rule, ...RULES[rule]({ ...input, clause, tenant }) });
  }
  const decisive = results.find((r) => r.outcome === "fail") ?? results.find((r) => r.outcome === "defer");
  const decision: PolicyDecision = decisive === undefined ? "allow" : decisive.outcome === "fail" ? "deny" : "defer";
  return { decision, stage, results, decisive };
}

type RuleContext = PolicyInput & { clause: ClauseAttributes; tenant: TenantAttributes | undefined };
type RuleFn = (ctx: RuleContext) => { outcome: RuleOutcome; reason: string };

const pass = (reason: string) => ({ outcome: "pass" as const, reason });
const fail = (reason: string) => ({ outcome: "fail" as const, reason });
const na = (reason: string) => ({ outcome: "n/a" as const, reason });

function requireNode(ctx: RuleContext): NodeFacts {
  if (!ctx.node) throw new TypeError(`policy stage ${ctx.stage} needs a node`);
  return ctx.node;
}

const RULES: Readonly<Record<PolicyRule, RuleFn>> = {
  "in-country": (ctx) => {
    const byClause = (ctx.job.policyFlags & PolicyFlag.InCountry) !== 0;
    const byTenant = ctx.tenant?.inCountryOnly === true;
    if (!byClause && !byTenant) return na("neither the clause nor the tenant asks for in-country nodes");
    const node = requireNode(ctx);
    const why = byClause ? "the clause is in-country only" : "the tenant allows only in-country nodes";
    return same(node.jurisdiction, ctx.job.jurisdiction)
      ? pass(`node in ${iso(node.jurisdiction)}; ${why}`)
      : fail(`node located in ${iso(node.jurisdiction)}, ${why} (${iso(ctx.job.jurisdiction)})`);
  },

  "treaty-co-location": (ctx) => {
    requireNode(ctx);
    const others = (ctx.occupancy?.tenants ?? []).filter((t) => !same(t, ctx.job.tenantId));
    if (others.length === 0) return pass("no other tenant on this node in the window");
    for (const other of others) {
      if (!authorises(ctx.tenant, other, ctx.policy)) return fail(`the tenant does not authorise co-location with tenant ${other} (on this node in the window)`);
      if (!authorises(ctx.policy.tenants.get(other.toLowerCase()), ctx.job.tenantId, ctx.policy)) {
        return fail(`tenant ${other} (on this node in the window) does not authorise co-location with this tenant`);
      }
    }
    return pass(`${others.length} other tenant(s) on this node, all mutually authorised`);
  },

  "independent-enclaves": (ctx) => {
    const required = ctx.clause.independentEnclaves;
    if (required === 0) return na("the clause asks for no independent enclaves");
    const node = requireNode(ctx);
    const vendor = teeVendorOf(node.teeType);
    for (const peer of ctx.peers ?? []) {
      if (same(peer.enclaveKey, node.enclaveKey)) continue;
      if (same(peer.operator, node.operator)) return fail(`operator ${getAddress(node.operator)} already runs enclave ${getAddress(peer.enclaveKey)} for this job; ${required} independent enclaves required`);
      if (teeVendorOf(peer.teeType) === vendor) return fail(`TEE vendor ${vendor} already used by enclave ${getAddress(peer.enclaveKey)} for this job; ${required} independent enclaves required`);
    }
    return pass(`operator and TEE vendor (${vendor}) distinct from the job's ${(ctx.peers ?? []).length} other enclave(s)`);
  },

  "domain-separation": (ctx) => {
    requireNode(ctx);
    const mine = ctx.clause.domain;
    const present = new Set(ctx.occupancy?.domains ?? []);
    for (const [a, b] of ctx.policy.separateDomains) {
      const other = mine === a ? b : mine === b ? a : undefined;
      if (other !== undefined && present.has(other)) return fail(`${mine} workload on a node that ran a ${other} workload in the last ${ctx.policy.windowSeconds} s`);
    }
    return pass(`no workload of a domain separated from ${mine} on this node in the window`);
  },

  "sovereign-for-financial": (ctx) => {
    const financial = ctx.clause.financial || ctx.job.priority === PriorityClass.Finance;
    if (!financial) return na("not a financial clause");
    const node = requireNode(ctx);
    return node.sovereign ? pass("financial clause on a sovereign node") : fail(`financial clause on non-sovereign node ${getAddress(node.enclaveKey)}`);
  },

  "forecast-pause": (ctx) => {
    const threshold = ctx.clause.pauseAtRisk;
    if (threshold === undefined) return na("the clause does not pause under forecasts");
    const at = RISK_LEVELS.indexOf(threshold);
    const hit = (ctx.forecasts ?? []).find((f) => same(f.jurisdiction, ctx.job.jurisdiction) && RISK_LEVELS.indexOf(f.level) >= at);
    return hit
      ? { outcome: "defer", reason: `paused: ${hit.level} risk forecast for ${iso(ctx.job.jurisdiction)} from ${hit.source} (pauses at ${threshold})` }
      : pass(`no forecast at or above ${threshold} for ${iso(ctx.job.jurisdiction)}`);
  },

  collocation: (ctx) => {
    if (ctx.clause.colocateWith.length === 0) return na("the clause asks for no co-location");
    const node = requireNode(ctx);
    const partners = ctx.partnerNodes;
    if (!partners || partners.size === 0) return pass("co-location asked, but no partner clause placed in the window: free placement");
    return [...partners].some((p) => same(p, node.enclaveKey))
      ? pass("node runs a partner clause in the window, as asked")
      : fail(`co-location asked: node ran no partner clause in the window (partners on ${partners.size} other node(s))`);
  },
};

/** Does `tenant`'s policy accept `other` on the same node? No co-location policy accepts everyone. */
function authorises(tenant: TenantAttributes | undefined, other: Hex, policy: ResolvedPolicy): boolean {
  if (!tenant?.coLocation) return true;
  if (tenant.coLocation.allowTenants.some((t) => same(t, other))) return true;
  const otherTreaties = policy.tenants.get(other.toLowerCase())?.treaties ?? [];
  return otherTreaties.some((t) => tenant.coLocation!.allowTreaties.includes(t));
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function iso(jurisdiction: Hex): string {
  try {
    return bytes3ToJurisdiction(jurisdiction);
  } catch {
    return jurisdiction;
  }
}
