import { NsfError } from "../core/errors/NsfError.js";

/**
 * The relayer pipeline's crash checkpoints (ADR 0018), in the order a job passes them: its JobRequested log is
 * applied (inside the watcher's store transaction, so a crash here leaves the cursor before the block); a job token
 * is about to leave for a node (the attempt row is durable); the agreed CACs are durable and the result is about to
 * be handed to the aggregator; a batch is sealed (tree, bundle, header committed); the anchor transaction is signed
 * and in the outbox, not yet broadcast; it was broadcast; its receipt was seen, before the batch is marked anchored.
 */
export const FAULT_CHECKPOINTS = ["event-seen", "dispatched", "cacs-collected", "batch-built", "tx-signed", "tx-sent", "receipt-seen"] as const;
export type FaultCheckpoint = (typeof FAULT_CHECKPOINTS)[number];

/** `NSF_FAULT_KILL_AT=<checkpoint>[:<n>]`: SIGKILL the process the n-th time (default 1st) it reaches the checkpoint. */
export const FAULT_KILL_ENV = "NSF_FAULT_KILL_AT";

export type FaultKillTarget = { checkpoint: FaultCheckpoint; hit: number };

/** Parses the variable's value; undefined when unset or empty. A value naming no checkpoint is a typed error. */
export function parseFaultKillAt(value: string | undefined): FaultKillTarget | undefined {
  if (value === undefined || value === "") return undefined;
  const match = /^([a-z-]+)(?::([1-9][0-9]*))?$/.exec(value);
  const checkpoint = match?.[1] as FaultCheckpoint | undefined;
  if (!match || !checkpoint || !FAULT_CHECKPOINTS.includes(checkpoint)) {
    throw new NsfError("NSF_FAULT_INVALID", { shortMessage: `${FAULT_KILL_ENV}=${value} names no fault checkpoint`, details: `expected <checkpoint>[:<n>] with checkpoint one of ${FAULT_CHECKPOINTS.join(", ")}` });
  }
  return { checkpoint, hit: match[2] ? Number(match[2]) : 1 };
}

// Read once at load: a process without the variable pays one comparison with undefined per checkpoint.
const target = parseFaultKillAt(process.env[FAULT_KILL_ENV]);
let hits = 0;

/** Called by the pipeline at each checkpoint; kills this process with SIGKILL (no cleanup, no flush) when armed. */
export function faultPoint(checkpoint: FaultCheckpoint): void {
  if (target === undefined || target.checkpoint !== checkpoint) return;
  hits += 1;
  if (hits < target.hit) return;
  // Leave a trace on stderr synchronously (the harness asserts the crash happened where it was asked to).
  process.stderr.write(`nsf fault: SIGKILL at ${checkpoint} (hit ${hits})\n`);
  process.kill(process.pid, "SIGKILL");
}
