import { getAddress, type Address, type Hex } from "viem";
import { RelayerError } from "../core/errors/RelayerError.js";
import type { FeedRound } from "../core/scheduling/inputBundle.js";
import type { ClauseFacts, NodeFacts } from "../core/scheduling/types.js";
import type { RegistryReader } from "./RegistryReader.js";

export type InMemoryRegistryReader = RegistryReader & {
  setChainTime(seconds: bigint): void;
  setClause(clause: ClauseFacts): void;
  setNode(node: NodeFacts): void;
  setTenant(dao: Address, jurisdiction: Hex, admitted: boolean): void;
  setMeasurementAllowed(measurement: Hex, allowed: boolean): void;
  setTeeTypeAllowed(teeType: number, allowed: boolean): void;
  setScheduler(address: Address, allowed: boolean): void;
  setSensorTrigger(triggerId: bigint, maxStalenessSeconds: bigint): void;
  setRound(feed: Address, round: FeedRound): void;
  setWorkloadSuspended(tenantId: Hex, clauseId: Hex, suspended: boolean): void;
};

/** The in-memory fake behind `RegistryReader`, for unit tests and the pipeline benchmark. */
export function createInMemoryRegistryReader(initial: { chainTime?: bigint } = {}): InMemoryRegistryReader {
  let chainTime = initial.chainTime ?? 1_750_000_000n;
  const clauses = new Map<string, ClauseFacts>();
  const nodes = new Map<string, NodeFacts>();
  const tenants = new Set<string>();
  const measurements = new Set<string>();
  const teeTypes = new Set<number>();
  const schedulers = new Set<string>();
  const triggers = new Map<bigint, bigint>();
  const rounds = new Map<string, FeedRound>();
  const suspended = new Set<string>();
  return {
    isWorkloadSuspended: async (tenantId, clauseId) => suspended.has(`${tenantId.toLowerCase()}:${clauseId.toLowerCase()}`),
    setWorkloadSuspended: (tenantId, clauseId, on) => void (on ? suspended.add(`${tenantId.toLowerCase()}:${clauseId.toLowerCase()}`) : suspended.delete(`${tenantId.toLowerCase()}:${clauseId.toLowerCase()}`)),
    chainTime: async () => chainTime,
    getClause: async (clauseId) => clauses.get(clauseId.toLowerCase()),
    getNode: async (key) => nodes.get(getAddress(key)),
    listNodes: async () => [...nodes.values()],
    isMeasurementAllowed: async (m) => measurements.has(m.toLowerCase()),
    isTeeTypeAllowed: async (t) => teeTypes.has(t),
    isScheduler: async (a) => schedulers.has(getAddress(a)),
    isTenant: async (dao, j) => tenants.has(`${getAddress(dao)}:${j.toLowerCase()}`),
    sensorMaxStaleness: async (id) => {
      const value = triggers.get(id);
      if (value === undefined) throw new RelayerError("CONTRACT_REVERTED", `JobRouter.sensorTrigger: JobRouterUnknownTrigger(${id})`);
      return value;
    },
    getRoundData: async (feed, roundId) => {
      const round = rounds.get(`${getAddress(feed)}:${roundId}`);
      if (!round) throw new RelayerError("CONTRACT_REVERTED", `getRoundData(${roundId}) on ${feed}: no data present`);
      return round;
    },
    invalidate: () => {},
    setChainTime: (s) => {
      chainTime = s;
    },
    setClause: (c) => clauses.set(c.clauseId.toLowerCase(), c),
    setNode: (n) => nodes.set(getAddress(n.enclaveKey), n),
    setTenant: (dao, j, admitted) => {
      const key = `${getAddress(dao)}:${j.toLowerCase()}`;
      if (admitted) tenants.add(key);
      else tenants.delete(key);
    },
    setMeasurementAllowed: (m, allowed) => (allowed ? measurements.add(m.toLowerCase()) : measurements.delete(m.toLowerCase())),
    setTeeTypeAllowed: (t, allowed) => (allowed ? teeTypes.add(t) : teeTypes.delete(t)),
    setScheduler: (a, allowed) => (allowed ? schedulers.add(getAddress(a)) : schedulers.delete(getAddress(a))),
    setSensorTrigger: (id, s) => triggers.set(id, s),
    setRound: (feed, round) => rounds.set(`${getAddress(feed)}:${round.roundId}`, round),
  };
}
