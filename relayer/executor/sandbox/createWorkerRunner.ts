import { Worker } from "node:worker_threads";
import type { Hex } from "viem";
import type { ClauseOutput } from "../../core/formats/output.js";
import { ExecutorError, type ExecutorErrorKind } from "../errors/ExecutorError.js";
import type { ClauseRunner, RunJob } from "./ClauseRunner.js";
import type { MeteredRun } from "./runMeteredClause.js";
import type { WasmModule } from "./wasmEngine.js";

export type WorkerRequest = { id: number; key: Hex; module?: WasmModule; resetCache?: boolean; input: Uint8Array; stepLimit: bigint };
export type WorkerReply =
  | { ready: true }
  | { id: number; ok: true; output: ClauseOutput; stepsUsed: bigint }
  | { id: number; ok: false; kind: ExecutorErrorKind; details: string | undefined };

export type WorkerRunnerOptions = {
  /** Wall-clock guard per run. A second line only: step metering already bounds every run. */
  timeoutMs: number;
  /** Worker threads running clauses in parallel. */
  poolSize?: number;
  /** Per-worker module cache size (code hashes). */
  cacheSize?: number;
};

type Pending = { job: RunJob; resolve: (run: MeteredRun) => void; reject: (error: unknown) => void };
type Slot = { worker: Worker; ready: boolean; known: Set<Hex>; current: (Pending & { id: number; timer: NodeJS.Timeout }) | undefined };

const WORKER_URL = new URL("./sandboxWorkerEntry.mjs", import.meta.url);

/**
 * Runs clauses in worker threads. A run that outlives `timeoutMs` gets its worker terminated and a
 * fresh one started; the caller gets `NSF_CLAUSE_TIMEOUT` (retryable: it depends on the machine, unlike
 * the step limit). Compiled modules are posted once per worker and cached there by code hash.
 */
export function createWorkerRunner(options: WorkerRunnerOptions): ClauseRunner {
  const poolSize = options.poolSize ?? 1;
  const cacheSize = options.cacheSize ?? 256;
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;
  // Workers that die before they are ready are not retried forever: after a few, queued runs fail.
  let startFailures = 0;
  let broken: ExecutorError | undefined;

  const spawn = (): Slot => {
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: 64, stackSizeMb: 4 } });
    // Idle workers must not keep the process alive; a pending run keeps its own timer referenced.
    worker.unref();
    const slot: Slot = { worker, ready: false, known: new Set(), current: undefined };
    worker.on("message", (reply: WorkerReply) => onReply(slot, reply));
    worker.on("error", (error) => onWorkerDeath(slot, error));
    worker.on("exit", (code) => onWorkerDeath(slot, new Error(`worker exited with code ${code}`)));
    return slot;
  };
  const slots: Slot[] = Array.from({ length: poolSize }, spawn);

  const replace = (slot: Slot): void => {
    const index = slots.indexOf(slot);
    if (index === -1) return;
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    if (!closed) slots[index] = spawn();
    else slots.splice(index, 1);
  };

  const onReply = (slot: Slot, reply: WorkerReply): void => {
    // A worker takes a while to load its code; the guard's clock starts only once it can run.
    if ("ready" in reply) {
      slot.ready = true;
      startFailures = 0;
      pump();
      return;
    }
    const current = slot.current;
    if (!current || current.id !== reply.id) return;
    clearTimeout(current.timer);
    slot.current = undefined;
    if (reply.ok) current.resolve({ output: reply.output, stepsUsed: reply.stepsUsed });
    else current.reject(new ExecutorError(reply.kind, reply.details));
    pump();
  };

  const onWorkerDeath = (slot: Slot, error: unknown): void => {
    const current = slot.current;
    slot.current = undefined;
    if (current) {
      clearTimeout(current.timer);
      current.reject(new ExecutorError("NODE_INTERNAL", "the sandbox worker died during the run", { cause: error }));
    }
    if (!slot.ready && ++startFailures >= 3) {
      broken = new ExecutorError("NODE_INTERNAL", "sandbox workers fail to start", { cause: error });
      for (const pending of queue.splice(0)) pending.reject(broken);
      closed = true;
    }
    replace(slot);
    pump();
  };

  const pump = (): void => {
    for (const slot of slots) {
      if (!slot.ready || slot.current || queue.length === 0) continue;
      const pending = queue.shift()!;
      const id = nextId++;
      const request: WorkerRequest = { id, key: pending.job.key, input: pending.job.input, stepLimit: pending.job.stepLimit };
      if (!slot.known.has(pending.job.key)) {
        if (slot.known.size >= cacheSize) {
          slot.known.clear();
          request.resetCache = true;
        }
        request.module = pending.job.module;
        slot.known.add(pending.job.key);
      }
      const timer = setTimeout(() => {
        if (slot.current?.id !== id) return;
        slot.current = undefined;
        pending.reject(new ExecutorError("CLAUSE_TIMEOUT", `wall-clock guard of ${options.timeoutMs} ms`));
        replace(slot);
        pump();
      }, options.timeoutMs);
      slot.current = { ...pending, id, timer };
      slot.worker.postMessage(request);
    }
  };

  return {
    run(job) {
      if (closed) return Promise.reject(broken ?? new ExecutorError("NODE_INTERNAL", "the sandbox is closed"));
      return new Promise<MeteredRun>((resolve, reject) => {
        queue.push({ job, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(new ExecutorError("NODE_INTERNAL", "the sandbox is closed"));
      await Promise.all(
        slots.splice(0).map(async (slot) => {
          if (slot.current) {
            clearTimeout(slot.current.timer);
            slot.current.reject(new ExecutorError("NODE_INTERNAL", "the sandbox is closed"));
          }
          slot.worker.removeAllListeners();
          await slot.worker.terminate();
        }),
      );
    },
  };
}
