import { z } from "zod";
import { getAddress, type Address, type Hex } from "viem";
import { RelayerError } from "../errors/RelayerError.js";
import { clauseIdOf } from "../formats/clauseRef.js";
import { jurisdictionToBytes3, tenantIdOf } from "../formats/ids.js";

/**
 * The governance policy file (`nsf.policy/1`, docs/FORMATS.md §16): declarative rules over clause attributes,
 * tenant attributes and node attributes. Node attributes (jurisdiction, operator, TEE type → vendor, sovereign)
 * are never configured here: they are NodeRegistry's on-chain facts. Clause priority and the in-country flag are
 * ClauseRegistry's. What this file adds is what the chain does not hold: a clause's workload domain, whether it
 * moves money, how many independent enclaves it needs, which clauses it asks to be co-located with and at which
 * forecast risk it pauses; a tenant's treaties and whom it accepts on the same node.
 */
export const WORKLOAD_DOMAINS = ["disaster", "health", "finance", "environment", "security", "planning", "other"] as const;
export type WorkloadDomain = (typeof WORKLOAD_DOMAINS)[number];

export const RISK_LEVELS = ["low", "moderate", "high", "severe"] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address").transform((a) => getAddress(a));
const iso3 = z.string().regex(/^[A-Z]{3}$/, "ISO 3166-1 alpha-3");
const treaty = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "a treaty name");

export const PolicyConfigSchema = z.strictObject({
  schema: z.literal("nsf.policy/1"),
  /** The co-location window: workloads placed on a node within this many seconds of chain time count as co-located. */
  windowSeconds: z.number().int().min(1).max(30 * 86_400).default(3_600),
  /** Domain pairs never placed on one node in the same window (the seed's "health and finance"). */
  separateDomains: z.array(z.tuple([z.enum(WORKLOAD_DOMAINS), z.enum(WORKLOAD_DOMAINS)])).default([["health", "finance"]]),
  clauses: z
    .array(
      z.strictObject({
        clause: z.string(),
        domain: z.enum(WORKLOAD_DOMAINS),
        /** Moves money (a payout, a penalty): only sovereign nodes may run it. Finance-priority clauses always do. */
        financial: z.boolean().default(false),
        /** Executors whose CACs count must be this many enclaves with pairwise distinct operators and TEE vendors (0 = no rule). */
        independentEnclaves: z.number().int().min(0).max(4).default(0),
        /** Clauses (same jurisdiction) whose recent placements this clause's jobs must share, when any exist. */
        colocateWith: z.array(z.string()).default([]),
        /** Jobs wait (stay queued) while a forecast for their jurisdiction is at or above this level. */
        pauseAtRisk: z.enum(RISK_LEVELS).optional(),
        /**
         * The enclave measurements (NodeRegistry bytes32, docs/FORMATS.md §1) allowed to run this clause version;
         * empty: any measurement NodeRegistry allowlists. The clause id string names the version, so each version has its own.
         */
        measurements: z.array(z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a 32-byte measurement").transform((m) => m.toLowerCase() as Hex)).default([]),
      }),
    )
    .default([]),
  tenants: z
    .array(
      z.strictObject({
        dao: address,
        jurisdiction: iso3,
        /** Every executor of this tenant's jobs must be located in its jurisdiction, whatever the clause's flag. */
        inCountryOnly: z.boolean().default(false),
        treaties: z.array(treaty).default([]),
        /** When present, only these may share a node with this tenant in the window (both directions are checked). */
        coLocation: z.strictObject({ allowTreaties: z.array(treaty).default([]), allowTenants: z.array(z.strictObject({ dao: address, jurisdiction: iso3 })).default([]) }).optional(),
      }),
    )
    .default([]),
});
export type PolicyConfig = z.input<typeof PolicyConfigSchema>;

export type ClauseAttributes = Readonly<{
  clauseRef: string;
  domain: WorkloadDomain;
  financial: boolean;
  independentEnclaves: number;
  colocateWith: readonly Hex[];
  pauseAtRisk: RiskLevel | undefined;
  /** Lowercase; empty: no per-clause rule. */
  measurements: readonly Hex[];
}>;

export type TenantAttributes = Readonly<{
  tenantId: Hex;
  inCountryOnly: boolean;
  treaties: readonly string[];
  /** Undefined: anyone may share a node with this tenant. */
  coLocation: Readonly<{ allowTreaties: readonly string[]; allowTenants: readonly Hex[] }> | undefined;
}>;

export type ResolvedPolicy = Readonly<{
  windowSeconds: bigint;
  separateDomains: readonly (readonly [WorkloadDomain, WorkloadDomain])[];
  /** By clause id (lowercase hex). */
  clauses: ReadonlyMap<string, ClauseAttributes>;
  /** By tenant id (lowercase hex). */
  tenants: ReadonlyMap<string, TenantAttributes>;
}>;

/** No rules configured: only the chain's own facts (priority, in-country flag, sovereign nodes for finance clauses) apply. */
export const EMPTY_POLICY: ResolvedPolicy = resolvePolicyConfig({ schema: "nsf.policy/1" });

/** Validates (every problem at once, NSF_CONFIG_INVALID with the zod path) and resolves names to on-chain ids. */
export function resolvePolicyConfig(input: unknown, path = "policy"): ResolvedPolicy {
  const result = PolicyConfigSchema.safeParse(input);
  if (!result.success) {
    throw new RelayerError("CONFIG_INVALID", result.error.issues.map((i) => `${[path, ...i.path].join(".")}: ${i.message}`).join("; "));
  }
  const c = result.data;
  const idOf = (ref: string, where: string): Hex => {
    try {
      return clauseIdOf(ref).toLowerCase() as Hex;
    } catch {
      throw new RelayerError("CONFIG_INVALID", `${path}.${where}: not a clause id: ${JSON.stringify(ref).slice(0, 80)}`);
    }
  };
  const clauses = new Map<string, ClauseAttributes>();
  for (const [i, a] of c.clauses.entries()) {
    const id = idOf(a.clause, `clauses.${i}.clause`);
    if (clauses.has(id)) throw new RelayerError("CONFIG_INVALID", `${path}.clauses.${i}.clause: ${a.clause} is listed twice`);
    clauses.set(id, {
      clauseRef: a.clause,
      domain: a.domain,
      financial: a.financial,
      independentEnclaves: a.independentEnclaves,
      colocateWith: a.colocateWith.map((ref, j) => idOf(ref, `clauses.${i}.colocateWith.${j}`)),
      pauseAtRisk: a.pauseAtRisk,
      measurements: [...new Set(a.measurements)],
    });
  }
  const tenants = new Map<string, TenantAttributes>();
  for (const [i, t] of c.tenants.entries()) {
    const id = tenantIdOf(t.dao as Address, t.jurisdiction).toLowerCase() as Hex;
    if (tenants.has(id)) throw new RelayerError("CONFIG_INVALID", `${path}.tenants.${i}: ${t.dao} in ${t.jurisdiction} is listed twice`);
    jurisdictionToBytes3(t.jurisdiction);
    tenants.set(id, {
      tenantId: id,
      inCountryOnly: t.inCountryOnly,
      treaties: [...t.treaties],
      coLocation: t.coLocation
        ? { allowTreaties: [...t.coLocation.allowTreaties], allowTenants: t.coLocation.allowTenants.map((a) => tenantIdOf(a.dao as Address, a.jurisdiction).toLowerCase() as Hex) }
        : undefined,
    });
  }
  return { windowSeconds: BigInt(c.windowSeconds), separateDomains: c.separateDomains.map(([a, b]) => [a, b] as const), clauses, tenants };
}
