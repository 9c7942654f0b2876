import type { Address, Hex } from "viem";
import type { NodeTier } from "../core/scheduling/selectNodes.js";
import type { TenantPayloadKey } from "../executor/enclave/EnclaveRuntime.js";

/** An executor node the relayer dispatches to: its enclave key (the NodeRegistry identity), where it listens, and whether it takes work first (primary, default) or only overflow (secondary). */
export type NodeEndpoint = { enclaveKey: Address; url: string; tier?: NodeTier };

/** The `POST /v1/execute` body (docs/FORMATS.md §11.2), as built by `buildJobRequest`. */
export type JobRequestBody = Awaited<ReturnType<typeof import("../executor/client/buildJobRequest.js").buildJobRequest>>;

/**
 * How the dispatcher talks to executor nodes, behind one narrow interface: over HTTP
 * (`createHttpNodeTransport`) or in-process (`createInProcessNodeTransport`, tests and the benchmark).
 * Failures are typed `RelayerError`s: NODE_UNREACHABLE / NODE_TIMEOUT (retryable), NODE_REFUSED[_RETRYABLE]
 * (the node's own error code in the details), NODE_REPLY_MALFORMED.
 */
export interface NodeTransport {
  /** The node's certified payload key for one tenant (the caller verifies the certificate). */
  payloadKey(node: NodeEndpoint, tenantId: Hex, signal: AbortSignal): Promise<TenantPayloadKey>;
  /** Sends one job request; resolves with the reply body (unverified) of a 200 answer. */
  execute(node: NodeEndpoint, request: JobRequestBody, signal: AbortSignal): Promise<unknown>;
}
