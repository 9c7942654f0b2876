/** One row of docs/RELIABILITY.md: a fault, how it is injected, and where its outcome comes from. */
export type FaultEntry = {
  area: "process" | "network" | "chain" | "adversarial" | "clock" | "relayers" | "load";
  fault: string;
  injection: string;
  /** The test or run that proves it. */
  where: string;
  /** Key in bench/results/fault-tests.json (the fast suite's recorded outcome). */
  testKey?: string;
  /** Key in the soak's fault draw. */
  soakFault?: string;
  /** A fixed statement of the outcome, for faults proven by assertions of existing tests (kept true by those tests). */
  outcome?: string;
};

export const RELIABILITY_FAULTS: FaultEntry[] = [];
