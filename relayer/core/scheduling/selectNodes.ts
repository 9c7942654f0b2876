import { getAddress, type Address, type Hex } from "viem";
import { PolicyFlag } from "../formats/enums.js";
import { bytes3ToJurisdiction } from "../formats/ids.js";
import { NodeStatus, type ClauseFacts, type NodeFacts } from "./types.js";

/** What the store knows of a node's track record: finished attempts and the ones still open (its load). */
export type NodeLoad = { successes: number; failures: number; open: number };

export type SelectionInput = {
  /** Nodes the relayer can reach (configured endpoints) with what NodeRegistry says about each. */
  candidates: readonly { enclaveKey: Address; facts: NodeFacts | undefined; tier?: NodeTier }[];
  clause: Pick<ClauseFacts, "policyFlags" | "quorumK" | "quorumN">;
  /** bytes3 of the job's tenant jurisdiction. */
  jurisdiction: Hex;
  chainTime: bigint;
  /** NodeRegistry's measurement allowlist and TEE-type allowlist, as read for these candidates. */
  measurementAllowed: (measurement: Hex) => boolean;
  teeTypeAllowed: (teeType: number) => boolean;
  /**
   * The clause version's own measurement allowlist (governance policy file, `clauses[].measurements`): when
   * non-empty, a node runs the clause only if its attested measurement is listed. Empty or absent: no such rule.
   */
  clauseMeasurements?: readonly Hex[];
  loads: ReadonlyMap<Address, NodeLoad>;
  /** Nodes that must not be picked again for this job (already answered, refused, or gave up on). */
  exclude: ReadonlySet<Address>;
  /** How many to pick. */
  count: number;
  /** The attestation must stay valid at least this long past chain time (the token's lifetime). */
  minRemainingValiditySeconds?: bigint;
  /**
   * Overflow routing (ADR 0014): a primary node with this many open attempts is saturated and ranks after every
   * unsaturated secondary node; secondary nodes otherwise rank after primaries. 0 or absent: no saturation.
   */
  maxOpenPerNode?: number;
  /**
   * The governance policy at node admission (pure, `evaluatePolicy` behind it): may this node run the job, next to
   * the nodes already picked in this selection? Called once per candidate with none picked (eligibility), then
   * again for each node as it is picked, so rules over the set (independent enclaves) hold for the whole set.
   */
  admit?: (facts: NodeFacts, picked: readonly NodeFacts[]) => { ok: boolean; reasons: string[] };
};

/** Primary nodes take work first; secondary nodes take the overflow. */
export type NodeTier = "primary" | "secondary";

export type NodeAssessment = {
  enclaveKey: Address;
  eligible: boolean;
  /** Why not, or how it ranked: recorded with the job (DESIGN.md §3.4, "reasons recorded"). */
  reasons: string[];
  reliability: number;
  load: number;
  attestedAt: string;
  rank?: number;
  selected: boolean;
  tier: NodeTier;
  /** Overflow: 0 unsaturated primary, 1 unsaturated secondary, 2 saturated. */
  overflow: number;
};

export type Selection = {
  selected: Address[];
  /** Eligible nodes not excluded, best first. */
  eligible: Address[];
  assessments: NodeAssessment[];
};

/**
 * DESIGN.md §3.4, pure. Eligible = registered, active, attestation unexpired at chain time (and for the token's
 * lifetime), measurement and TEE type allowed, measurement on the clause version's own allowlist when it has one, not debug (NodeRegistry never registers debug enclaves), and —
 * when the clause is in-country only (PolicyFlag.InCountry) — located in the job's jurisdiction.
 * Ranked by reliability (success ratio with add-one smoothing, in steps of 0.1 so noise does not reorder),
 * then load (open attempts, fewer first), then freshness (latest attestation first), then address.
 */
