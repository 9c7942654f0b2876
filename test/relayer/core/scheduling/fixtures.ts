import { getAddress, type Address, type Hex } from "viem";
import { ClauseStatus, ExecutionModel, PriorityClass, TriggerType } from "../../../../relayer/core/formats/enums.js";
import { jurisdictionToBytes3, tenantIdOf } from "../../../../relayer/core/formats/ids.js";
import { NodeStatus, type ClauseFacts, type JobFacts, type NodeFacts } from "../../../../relayer/core/scheduling/types.js";

export const DAO = getAddress("0x00000000000000000000000000000000000da0a0");
export const OTHER_DAO = getAddress("0x00000000000000000000000000000000000da0b0");
export const KEN = jurisdictionToBytes3("KEN");
export const UGA = jurisdictionToBytes3("UGA");
export const NOW = 1_750_000_000n;
export const CLAUSE_ID = `0x${"c1".repeat(32)}` as Hex;
export const MEASUREMENT = `0x${"3e".repeat(32)}` as Hex;

export function clauseFacts(overrides: Partial<ClauseFacts> = {}): ClauseFacts {
  return {
    clauseId: CLAUSE_ID,
    owner: DAO,
    version: 2 ** 32,
    model: ExecutionModel.Quorum,
    quorumK: 3,
    quorumN: 5,
    status: ClauseStatus.Active,
    priority: PriorityClass.Disaster,
    policyFlags: 0,
    validFrom: 0n,
    validUntil: 0n,
    codeHash: `0x${"cd".repeat(32)}`,
    configDigest: `0x${"d1".repeat(32)}`,
    jurisdictions: [KEN],
    ...overrides,
  };
}

export function jobFacts(overrides: Partial<JobFacts> = {}): JobFacts {
  return {
    jobId: `0x${"0b".repeat(32)}`,
    clauseId: CLAUSE_ID,
    clauseVersion: 2 ** 32,
    tenantId: tenantIdOf(DAO, "KEN"),
    dao: DAO,
    jurisdiction: KEN,
    triggerType: TriggerType.Sensor,
    inputCommitment: `0x${"ee".repeat(32)}`,
    deadline: NOW + 3600n,
    ...overrides,
  };
}

export function node(i: number, overrides: Partial<NodeFacts> = {}): NodeFacts {
  return {
    enclaveKey: getAddress(`0x${(0x1000 + i).toString(16).padStart(40, "0")}`) as Address,
    operator: getAddress(`0x${(0x2000 + i).toString(16).padStart(40, "0")}`),
    status: NodeStatus.Active,
    teeType: 1,
    jurisdiction: KEN,
    sovereign: false,
    attestedAt: NOW - 100n,
    attestedUntil: NOW + 86_400n,
    activeSince: NOW - 100n,
    measurement: MEASUREMENT,
    attestationId: `0x${"a1".repeat(32)}`,
    ...overrides,
  };
}
