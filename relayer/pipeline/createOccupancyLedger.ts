import { getAddress, type Address, type Hex } from "viem";
import type { NodeOccupancy } from "../core/policy/evaluatePolicy.js";
import type { WorkloadDomain } from "../core/policy/policyConfig.js";

export type Placement = { node: Address; tenantId: Hex; clauseId: Hex; jurisdiction: Hex; domain: WorkloadDomain; at: bigint };

export type OccupancyLedger = {
  /** A dispatch: `node` was given work of this tenant, clause and domain at chain time `at`. */
  record(placement: Placement): void;
  /** The node's tenants and domains placed at or after `since` (chain time). */
  onNode(node: Address, since: bigint): NodeOccupancy;
  /** Nodes given work of any of `clauseIds` in `jurisdiction` at or after `since`. */
  nodesRunning(clauseIds: readonly Hex[], jurisdiction: Hex, since: bigint): Set<Address>;
};

/**
 * Which tenants, domains and clauses each node was given recently — what the co-location rules of the policy
 * engine need (ADR 0014). Only the latest chain time per (node, tenant), (node, domain) and (clause,
 * jurisdiction, node) is kept, so the ledger stays as small as the number of distinct combinations however many
 * jobs run; a restart rebuilds it from the store's attempts (`store.placementsSince`).
 */
export function createOccupancyLedger(initial: readonly Placement[] = []): OccupancyLedger {
  const tenants = new Map<Address, Map<string, bigint>>();
  const domains = new Map<Address, Map<WorkloadDomain, bigint>>();
  const clauses = new Map<string, Map<Address, bigint>>();
  const bump = <K>(map: Map<K, bigint>, key: K, at: bigint) => {
    const prev = map.get(key);
    if (prev === undefined || prev < at) map.set(key, at);
  };
  const inner = <K, V>(map: Map<K, Map<V, bigint>>, key: K) => {
    let m = map.get(key);
    if (!m) map.set(key, (m = new Map()));
    return m;
  };
  const ledger: OccupancyLedger = {
    record(p) {
      const node = getAddress(p.node);
      bump(inner(tenants, node), p.tenantId.toLowerCase(), p.at);
      bump(inner(domains, node), p.domain, p.at);
      bump(inner(clauses, `${p.clauseId.toLowerCase()}:${p.jurisdiction.toLowerCase()}`), node, p.at);
    },
    onNode(node, since) {
      const key = getAddress(node);
      const t = [...(tenants.get(key) ?? [])].filter(([, at]) => at >= since).map(([id]) => id as Hex);
      const d = [...(domains.get(key) ?? [])].filter(([, at]) => at >= since).map(([domain]) => domain);
      return { tenants: t, domains: d };
    },
    nodesRunning(clauseIds, jurisdiction, since) {
      const out = new Set<Address>();
      for (const id of clauseIds) {
        for (const [node, at] of clauses.get(`${id.toLowerCase()}:${jurisdiction.toLowerCase()}`) ?? []) if (at >= since) out.add(node);
      }
      return out;
    },
  };
  for (const p of initial) ledger.record(p);
  return ledger;
}
