import type { Hex } from "viem";
import type { AgreedResult, ResultSink } from "../core/results/AgreedResult.js";

export type InMemoryResultSink = ResultSink & {
  readonly results: ReadonlyMap<Hex, AgreedResult>;
  /** Every call, duplicates included: tests check idempotence against it. */
  readonly calls: number;
};

/** The fake aggregator: keeps the first result per job id (idempotent by job id, as the real sink is). */
export function createInMemoryResultSink(): InMemoryResultSink {
  const results = new Map<Hex, AgreedResult>();
  let calls = 0;
  return {
    results,
    get calls() {
      return calls;
    },
    async submit(result) {
      calls++;
      const key = result.jobId.toLowerCase() as Hex;
      if (!results.has(key)) results.set(key, result);
    },
  };
}
