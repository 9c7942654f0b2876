import type { Address, Hex } from "viem";
import type { FeedRound } from "../core/scheduling/inputBundle.js";
import type { ClauseFacts, NodeFacts } from "../core/scheduling/types.js";

/**
 * Every chain read the scheduler, dispatcher and collector make, behind one narrow interface.
 * Implementations: `createRegistryReader` (viem, over RPC) and `createInMemoryRegistryReader` (tests, bench).
 * Read failures are typed `NsfError`s (retryable for transport trouble; see rpcCall.ts).
 */
export interface RegistryReader {
  /** Latest block timestamp, seconds: every expiry, freshness and deadline decision uses it. */
  chainTime(): Promise<bigint>;
  /** ClauseRegistry.getClause; undefined when the clause is not registered. */
  getClause(clauseId: Hex): Promise<ClauseFacts | undefined>;
  /** NodeRegistry.getNode; undefined when the key was never registered. */
  getNode(enclaveKey: Address): Promise<NodeFacts | undefined>;
  /** Every enclave key NodeRegistry has registered (NodeRegistered events), with current facts. */
  listNodes(): Promise<NodeFacts[]>;
  isMeasurementAllowed(measurement: Hex): Promise<boolean>;
  isTeeTypeAllowed(teeType: number): Promise<boolean>;
  isScheduler(address: Address): Promise<boolean>;
  /** JurisdictionRegistry.isTenant(dao, bytes3). */
  isTenant(dao: Address, jurisdiction: Hex): Promise<boolean>;
  /** JobRouter.isWorkloadSuspended: the tenant's workload of the clause failed and awaits its DAO's re-authorisation. */
  isWorkloadSuspended(tenantId: Hex, clauseId: Hex): Promise<boolean>;
  /** JobRouter.sensorTrigger(triggerId).maxStalenessSeconds. */
  sensorMaxStaleness(triggerId: bigint): Promise<bigint>;
  /** AggregatorV3Interface.getRoundData(roundId) of `feed`. */
  getRoundData(feed: Address, roundId: bigint): Promise<FeedRound>;
  /** Drops cached facts (after NodeRegistry/ClauseRegistry events, or on demand). */
  invalidate(): void;
}
