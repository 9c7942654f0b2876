import type { Hex } from "viem";

/** A workload fault agreed by k nodes (ADR 0014): the job failed in its sandbox on every node that ran it. */
export type WorkloadFault = { jobId: Hex; tenantId: Hex; clauseId: Hex; code: string };

/**
 * Where the dispatcher sends agreed workload faults: on-chain (`createChainFaultReporter`: JobRouter.reportFailure,
 * which refunds the job's bandwidth token and suspends the tenant × clause workload until its DAO re-authorises
 * it) or in memory (tests). Failures to report are logged on the tenant's own log line and never fail the job twice.
 */
export interface FaultReporter {
  reportWorkloadFault(fault: WorkloadFault): Promise<void>;
}
