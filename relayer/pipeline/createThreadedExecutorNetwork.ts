import { Worker } from "node:worker_threads";
import { getAddress, type Address, type Hex } from "viem";
import type { BuiltClauseManifest } from "../clauses/clauseManifest.js";
import { createInMemoryRegistryReader, type InMemoryRegistryReader } from "../chain/createInMemoryRegistryReader.js";
import { RelayerError } from "../core/errors/RelayerError.js";
import type { TenantPayloadKey } from "../executor/enclave/EnclaveRuntime.js";
import { registerSimulatedNetwork, type SimulatedExecutorNetwork } from "./createSimulatedExecutorNetwork.js";
import type { ExecutorWorkerData, ExecutorWorkerReady, ExecutorWorkerReply, ExecutorWorkerRequest } from "./executorNetworkWorker.js";
import type { NodeEndpoint, NodeTransport } from "./NodeTransport.js";

const WORKER_URL = new URL("./executorNetworkWorkerEntry.mjs", import.meta.url);

export type ThreadedExecutorNetwork = Pick<SimulatedExecutorNetwork, "chainId" | "deployments" | "clause" | "clauses"> & {
  /** What the relayer reads: the same facts as the executors' chain, built from what the threads report. */
  reader: InMemoryRegistryReader;
  executors: { facts: SimulatedExecutorNetwork["executors"][number]["facts"]; endpoint: NodeEndpoint; attestationId: Hex }[];
  /** Reaches the executors in their threads; refusals map as over HTTP (NODE_REFUSED[_RETRYABLE] with the node's code). */
  transport: NodeTransport;
  /** Moves chain time for both sides. */
  setChainTime(seconds: bigint): Promise<void>;
  /** CPU time used by the executor threads so far, microseconds (user + system), for benchmarks. */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
};

/**
 * The simulated executor network of `createSimulatedExecutorNetwork` (UNSAFE FOR PRODUCTION enclaves, the real job
 * executor) with its executors in `threads` worker threads, round-robin, instead of on the relayer's thread.
 * For tests and the pipeline benchmark: executor nodes are separate machines in a deployment, so giving them
 * their own threads models that on one machine (they share its cores with the relayer, which a deployment would
 * not). Requests cross in small batches (those made in one run of microtasks), replies one by one as they are ready.
 */
