import type { Hex } from "viem";
import type { JobView } from "./ExplorerApi.js";
import { argsOf, checksum, jurisdictionText, rpc, type ExplorerChain } from "./explorerChain.js";

/** A `JobRequested` log as the page shows a job; `clause` is the clause's id string when the caller read it. */
export async function jobViewOf(chain: ExplorerChain, log: { args?: unknown; transactionHash: Hex | null; blockNumber: bigint | null }, clause: string | null = null): Promise<JobView> {
  const a = argsOf(log);
  return {
    jobId: a.jobId as Hex,
    clauseId: a.clauseId as Hex,
    clause,
    tenantId: a.tenantId as Hex,
    clauseVersion: Number(a.clauseVersion),
    triggerType: Number(a.triggerType),
    inputCommitment: a.inputCommitment as Hex,
    deadline: Number(a.deadline),
    dao: checksum(a.dao as string),
    jurisdiction: jurisdictionText(a.jurisdiction as Hex),
    txHash: log.transactionHash as Hex,
    blockNumber: (log.blockNumber as bigint).toString(),
    timestamp: await rpc("block", () => chain.blockTime(log.blockNumber as bigint)),
  };
}

/** All `JobRequested` of the router, oldest first, as job views (block times read once per block). */
export async function readJobs(chain: ExplorerChain, filter: { clauseId?: Hex; tenantId?: Hex } = {}): Promise<JobView[]> {
  const logs = await rpc("JobRequested", () =>
    chain.client.getContractEvents({ address: chain.contracts.jobRouter, abi: chain.abis.JobRouter, eventName: "JobRequested", args: filter, fromBlock: chain.fromBlock }),
  );
  return Promise.all(logs.map((log) => jobViewOf(chain, log)));
}
