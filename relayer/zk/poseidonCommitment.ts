import { buildPoseidon, type Poseidon } from "circomlibjs";

let poseidon: Promise<Poseidon> | undefined;

/**
 * `Poseidon(values...)` over BN254 exactly as circomlib's `Poseidon(n)` template computes it: the input
 * commitment of a zk clause (docs/FORMATS.md §18), e.g. `Poseidon(rainfall, households, salt)`. The hasher's
 * constants are built once per process (a pure table, no worker threads).
 */
export async function poseidonCommitment(values: readonly bigint[]): Promise<bigint> {
  poseidon ??= buildPoseidon();
  const hash = await poseidon;
  return hash.F.toObject(hash(values));
}
