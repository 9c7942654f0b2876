import type { Hex } from "viem";
import type { TenantPayloadKey } from "../enclave/EnclaveRuntime.js";

export type NodeReply<T> = { status: number; body: T | { error: { code: string; message: string; details: string | null; retryable: boolean } } };

/** A thin HTTP client for an executor node's API (docs/FORMATS.md §11.2); `fetch` is injectable for tests. */
export function createNodeClient(parameters: { url: string; fetch?: typeof fetch }) {
  const http = parameters.fetch ?? fetch;
  const call = async <T>(path: string, init?: RequestInit): Promise<NodeReply<T>> => {
    const response = await http(new URL(path, parameters.url), init);
    return { status: response.status, body: (await response.json()) as NodeReply<T>["body"] };
  };
  return {
    health: () => call<Record<string, unknown>>("/v1/health"),
    evidence: (nonce: Hex) => call<{ teeType: number; simulated: boolean; attestationId: Hex; evidence: Hex }>(`/v1/attestation/evidence?nonce=${nonce}`),
    payloadKey: (tenantId: Hex) => call<TenantPayloadKey>(`/v1/tenants/${tenantId}/payload-key`),
    execute: (body: unknown) =>
      call<{ cac: Record<string, unknown>; signature: Hex; digest: Hex; signer: Hex }>("/v1/execute", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
  };
}
