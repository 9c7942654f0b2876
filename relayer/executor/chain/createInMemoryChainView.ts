import { getAddress, type Address, type Hex } from "viem";
import type { ChainView, NodeRegistration, RegisteredClause } from "./ChainView.js";

export type InMemoryChainView = ChainView & {
  setChainTime(seconds: bigint): void;
  advance(seconds: bigint): void;
  setScheduler(address: Address, allowed: boolean): void;
  setClause(clauseId: Hex, clause: RegisteredClause | undefined): void;
  setRegistration(enclaveKey: Address, registration: NodeRegistration | undefined): void;
};

/**
 * A chain that lives in memory: the fake behind `ChainView` for tests and for `nsf node --dev`.
 * Time is fixed (tests move it explicitly) unless `clock` is given, which dev mode uses so job tokens
 * written against the wall clock behave as on a live chain; `setChainTime` then pins it again.
 */
export function createInMemoryChainView(
  initial: { chainTime?: bigint; clock?: () => bigint; schedulers?: readonly Address[]; clauses?: Readonly<Record<Hex, RegisteredClause>>; registrations?: Readonly<Record<Address, NodeRegistration>> } = {},
): InMemoryChainView {
  let pinned: bigint | undefined = initial.clock ? undefined : (initial.chainTime ?? 1_700_000_000n);
  const clock = initial.clock;
  const schedulers = new Set((initial.schedulers ?? []).map((a) => getAddress(a)));
  const clauses = new Map<string, RegisteredClause>(Object.entries(initial.clauses ?? {}).map(([id, c]) => [id.toLowerCase(), c]));
  const registrations = new Map<string, NodeRegistration>(Object.entries(initial.registrations ?? {}).map(([k, r]) => [getAddress(k), r]));
  return {
    chainTime: async () => pinned ?? clock!(),
    isScheduler: async (address) => schedulers.has(getAddress(address)),
    getClause: async (clauseId) => clauses.get(clauseId.toLowerCase()),
    getRegistration: async (enclaveKey) => registrations.get(getAddress(enclaveKey)),
    setChainTime: (seconds) => {
      pinned = seconds;
    },
    advance: (seconds) => {
      pinned = (pinned ?? clock!()) + seconds;
    },
    setScheduler: (address, allowed) => {
      if (allowed) schedulers.add(getAddress(address));
      else schedulers.delete(getAddress(address));
    },
    setClause: (clauseId, clause) => {
      if (clause) clauses.set(clauseId.toLowerCase(), clause);
      else clauses.delete(clauseId.toLowerCase());
    },
    setRegistration: (enclaveKey, registration) => {
      if (registration) registrations.set(getAddress(enclaveKey), registration);
      else registrations.delete(getAddress(enclaveKey));
    },
  };
}
