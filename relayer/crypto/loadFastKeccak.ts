import { createKeccak } from "hash-wasm";
import type { Keccak } from "../core/batching/hashing.js";

/**
 * keccak-256 compiled to WebAssembly (hash-wasm): about 2.5× faster than pure JS on the 32–384-byte inputs
 * of the aggregator hot path (leaves, tree nodes, CAC struct hashes). Instantiation is asynchronous, the
 * returned function is synchronous. One hasher instance per call site: it is stateful (init/update/digest)
 * and must not be shared between interleaved callers (JS is single-threaded, so a synchronous function is safe).
 */
export async function loadFastKeccak(): Promise<Keccak> {
  const hasher = await createKeccak(256);
  return (data) => {
    hasher.init();
    hasher.update(data);
    return hasher.digest("binary");
  };
}
