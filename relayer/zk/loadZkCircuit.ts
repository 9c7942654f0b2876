import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Hex } from "viem";
import { ZK_CIRCUITS, zkArtifactPaths, type ZkCircuitName, type ZkCircuitSpec } from "./zkCircuits.js";

/** `circuits/build/<name>/circuit.json` (written by scripts/zk-setup.ts). */
export type ZkCircuitManifest = {
  schema: "nsf.zk-circuit/1";
  name: ZkCircuitName;
  clause_id: string;
  constraints: number;
  public_signals: string[];
  private_inputs: string[];
  ptau_power: number;
  circuit_hash: Hex;
  vkey_hash: Hex;
  verifier_contract: string;
};

/** One circuit's committed artifacts, read once; proving and verifying keep them in memory. */
export type ZkCircuit = {
  spec: ZkCircuitSpec;
  manifest: ZkCircuitManifest;
  vkey: Record<string, unknown>;
  wasm: Uint8Array;
  zkey: Uint8Array;
  /** Absolute path of the r1cs file (witness checks in tests). */
  r1csPath: string;
};

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function loadZkCircuit(name: ZkCircuitName, root: string = REPO_ROOT): ZkCircuit {
  const paths = zkArtifactPaths(name);
  const at = (relative: string) => path.join(root, relative);
  return {
    spec: ZK_CIRCUITS[name],
    manifest: JSON.parse(readFileSync(at(paths.manifest), "utf8")) as ZkCircuitManifest,
    vkey: JSON.parse(readFileSync(at(paths.vkey), "utf8")) as Record<string, unknown>,
    wasm: new Uint8Array(readFileSync(at(paths.wasm))),
    zkey: new Uint8Array(readFileSync(at(paths.zkey))),
    r1csPath: at(paths.r1cs),
  };
}
