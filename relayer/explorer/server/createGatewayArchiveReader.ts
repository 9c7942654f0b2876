import type { ArchiveFetched, ArchiveReader } from "./createBundleIndex.js";

/**
 * An Arweave gateway over HTTP (`GET /<id>`, `POST /graphql`), for the explorer's bundle index.
 * To be replaced by the verification core's own gateway adapter (relayer/verify/createGatewayArweaveSource.ts) once
 * that is in this build: same interface, one adapter.
 */
export function createGatewayArchiveReader(parameters: { gateway: string; timeoutMs?: number }): ArchiveReader {
  const base = parameters.gateway.replace(/\/+$/, "");
  const timeout = () => AbortSignal.timeout(parameters.timeoutMs ?? 10_000);
  const why = (error: unknown) => (error instanceof Error ? error.message : String(error));
  return {
    async fetchJson(id): Promise<ArchiveFetched<unknown>> {
      let response: Response;
      try {
        response = await fetch(`${base}/${encodeURIComponent(id)}`, { signal: timeout() });
      } catch (error) {
        return { status: "unavailable", reason: `gateway ${base} unreachable: ${why(error)}` };
      }
      if (response.status === 404 || response.status === 400) return { status: "absent", reason: `gateway ${base} has no data for ${id} (HTTP ${response.status})` };
      if (!response.ok) return { status: "unavailable", reason: `gateway ${base} answered HTTP ${response.status}` };
      try {
        return { status: "found", value: JSON.parse(await response.text()) as unknown };
      } catch {
        return { status: "absent", reason: `Arweave transaction ${id} is not JSON` };
      }
    },
    async findByTags(tags): Promise<ArchiveFetched<string[]>> {
      const query = "query($tags: [TagFilter!]) { transactions(tags: $tags, first: 100) { edges { node { id } } } }";
      let response: Response;
      try {
        response = await fetch(`${base}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query, variables: { tags: Object.entries(tags).map(([name, value]) => ({ name, values: [value] })) } }),
          signal: timeout(),
        });
      } catch (error) {
        return { status: "unavailable", reason: `gateway ${base} GraphQL unreachable: ${why(error)}` };
      }
      if (!response.ok) return { status: "unavailable", reason: `gateway ${base} GraphQL answered HTTP ${response.status}` };
      const body = (await response.json().catch(() => undefined)) as { data?: { transactions?: { edges?: { node?: { id?: string } }[] } } } | undefined;
      const edges = body?.data?.transactions?.edges;
      if (!Array.isArray(edges)) return { status: "unavailable", reason: `gateway ${base} GraphQL gave no transactions list` };
      return { status: "found", value: edges.map((e) => e.node?.id).filter((id): id is string => typeof id === "string") };
    },
  };
}
