import type { Hex } from "viem";
import { clauseIdOf } from "../../core/formats/clauseRef.js";
import { sha256Of } from "../../core/formats/ids.js";
import type { BuiltClauseManifest } from "../../clauses/clauseManifest.js";
import { ExecutorError } from "../errors/ExecutorError.js";

export type StoredClause = {
  manifest: BuiltClauseManifest;
  wasm: Uint8Array;
  codeHash: Hex;
  /** `keccak256(utf8(clauseId))`, the on-chain id (docs/FORMATS.md §1). */
  clauseId: Hex;
};

/**
 * The clause modules a node can run, keyed by on-chain clause id. The node still compares the stored
 * code hash with the registered one on every job: a store is a cache of code, never an authority.
 */
export type ClauseStore = {
  get(clauseId: Hex): StoredClause | undefined;
  list(): readonly StoredClause[];
};

/** In-memory store; every module is checked against its manifest's code hash on the way in. */
export function createClauseStore(entries: readonly { manifest: BuiltClauseManifest; wasm: Uint8Array }[]): ClauseStore {
  const byId = new Map<Hex, StoredClause>();
  for (const { manifest, wasm } of entries) {
    const codeHash = sha256Of(wasm);
    if (codeHash !== manifest.codeHash) {
      throw new ExecutorError("CLAUSE_STORE_MISMATCH", `${manifest.clauseId}: module hashes to ${codeHash}, manifest says ${manifest.codeHash}`);
    }
    const clauseId = clauseIdOf(manifest.clauseId);
    if (byId.has(clauseId)) throw new ExecutorError("CLAUSE_STORE_MISMATCH", `two modules for ${manifest.clauseId}`);
    byId.set(clauseId, { manifest, wasm, codeHash, clauseId });
  }
  const list = Object.freeze([...byId.values()]);
  return {
    get: (clauseId) => byId.get(clauseId.toLowerCase() as Hex),
    list: () => list,
  };
}
