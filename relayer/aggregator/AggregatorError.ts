import { NsfError } from "../core/errors/NsfError.js";

/** Errors of the aggregator's adapters (chain reads, anchor transactions), one registry, stable codes. */
export const AggregatorErrors = {
  CHAIN_UNAVAILABLE: { code: "NSF_AGG_CHAIN_UNAVAILABLE", retryable: true, title: "The chain could not be read" },
  BATCH_CONFLICT: { code: "NSF_AGG_BATCH_CONFLICT", retryable: false, title: "This batch sequence is anchored with other content" },
  ANCHOR_REVERTED: { code: "NSF_AGG_ANCHOR_REVERTED", retryable: false, title: "The anchor transaction reverts" },
  PREVIOUS_BATCH_MISSING: { code: "NSF_AGG_PREVIOUS_BATCH_MISSING", retryable: true, title: "The previous batch is not anchored yet" },
  FEE_CAP_REACHED: { code: "NSF_AGG_FEE_CAP_REACHED", retryable: true, title: "The anchor transaction needs a fee above the configured cap" },
  BROADCAST_FAILED: { code: "NSF_AGG_BROADCAST_FAILED", retryable: true, title: "The anchor transaction could not be broadcast" },
  NOT_SIGNED: { code: "NSF_AGG_NOT_SIGNED", retryable: false, title: "The batch has no quorum proof yet" },
} as const;

export type AggregatorErrorName = keyof typeof AggregatorErrors;

export class AggregatorError extends NsfError {
  override readonly name = "AggregatorError";
  readonly kind: AggregatorErrorName;
  /** The decoded custom error of a revert, when there is one (e.g. "RollupAnchorBatchAlreadyAnchored"). */
  readonly revertName: string | undefined;
  constructor(kind: AggregatorErrorName, details: string, options: { cause?: unknown; revertName?: string } = {}) {
    const d = AggregatorErrors[kind];
    super(d.code, { shortMessage: d.title, details, retryable: d.retryable, cause: options.cause });
    this.kind = kind;
    this.revertName = options.revertName;
  }
}
