import { getAddress, type Address } from "viem";
import { RelayerError } from "../core/errors/RelayerError.js";
import type { EnclaveRuntime } from "../executor/enclave/EnclaveRuntime.js";
import { ExecutorError } from "../executor/errors/ExecutorError.js";
import type { JobExecutor } from "../executor/node/createJobExecutor.js";
import type { NodeTransport } from "./NodeTransport.js";

export type InProcessNode = { executor: JobExecutor; enclave: EnclaveRuntime };

/**
 * Executor nodes in this process, called directly (no HTTP): the transport for tests and the pipeline
 * benchmark. Refusals map exactly as over HTTP (NODE_REFUSED[_RETRYABLE] with the node's code).
 */
export function createInProcessNodeTransport(nodes: ReadonlyMap<Address, InProcessNode>): NodeTransport {
  const byKey = new Map([...nodes].map(([k, v]) => [getAddress(k), v]));
  const nodeOf = (key: Address) => {
    const node = byKey.get(getAddress(key));
    if (!node) throw new RelayerError("NODE_UNREACHABLE", `no in-process node ${key}`);
    return node;
  };
  return {
    async payloadKey(endpoint, tenantId) {
      return nodeOf(endpoint.enclaveKey).enclave.tenantPayloadKey(tenantId);
    },
    async execute(endpoint, request, signal) {
      if (signal.aborted) throw new RelayerError("NODE_TIMEOUT", "aborted before sending");
      try {
        return await nodeOf(endpoint.enclaveKey).executor.execute(request);
      } catch (error) {
        if (error instanceof ExecutorError) throw new RelayerError(error.retryable ? "NODE_REFUSED_RETRYABLE" : "NODE_REFUSED", `${error.code}${error.details ? `: ${error.details}` : ""}`);
        throw error;
      }
    },
  };
}
