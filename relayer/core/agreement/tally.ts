import { getAddress, type Address, type Hex } from "viem";

/** One verified CAC, as far as agreement counts it. */
export type CountedCac = { signer: Address; outputHash: Hex };

export type TallyInput = {
  /** Verified CACs of the job (invalid ones never get here). A signer counts once: its first CAC. */
  cacs: readonly CountedCac[];
  /** The clause's quorum k. */
  k: number;
  /** Dispatches still waiting for a reply. */
  inFlight: number;
  /** Eligible nodes not asked yet (fallbacks left). */
  untried: number;
};

export type OutputGroup = { outputHash: Hex; signers: Address[] };

export type Tally =
  /** Exactly one output has k distinct signers. `dissent` is kept as dispute evidence. */
  | { kind: "agreed"; outputHash: Hex; signers: Address[]; dissent: OutputGroup[] }
  /** Not decided yet; dispatch `dispatchMore` more nodes now (0: just wait for the replies in flight). */
  | { kind: "pending"; dispatchMore: number; best: number }
  /** Executors disagree and the job can no longer agree — or two outputs both reached k. */
  | { kind: "disputed"; groups: OutputGroup[]; reason: string }
  /** No disagreement, but k agreeing CACs can no longer be collected. */
  | { kind: "unreachable"; best: number; reason: string };

/**
 * k-of-n agreement on the output hash (DESIGN.md §3.7), pure. Signers are distinct by construction (first CAC
 * per enclave key wins); outputs are compared by hash only. Two outputs that both reach k are a dispute,
 * never an agreement: anchoring either would hide an equivocating quorum.
 */
export function tally(input: TallyInput): Tally {
  const { k } = input;
  const seen = new Set<string>();
  const groups = new Map<string, OutputGroup>();
  for (const cac of input.cacs) {
    const signer = getAddress(cac.signer);
    if (seen.has(signer)) continue;
    seen.add(signer);
    const key = cac.outputHash.toLowerCase();
    const group = groups.get(key) ?? { outputHash: key as Hex, signers: [] };
    group.signers.push(signer);
    groups.set(key, group);
  }
  const all = [...groups.values()].map((g) => ({ ...g, signers: sortAddresses(g.signers) })).sort((a, b) => b.signers.length - a.signers.length || (a.outputHash < b.outputHash ? -1 : 1));
  const reached = all.filter((g) => g.signers.length >= k);
  if (reached.length >= 2) {
    return { kind: "disputed", groups: all, reason: `${reached.length} different outputs each have ${k} or more signers` };
  }
  if (reached.length === 1) {
    const winner = reached[0]!;
    return { kind: "agreed", outputHash: winner.outputHash, signers: winner.signers, dissent: all.filter((g) => g !== winner) };
  }
  const best = all[0]?.signers.length ?? 0;
  if (best + input.inFlight + input.untried < k) {
    const reason = `best output has ${best} of ${k} signers with ${input.inFlight} replies pending and ${input.untried} nodes left`;
    return all.length >= 2 ? { kind: "disputed", groups: all, reason } : { kind: "unreachable", best, reason };
  }
  return { kind: "pending", dispatchMore: Math.min(input.untried, Math.max(0, k - best - input.inFlight)), best };
}

export function sortAddresses(addresses: readonly Address[]): Address[] {
  return [...addresses].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
}
