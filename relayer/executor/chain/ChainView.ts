import type { Address, Hex } from "viem";

/** The registered facts about one clause version that a node checks before it runs a job. */
export type RegisteredClause = {
  codeHash: Hex;
  /** The clause config digest (docs/FORMATS.md §2) a CAC must name. */
  configDigest: Hex;
  /** Packed `major << 32 | minor << 16 | patch`. */
  version: number;
  /** docs/FORMATS.md §1 clause status. */
  status: number;
  /** Execution model (`ExecutionModel`); absent reads as Single. */
  model?: number;
  /** For a zk version (model Zk): the circuit its owner bound (`ClauseRegistry.getZkBinding`, docs/FORMATS.md §18). */
  zkBinding?: { circuitHash: Hex; vkeyHash: Hex; verifier: Address };
};

/** This node's registration as NodeRegistry holds it (INodeRegistry.Node): what its CACs' runtime hash commits to. */
export type NodeRegistration = {
  status: number;
  teeType: number;
  measurement: Hex;
  attestationId: Hex;
  attestedAt: bigint;
  attestedUntil: bigint;
};

/**
 * Everything the executor node reads from the chain, behind one narrow interface.
 * Implementations: `createViemChainView` (ClauseRegistry + NodeRegistry over RPC) and
 * `createInMemoryChainView` (tests, dev). Failures to read are `NSF_CHAIN_UNAVAILABLE` (retryable).
 */
export interface ChainView {
  /** The latest block's timestamp, in seconds: job tokens expire by chain time, not by the node's clock. */
  chainTime(): Promise<bigint>;
  /** True when NodeRegistry lists `address` as a scheduler key. */
  isScheduler(address: Address): Promise<boolean>;
  /** The registered clause version with this on-chain id, or undefined when none is registered. */
  getClause(clauseId: Hex): Promise<RegisteredClause | undefined>;
  /** NodeRegistry's record of an enclave key, or undefined when it was never registered. */
  getRegistration(enclaveKey: Address): Promise<NodeRegistration | undefined>;
}
