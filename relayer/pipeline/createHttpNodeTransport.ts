import type { Hex } from "viem";
import { RelayerError } from "../core/errors/RelayerError.js";
import type { TenantPayloadKey } from "../executor/enclave/EnclaveRuntime.js";
import type { NodeEndpoint, NodeTransport } from "./NodeTransport.js";

type ErrorBody = { error: { code: string; message?: string; details?: string | null; retryable?: boolean } };

/**
 * The executor node HTTP API (docs/FORMATS.md §11.2) with typed failures. `fetch` is injectable; every call
 * carries the caller's AbortSignal (the dispatcher's timeout). Bodies are read as text first, so a reply that
 * is not JSON is NODE_REPLY_MALFORMED rather than a parser exception.
 */
export function createHttpNodeTransport(parameters: { fetch?: typeof fetch } = {}): NodeTransport {
  const http = parameters.fetch ?? fetch;

  async function call(node: NodeEndpoint, path: string, init: RequestInit, signal: AbortSignal): Promise<unknown> {
    let response: Response;
    try {
      response = await http(new URL(path, node.url), { ...init, signal });
    } catch (cause) {
      if (signal.aborted) throw new RelayerError("NODE_TIMEOUT", `${node.url}${path}: aborted (${String((signal.reason as Error | undefined)?.message ?? "timeout")})`, { cause });
      throw new RelayerError("NODE_UNREACHABLE", `${node.url}${path}: ${(cause as Error).message ?? "connection failed"}`, { cause });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (cause) {
      if (signal.aborted) throw new RelayerError("NODE_TIMEOUT", `${node.url}${path}: aborted while reading the reply`, { cause });
      throw new RelayerError("NODE_UNREACHABLE", `${node.url}${path}: the reply was cut off`, { cause });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new RelayerError("NODE_REPLY_MALFORMED", `${node.url}${path}: HTTP ${response.status}, ${text.length}-byte body that is not JSON`);
    }
    if (response.status === 200) return body;
    const error = (body as Partial<ErrorBody> | null)?.error;
    if (error && typeof error.code === "string") {
      throw new RelayerError(error.retryable ? "NODE_REFUSED_RETRYABLE" : "NODE_REFUSED", `${error.code}${error.details ? `: ${error.details}` : ""} (HTTP ${response.status})`);
    }
    if (response.status >= 500) throw new RelayerError("NODE_UNREACHABLE", `${node.url}${path}: HTTP ${response.status} without an error body`);
    throw new RelayerError("NODE_REPLY_MALFORMED", `${node.url}${path}: HTTP ${response.status} without an error body`);
  }

  return {
    async payloadKey(node, tenantId: Hex, signal) {
      const body = (await call(node, `/v1/tenants/${tenantId}/payload-key`, { method: "GET" }, signal)) as Partial<TenantPayloadKey> | null;
      if (!body || typeof body.publicKey !== "string" || typeof body.signature !== "string" || typeof body.tenantId !== "string") {
        throw new RelayerError("NODE_REPLY_MALFORMED", `${node.url}: payload key reply lacks tenantId, publicKey or signature`);
      }
      return { tenantId: body.tenantId as Hex, publicKey: body.publicKey as Hex, signature: body.signature as Hex };
    },
    execute: (node, request, signal) =>
      call(node, "/v1/execute", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) }, signal),
  };
}
