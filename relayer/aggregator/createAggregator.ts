import { z } from "zod";
import type { Common } from "../common/Common.js";
import { createPeriodicTask } from "../common/createPeriodicTask.js";
import { InvalidFormatError } from "../core/errors/NsfError.js";
import type { AgreedResult, ResultSink } from "../core/results/AgreedResult.js";
import type { BatchStatus, BatchStore } from "../store/batchStore.js";
import type { Batcher } from "./createBatcher.js";

export type AggregatorParameters = {
  common: Common;
  store: BatchStore;
  batcher: Batcher;
  /** How often the batcher's state machine runs while started. */
  tickMs?: number;
};

export type Aggregator = ResultSink & {
  /** One pass of the batcher (tests and the CLI drive it directly; `start` runs it on a timer). */
  tick(): Promise<void>;
  /** Runs `tick` every `tickMs` until `stop()` or the common shutdown signal. */
  start(): void;
  stop(): Promise<void>;
  status(): BatchStatus;
};

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
/** The shape checks done at the door; co-signers re-verify everything cryptographic before signing. */
const AgreedResultShape = z.object({
  jobId: hex32,
  clauseId: hex32,
  clauseRef: z.string().min(1),
  tenantId: hex32,
  dao: address,
  jurisdiction: z.string().regex(/^[A-Z]{3}$/),
  inputHash: hex32,
  outputHash: hex32,
  output: z.string().regex(/^0x([0-9a-fA-F]{2})*$/),
  /** null for a zk clause version's result: its inputs stay private (docs/FORMATS.md §12). */
  inputBundle: z.record(z.string(), z.unknown()).nullable(),
  cacs: z.array(z.object({ signer: address, digest: hex32, signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/), json: z.record(z.string(), z.unknown()), cac: z.object({}).passthrough() })).min(1),
  agreedAt: z.bigint(),
});

/**
 * The aggregator half of the relayer (ADR 0007): a `ResultSink` for agreed results, composed of the batch
 * store, the batcher (which drives the co-signers and the transaction manager) and a timer loop.
 * `submit` is idempotent by job id and durable once it returns (the row is committed before it resolves).
 */
export function createAggregator(parameters: AggregatorParameters): Aggregator {
  const { store, batcher } = parameters;
  const logger = parameters.common.logger.child({ component: "aggregator" });
  const tickMs = parameters.tickMs ?? 250;
  // Batcher passes never overlap (a pass started while one runs joins it).
  const loop = createPeriodicTask({
    run: () => batcher.tick(),
    intervalMs: tickMs,
    shutdown: parameters.common.shutdown,
    onError: (error) => logger.error({ err: error }, "aggregator tick failed"),
  });

  return {
    async submit(result: AgreedResult) {
      const parsed = AgreedResultShape.safeParse(result);
      if (!parsed.success) {
        throw new InvalidFormatError("agreed result", parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; "), "an AgreedResult (relayer/core/results/AgreedResult.ts)");
      }
      const added = store.addResult(result);
      logger.debug({ jobId: result.jobId, tenantId: result.tenantId, added }, added ? "agreed result accepted" : "agreed result already known");
    },
    tick: loop.tick,
    start: loop.start,
    stop: loop.stop,
    status: () => store.status(),
  };
}
