import { absent, found, unavailable, type Fetched } from "../core/verify/ExecutionEvidence.js";
import type { ArweaveSource } from "./ArweaveSource.js";

export type GatewayArweaveSourceParameters = {
  /** Gateway base URL, e.g. https://arweave.net or a local arlocal http://127.0.0.1:1984. */
  gateway: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
};

/**
 * An Arweave gateway over HTTP: `GET /<id>` for data and `POST /graphql` for tag search — the two endpoints every
 * gateway (arweave.net, arlocal, ar.io) serves. Plain fetch, so a browser can use the same adapter.
 */
export function createGatewayArweaveSource(parameters: GatewayArweaveSourceParameters): ArweaveSource {
  const base = parameters.gateway.replace(/\/+$/, "");
  const timeoutMs = parameters.timeoutMs ?? 10_000;
  const fetchFn = parameters.fetch ?? globalThis.fetch;
  const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

  return {
    async fetchJson(id) {
      let response: Response;
      try {
        response = await fetchFn(`${base}/${encodeURIComponent(id)}`, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        return unavailable(`gateway ${base} unreachable: ${describe(error)}`);
      }
      // 404: the gateway knows no such transaction; 400: not a valid id; both are answers about the data.
      if (response.status === 404 || response.status === 400) return absent(`gateway ${base} has no data for Arweave transaction ${id} (HTTP ${response.status})`);
      if (!response.ok) return unavailable(`gateway ${base} answered HTTP ${response.status} for ${id}`);
      const text = await response.text();
      if (text.length === 0) return absent(`Arweave transaction ${id} has no data at ${base}`);
      try {
        return found(JSON.parse(text) as unknown);
      } catch {
        return absent(`Arweave transaction ${id} holds ${text.length} bytes that are not JSON`);
      }
    },
    async findByTags(tags): Promise<Fetched<string[]>> {
      const query = `query($tags: [TagFilter!]) { transactions(tags: $tags, first: 100) { edges { node { id } } } }`;
      const variables = { tags: Object.entries(tags).map(([name, value]) => ({ name, values: [value] })) };
      let response: Response;
      try {
        response = await fetchFn(`${base}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        return unavailable(`gateway ${base} GraphQL unreachable: ${describe(error)}`);
      }
      if (!response.ok) return unavailable(`gateway ${base} GraphQL answered HTTP ${response.status}`);
      const body = (await response.json().catch(() => undefined)) as { data?: { transactions?: { edges?: { node?: { id?: string } }[] } }; errors?: unknown } | undefined;
      const edges = body?.data?.transactions?.edges;
      if (!Array.isArray(edges)) return unavailable(`gateway ${base} GraphQL gave no transactions list${body?.errors ? `: ${JSON.stringify(body.errors).slice(0, 200)}` : ""}`);
      return found(edges.map((e) => e.node?.id).filter((id): id is string => typeof id === "string"));
    },
  };
}
