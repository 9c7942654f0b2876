import { parentPort, workerData } from "node:worker_threads";
import type { Address, Hex } from "viem";
import type { BuiltClauseManifest } from "../clauses/clauseManifest.js";
import { createCommon } from "../common/Common.js";
import { ExecutorError } from "../executor/errors/ExecutorError.js";
import type { JobExecutor } from "../executor/node/createJobExecutor.js";
import type { EnclaveRuntime } from "../executor/enclave/EnclaveRuntime.js";
import { createSimulatedExecutorNetwork, type SimulatedExecutorNetwork } from "./createSimulatedExecutorNetwork.js";

/** What `createThreadedExecutorNetwork` passes each worker thread. */
export type ExecutorWorkerData = {
  clause: { manifest: BuiltClauseManifest; wasm: Uint8Array };
  scheduler: Address;
  /** One ISO alpha-3 code per executor this thread hosts. */
  jurisdictions: readonly string[];
  quorum: { k: number; n: number };
  policyFlags?: number;
  dao: Address;
  tenantJurisdictions: readonly string[];
  chainTime?: bigint;
  /** More clauses on the same code, with their own priority class and owning DAO (see createSimulatedExecutorNetwork). */
  aliases?: readonly { clause: string; priority: number; owner?: Address; tenantJurisdictions?: readonly string[] }[];
  /** Endpoint URL prefix, unique per thread. */
  urlPrefix: string;
};

export type ExecutorWorkerRequest =
  | { id: number; type: "execute"; node: Address; body: unknown }
  | { id: number; type: "payloadKey"; node: Address; tenantId: Hex }
  | { id: number; type: "setChainTime"; seconds: bigint }
  | { id: number; type: "cpuUsage" };

/** A refusal keeps the node's error code and retryability, as an HTTP error body does. */
export type ExecutorWorkerReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; refusal?: { code: string; details: string | undefined; retryable: boolean }; message: string };

export type ExecutorWorkerReady = {
  ready: true;
  network: Pick<SimulatedExecutorNetwork, "chainId" | "deployments" | "clause" | "clauses"> & { executors: Pick<SimulatedExecutorNetwork["executors"][number], "facts" | "endpoint" | "attestationId">[] };
};

/**
 * Worker-thread side of `createThreadedExecutorNetwork`: a simulated executor network (UNSAFE FOR PRODUCTION
 * enclaves) whose executors answer requests that arrive in small batches, one at a time, each reply sent at once.
 */
const port = parentPort;
if (!port) throw new Error("executorNetworkWorker.ts must run in a worker thread");
const data = workerData as ExecutorWorkerData;
const common = createCommon({ logLevel: "silent" });
const network = await createSimulatedExecutorNetwork({
  common,
  clause: data.clause,
  scheduler: data.scheduler,
  jurisdictions: data.jurisdictions,
  quorum: data.quorum,
  ...(data.policyFlags !== undefined ? { policyFlags: data.policyFlags } : {}),
  dao: data.dao,
  tenantJurisdictions: data.tenantJurisdictions,
  ...(data.chainTime !== undefined ? { chainTime: data.chainTime } : {}),
  ...(data.aliases ? { aliases: data.aliases } : {}),
});
const nodes = new Map<string, { executor: JobExecutor; enclave: EnclaveRuntime }>(network.executors.map((e) => [e.enclave.address.toLowerCase(), e]));

async function handle(request: ExecutorWorkerRequest): Promise<unknown> {
  if (request.type === "setChainTime") {
    network.setChainTime(request.seconds);
    return undefined;
  }
  if (request.type === "cpuUsage") return process.threadCpuUsage();
  const node = nodes.get(request.node.toLowerCase());
  if (!node) throw new Error(`no executor ${request.node} in this thread`);
  switch (request.type) {
    case "execute":
      return node.executor.execute(request.body);
    case "payloadKey":
      return node.enclave.tenantPayloadKey(request.tenantId);
    default: {
      const never: never = request;
      throw new TypeError(`unknown request ${JSON.stringify(never)}`);
    }
  }
}

// One request at a time, each reply posted as soon as it exists: a batch of replies held back until the whole batch
// of requests is done would leave the relayer idle meanwhile, and this thread idle while the relayer catches up.
const queue: ExecutorWorkerRequest[] = [];
let pumping = false;
async function pump(): Promise<void> {
  pumping = true;
  while (queue.length > 0) {
    const request = queue.shift()!;
    let reply: ExecutorWorkerReply;
    try {
      reply = { id: request.id, ok: true, value: await handle(request) };
    } catch (error) {
      reply =
        error instanceof ExecutorError
          ? { id: request.id, ok: false, refusal: { code: error.code, details: error.details, retryable: error.retryable }, message: error.message }
          : { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
    }
    port!.postMessage([reply]);
  }
  pumping = false;
}

port.on("message", (batch: ExecutorWorkerRequest[]) => {
  queue.push(...batch);
  if (!pumping) void pump();
});

port.postMessage({
  ready: true,
  network: {
    chainId: network.chainId,
    deployments: network.deployments,
    clause: network.clause,
    clauses: network.clauses,
    executors: network.executors.map((e) => ({ facts: e.facts, attestationId: e.attestationId, endpoint: { ...e.endpoint, url: `${data.urlPrefix}/${e.endpoint.url.replace(/^inprocess:\/\//, "")}` } })),
  },
} satisfies ExecutorWorkerReady);