export function selectNodes(input: SelectionInput): Selection {
  const inCountry = (input.clause.policyFlags & PolicyFlag.InCountry) !== 0;
  const minRemaining = input.minRemainingValiditySeconds ?? 0n;
  const excluded = new Set([...input.exclude].map((a) => getAddress(a)));
  const clauseMeasurements = new Set((input.clauseMeasurements ?? []).map((m) => m.toLowerCase()));
  const assessments: NodeAssessment[] = [];

  for (const candidate of input.candidates) {
    const key = getAddress(candidate.enclaveKey);
    const load = input.loads.get(key) ?? { successes: 0, failures: 0, open: 0 };
    const reliability = (load.successes + 1) / (load.successes + load.failures + 2);
    const f = candidate.facts;
    const reasons: string[] = [];
    if (!f || f.status === NodeStatus.None) reasons.push("not registered in NodeRegistry");
    else {
      if (f.status !== NodeStatus.Active) reasons.push(`status ${statusName(f.status)}`);
      if (f.attestedUntil < input.chainTime + minRemaining) {
        reasons.push(f.attestedUntil < input.chainTime ? `attestation expired at ${f.attestedUntil} (chain time ${input.chainTime})` : `attestation ends at ${f.attestedUntil}, before the token would expire`);
      }
      if (f.activeSince > input.chainTime) reasons.push(`attested interval starts at ${f.activeSince}, after chain time`);
      if (!input.measurementAllowed(f.measurement)) reasons.push(`measurement ${f.measurement} not allowlisted`);
      if (!input.teeTypeAllowed(f.teeType)) reasons.push(`TEE type ${f.teeType} not allowed`);
      if (clauseMeasurements.size > 0 && !clauseMeasurements.has(f.measurement.toLowerCase())) {
        reasons.push(`measurement ${f.measurement} not allowed for this clause version (${clauseMeasurements.size} allowed)`);
      }
      if (inCountry && f.jurisdiction.toLowerCase() !== input.jurisdiction.toLowerCase()) {
        reasons.push(`located in ${iso(f.jurisdiction)}, clause requires in-country (${iso(input.jurisdiction)})`);
      }
      if (reasons.length === 0 && input.admit) {
        const verdict = input.admit(f, []);
        if (!verdict.ok) reasons.push(...verdict.reasons.map((r) => `policy: ${r}`));
      }
    }
    const eligible = reasons.length === 0;
    if (eligible && excluded.has(key)) reasons.push("already used or given up on for this job");
    const tier = candidate.tier ?? "primary";
    const saturated = (input.maxOpenPerNode ?? 0) > 0 && load.open >= input.maxOpenPerNode!;
    const overflow = saturated ? 2 : tier === "secondary" ? 1 : 0;
    assessments.push({ enclaveKey: key, eligible, reasons, reliability, load: load.open, attestedAt: (f?.attestedAt ?? 0n).toString(), selected: false, tier, overflow });
  }
  const factsOf = new Map(input.candidates.map((c) => [getAddress(c.enclaveKey), c.facts]));

  const ranked = assessments
    .filter((a) => a.eligible && !excluded.has(a.enclaveKey))
    .sort((a, b) => {
      if (a.overflow !== b.overflow) return a.overflow - b.overflow;
      const ra = Math.floor(a.reliability * 10);
      const rb = Math.floor(b.reliability * 10);
      if (ra !== rb) return rb - ra;
      if (a.load !== b.load) return a.load - b.load;
      const fa = BigInt(a.attestedAt);
      const fb = BigInt(b.attestedAt);
      if (fa !== fb) return fa > fb ? -1 : 1;
      return BigInt(a.enclaveKey) < BigInt(b.enclaveKey) ? -1 : 1;
    });
  const picked: NodeFacts[] = [];
  ranked.forEach((a, i) => {
    a.rank = i + 1;
    const where = a.overflow === 2 ? ", saturated" : a.tier === "secondary" ? ", secondary (overflow)" : "";
    let refused: string[] = [];
    if (picked.length < input.count && input.admit) {
      const verdict = input.admit(factsOf.get(a.enclaveKey)!, picked);
      if (!verdict.ok) refused = verdict.reasons;
    }
    a.selected = picked.length < input.count && refused.length === 0;
    if (a.selected) picked.push(factsOf.get(a.enclaveKey)!);
    const note = a.selected ? " — selected" : refused.length > 0 ? ` — not picked, policy: ${refused.join("; ")}` : "";
    a.reasons.push(`rank ${i + 1}: reliability ${a.reliability.toFixed(2)}, load ${a.load}, attested at ${a.attestedAt}${where}${note}`);
  });
  return { selected: ranked.filter((a) => a.selected).map((a) => a.enclaveKey), eligible: ranked.map((a) => a.enclaveKey), assessments };
}

/** Eligible nodes in total (excluded or not): what decides whether the quorum is possible at all. */
export function eligibleCount(selection: Selection): number {
  return selection.assessments.filter((a) => a.eligible).length;
}

/**
 * The actionable failure when fewer than k nodes are eligible, e.g.
 * "quorum impossible: 1 of 3 eligible nodes in KEN" (DESIGN.md §3.4).
 */
export function quorumImpossibleMessage(eligible: number, k: number, jurisdiction: Hex, inCountry: boolean): string {
  const where = inCountry ? ` in ${iso(jurisdiction)}` : "";
  return `quorum impossible: ${eligible} of ${k} eligible nodes${where}`;
}

function statusName(status: number): string {
  const entry = Object.entries(NodeStatus).find(([, v]) => v === status);
  return entry ? entry[0].toLowerCase() : String(status);
}

function iso(jurisdiction: Hex): string {
  try {
    return bytes3ToJurisdiction(jurisdiction);
  } catch {
    return jurisdiction;
  }
}
