import type { Hex } from "viem";
import type { ZkCacVerifier, ZkClauseFacts } from "../core/zk/ZkCacVerifier.js";
import { ExecutionModel } from "../core/formats/enums.js";
import { ZkError } from "../core/zk/ZkError.js";
import { checkZkBindings } from "../core/zk/zkOutput.js";
import { loadZkCircuit, type ZkCircuit } from "./loadZkCircuit.js";
import { ZK_CIRCUIT_NAMES } from "./zkCircuits.js";

export type { ZkCacVerifier, ZkClauseFacts };

/**
 * The relayer's, the co-signers' and `nsf verify`'s check of a zk CAC instead of a replay (FORMATS §11.3): the
 * clause version is zk exactly when the CAC carries a proof; the proof names the circuit and key the version
 * registered on-chain; a local circuit with those hashes verifies the pairing; and the status maps to the
 * CAC's action. The circuits are the committed ones (`circuits/build/`) unless given.
 */
export function createZkCacVerifier(options: { circuits?: readonly ZkCircuit[] } = {}): ZkCacVerifier {
  let circuits = options.circuits;
  return async ({ cac, json, zk }, clause) => {
    const isZk = clause.model === ExecutionModel.Zk;
    if (!isZk) {
      if (zk) throw new ZkError("PROOF_UNEXPECTED", `clause version ${cac.clauseId} has execution model ${clause.model}`);
      return;
    }
    if (!zk) throw new ZkError("PROOF_MISSING", `clause version ${cac.clauseId} is zk; the CAC carries its inputs and no proof`);
    const binding = clause.zkBinding;
    if (!binding) throw new ZkError("WRONG_CIRCUIT", `clause version ${cac.clauseId} has no circuit bound on-chain`);
    if (zk.circuitHash !== binding.circuitHash.toLowerCase() || zk.vkeyHash !== binding.vkeyHash.toLowerCase()) {
      throw new ZkError("WRONG_CIRCUIT", `proof names circuit ${zk.circuitHash} / vkey ${zk.vkeyHash}; the version bound ${binding.circuitHash} / ${binding.vkeyHash}`);
    }
    // Loaded on first use: a relayer that never meets a zk clause never reads the artifacts.
    circuits ??= ZK_CIRCUIT_NAMES.map((name) => loadZkCircuit(name));
    const circuit = circuits.find((c) => c.manifest.circuit_hash === zk.circuitHash && c.manifest.vkey_hash === zk.vkeyHash);
    if (!circuit) throw new ZkError("WRONG_CIRCUIT", `no local circuit has hash ${zk.circuitHash} and key ${zk.vkeyHash}`);
    // snarkjs is loaded with the first zk CAC: a relayer that never meets one never imports it.
    const { verifyZkProof } = await import("./verifyZkProof.js");
    await verifyZkProof(circuit, zk);
    checkZkBindings(zk.publicSignals, { clauseIdHash: cac.clauseId, jobId: cac.jobId, output: json.outputs.encoded as Hex, actions: circuit.spec.actions });
  };
}
