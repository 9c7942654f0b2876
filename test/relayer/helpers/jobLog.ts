import { getAddress, type Hex } from "viem";
import type { JobRouterLog } from "../../../relayer/core/chain/ChainEvent.js";
import { jurisdictionToBytes3, tenantIdOf } from "../../../relayer/core/formats/ids.js";

const DAO = getAddress("0x00000000000000000000000000000000000da0a0");
const hex = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;

/** A `JobRequested` log for job `hex(n)` in block n (a KEN tenant's sensor job), as the chain watcher hands it to the store. */
export function jobLog(n: number, overrides: Partial<Extract<JobRouterLog, { type: "JobRequested" }>> = {}): Extract<JobRouterLog, { type: "JobRequested" }> {
  return {
    type: "JobRequested",
    ref: { blockNumber: BigInt(n), blockHash: hex(1000 + n), logIndex: 0, transactionHash: hex(2000 + n) },
    jobId: hex(n),
    clauseId: hex(77),
    tenantId: tenantIdOf(DAO, "KEN"),
    clauseVersion: 2 ** 32,
    triggerType: 1,
    inputCommitment: hex(88),
    deadline: 1_750_003_600n,
    dao: DAO,
    jurisdiction: jurisdictionToBytes3("KEN"),
    triggerNonce: hex(99),
    ...overrides,
  };
}
