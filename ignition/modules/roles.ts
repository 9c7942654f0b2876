import { toFunctionSelector } from "viem";

/** AccessManager role ids of the network (0 is OpenZeppelin's ADMIN_ROLE: the network DAO's timelock). */
export const Roles = {
  Admin: 0n,
  /** Held by the DisputeResolver contract: freezes and unfreezes clauses on evidence. */
  Dispute: 11n,
  /** Granted by network governance to a relayer key: reports agreed workload faults (JobRouter.reportFailure, ADR 0014). */
  FaultReporter: 12n,
} as const;

export const FAULT_REPORTER_SELECTORS = { jobRouter: [toFunctionSelector("reportFailure(bytes32,bytes32,bool)")] } as const;

export const DISPUTE_SELECTORS = {
  rollupAnchor: [
    toFunctionSelector("setClauseFrozen(bytes32,bool,bytes32)"),
    toFunctionSelector("setTenantFrozen(bytes32,bool,bytes32)"),
  ],
  clauseRegistry: [toFunctionSelector("setClauseFrozen(bytes32,bool)")],
} as const;
