import { parentPort } from "node:worker_threads";
import { ExecutorError } from "../errors/ExecutorError.js";
import { runMeteredClause } from "./runMeteredClause.js";
import type { WorkerReply, WorkerRequest } from "./createWorkerRunner.js";
import type { WasmModule } from "./wasmEngine.js";

/** Worker-thread side of `createWorkerRunner`: a module cache and one run per message. */
const port = parentPort;
if (!port) throw new Error("sandboxWorker.ts must run in a worker thread");
const modules = new Map<string, WasmModule>();

port.on("message", (request: WorkerRequest) => {
  if (request.resetCache) modules.clear();
  if (request.module) modules.set(request.key, request.module);
  const module = modules.get(request.key);
  let reply: WorkerReply;
  try {
    if (!module) throw new ExecutorError("NODE_INTERNAL", "worker has no module for this code hash");
    const result = runMeteredClause(module, request.input, request.stepLimit);
    reply = { id: request.id, ok: true, output: result.output, stepsUsed: result.stepsUsed };
  } catch (error) {
    const e = error instanceof ExecutorError ? error : new ExecutorError("CLAUSE_TRAPPED", String(error));
    reply = { id: request.id, ok: false, kind: e.kind, details: e.details };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true } satisfies WorkerReply);
