import type { Address, Hex } from "viem";

/** The registered facts of one clause version the scheduler decides on (IClauseRegistry.ClauseVersion). */
export type ClauseFacts = {
  clauseId: Hex;
  owner: Address;
  version: number;
  model: number;
  quorumK: number;
  quorumN: number;
  status: number;
  priority: number;
  policyFlags: number;
  validFrom: bigint;
  /** 0 = open-ended. */
  validUntil: bigint;
  codeHash: Hex;
  configDigest: Hex;
  /** bytes3 values, lowercase hex. */
  jurisdictions: readonly Hex[];
  /** Model Zk only: the circuit the owner bound (`ClauseRegistry.getZkBinding`); absent until bound. */
  zkBinding?: { circuitHash: Hex; vkeyHash: Hex; verifier: Address };
};

/** One executor node as NodeRegistry holds it (INodeRegistry.Node), keyed by its enclave key. */
export type NodeFacts = {
  enclaveKey: Address;
  operator: Address;
  status: number;
  teeType: number;
  /** bytes3, lowercase hex. */
  jurisdiction: Hex;
  sovereign: boolean;
  attestedAt: bigint;
  attestedUntil: bigint;
  activeSince: bigint;
  measurement: Hex;
  attestationId: Hex;
};

/** NodeRegistry node status (contracts/types/Enums.sol). */
export const NodeStatus = { None: 0, Active: 1, Revoked: 2, Ejected: 3, Deregistered: 4 } as const;

/** What the relayer knows of a job from its JobRequested event. */
export type JobFacts = {
  jobId: Hex;
  clauseId: Hex;
  clauseVersion: number;
  tenantId: Hex;
  dao: Address;
  /** bytes3, lowercase hex. */
  jurisdiction: Hex;
  triggerType: number;
  inputCommitment: Hex;
  deadline: bigint;
};
