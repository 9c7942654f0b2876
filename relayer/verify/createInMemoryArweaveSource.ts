import { absent, found, type Fetched } from "../core/verify/ExecutionEvidence.js";
import type { ArweaveSource } from "./ArweaveSource.js";

export type InMemoryArweave = ArweaveSource & {
  /** Stores `data` (JSON) under `id` with `tags`, as a post to Arweave would. */
  put(id: string, data: unknown, tags?: Readonly<Record<string, string>>): void;
  remove(id: string): void;
};

/** An in-memory archive for tests of the verification core (the CLI tests use a real arlocal). */
export function createInMemoryArweaveSource(): InMemoryArweave {
  const store = new Map<string, { data: string; tags: Record<string, string> }>();
  return {
    put(id, data, tags = {}) {
      store.set(id, { data: JSON.stringify(data), tags: { ...tags } });
    },
    remove(id) {
      store.delete(id);
    },
    async fetchJson(id): Promise<Fetched<unknown>> {
      const entry = store.get(id);
      return entry ? found(JSON.parse(entry.data) as unknown) : absent(`no data for Arweave transaction ${id}`);
    },
    async findByTags(tags): Promise<Fetched<string[]>> {
      const ids = [...store.entries()].filter(([, e]) => Object.entries(tags).every(([k, v]) => e.tags[k] === v)).map(([id]) => id);
      return found(ids.reverse());
    },
  };
}