export async function createThreadedExecutorNetwork(parameters: {
  clause: { manifest: BuiltClauseManifest; wasm: Uint8Array };
  scheduler: Address;
  jurisdictions: readonly string[];
  quorum: { k: number; n: number };
  policyFlags?: number;
  dao: Address;
  tenantJurisdictions: readonly string[];
  chainTime?: bigint;
  threads?: number;
  /** More clauses on the same code (own priority class and owning DAO), registered in every thread and in `reader`. */
  aliases?: ExecutorWorkerData["aliases"];
}): Promise<ThreadedExecutorNetwork> {
  const threads = Math.max(1, Math.min(parameters.threads ?? 1, parameters.jurisdictions.length));
  const groups = Array.from({ length: threads }, (_, t) => parameters.jurisdictions.filter((_, i) => i % threads === t));

  type Pending = { resolve: (value: unknown) => void; reject: (error: unknown) => void };
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const started = await Promise.all(
    groups.map(
      (jurisdictions, t) =>
        new Promise<{ worker: Worker; ready: ExecutorWorkerReady }>((resolve, reject) => {
          const data: ExecutorWorkerData = {
            clause: parameters.clause,
            scheduler: parameters.scheduler,
            jurisdictions,
            quorum: parameters.quorum,
            ...(parameters.policyFlags !== undefined ? { policyFlags: parameters.policyFlags } : {}),
            dao: parameters.dao,
            tenantJurisdictions: parameters.tenantJurisdictions,
            ...(parameters.chainTime !== undefined ? { chainTime: parameters.chainTime } : {}),
            ...(parameters.aliases ? { aliases: parameters.aliases } : {}),
            urlPrefix: `thread://executors-${t}`,
          };
          const worker = new Worker(WORKER_URL, { workerData: data });
          worker.once("error", reject);
          worker.once("message", (ready: ExecutorWorkerReady) => {
            worker.off("error", reject);
            worker.on("message", (batch: ExecutorWorkerReply[]) => {
              for (const reply of batch) {
                const p = pending.get(reply.id);
                if (!p) continue; // aborted meanwhile: the reply is dropped, like an HTTP reply after a client abort
                pending.delete(reply.id);
                if (reply.ok) p.resolve(reply.value);
                else if (reply.refusal) p.reject(new RelayerError(reply.refusal.retryable ? "NODE_REFUSED_RETRYABLE" : "NODE_REFUSED", `${reply.refusal.code}${reply.refusal.details ? `: ${reply.refusal.details}` : ""}`));
                else p.reject(new RelayerError("NODE_UNREACHABLE", reply.message));
              }
            });
            worker.on("error", (error) => {
              for (const [id, p] of pending) {
                pending.delete(id);
                p.reject(new RelayerError("NODE_UNREACHABLE", `executor thread failed: ${error.message}`));
              }
            });
            resolve({ worker, ready });
          });
        }),
    ),
  );

  const outboxes = started.map(() => [] as ExecutorWorkerRequest[]);
  const threadOf = new Map<string, number>();
  for (const [t, { ready }] of started.entries()) for (const e of ready.network.executors) threadOf.set(getAddress(e.facts.enclaveKey), t);
  const post = (t: number, request: ExecutorWorkerRequest) => {
    const outbox = outboxes[t]!;
    // Requests made in the same run of microtasks travel together; none waits for the next event-loop turn.
    if (outbox.length === 0) {
      queueMicrotask(() => {
        const batch = outbox.splice(0);
        started[t]!.worker.postMessage(batch);
      });
    }
    outbox.push(request);
  };
  const call = <T>(node: Address, build: (id: number) => ExecutorWorkerRequest, signal?: AbortSignal): Promise<T> => {
    const t = threadOf.get(getAddress(node));
    if (t === undefined) return Promise.reject(new RelayerError("NODE_UNREACHABLE", `no threaded node ${node}`));
    if (signal?.aborted) return Promise.reject(new RelayerError("NODE_TIMEOUT", "aborted before sending"));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (pending.delete(id)) reject(new RelayerError("NODE_TIMEOUT", "aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      pending.set(id, {
        resolve: (value) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(value as T);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
      post(t, build(id));
    });
  };

  const first = started[0]!.ready.network;
  const executors = started.flatMap(({ ready }) => ready.network.executors);
  const reader = createInMemoryRegistryReader({ chainTime: parameters.chainTime ?? 1_750_000_000n });
  registerSimulatedNetwork(reader, { clause: first.clause, scheduler: parameters.scheduler, dao: parameters.dao, tenantJurisdictions: parameters.tenantJurisdictions, nodes: executors.map((e) => e.facts) });
  for (const [i, alias] of (parameters.aliases ?? []).entries()) {
    registerSimulatedNetwork(reader, { clause: first.clauses[i + 1]!, scheduler: parameters.scheduler, dao: alias.owner ?? parameters.dao, tenantJurisdictions: alias.tenantJurisdictions ?? parameters.tenantJurisdictions, nodes: [] });
  }

  return {
    chainId: first.chainId,
    deployments: first.deployments,
    clause: first.clause,
    clauses: first.clauses,
    reader,
    executors,
    transport: {
      payloadKey: (endpoint, tenantId, signal) => call<TenantPayloadKey>(endpoint.enclaveKey, (id) => ({ id, type: "payloadKey", node: endpoint.enclaveKey, tenantId }), signal),
      execute: (endpoint, body, signal) => call<unknown>(endpoint.enclaveKey, (id) => ({ id, type: "execute", node: endpoint.enclaveKey, body }), signal),
    },
    async setChainTime(seconds) {
      reader.setChainTime(seconds);
      await Promise.all(started.map(({ ready }) => call(ready.network.executors[0]!.facts.enclaveKey, (id) => ({ id, type: "setChainTime", seconds }))));
    },
    async cpuMicros() {
      const usage = await Promise.all(started.map(({ ready }) => call<NodeJS.CpuUsage>(ready.network.executors[0]!.facts.enclaveKey, (id) => ({ id, type: "cpuUsage" }))));
      return usage.reduce((sum, u) => sum + u.user + u.system, 0);
    },
    async close() {
      await Promise.all(started.map(({ worker }) => worker.terminate()));
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new RelayerError("NODE_UNREACHABLE", "executor threads closed"));
      }
    },
  };
}
