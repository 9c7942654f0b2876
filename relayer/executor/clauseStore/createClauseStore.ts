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

/** The clause modules a node can run, keyed by code hash (what a job token names and the registry pins). */
export type ClauseStore = {
  byCodeHash(codeHash: Hex): StoredClause | undefined;
  list(): readonly StoredClause[];
};

/** In-memory store; every module is checked against its manifest's code hash on the way in. */
export function createClauseStore(entries: readonly { manifest: BuiltClauseManifest; wasm: Uint8Array }[]): ClauseStore {
  const byHash = new Map<Hex, StoredClause>();
  for (const { manifest, wasm } of entries) {
    const codeHash = sha256Of(wasm);
    if (codeHash !== manifest.codeHash) {
      throw new ExecutorError("CLAUSE_STORE_MISMATCH", `${manifest.clauseId}: module hashes to ${codeHash}, manifest says ${manifest.codeHash}`);
    }
    byHash.set(codeHash, { manifest, wasm, codeHash, clauseId: clauseIdOf(manifest.clauseId) });
  }
  const list = Object.freeze([...byHash.values()]);
  return {
    byCodeHash: (codeHash) => byHash.get(codeHash.toLowerCase() as Hex),
    list: () => list,
  };
}
