import * as snarkjs from "snarkjs";
import type { Hex } from "viem";
import { ZkError } from "../core/zk/ZkError.js";
import { ZK_SCHEME, fromSnarkjsProof, parseZkProofEnvelope, type ParsedZkProof } from "../core/zk/zkProofEnvelope.js";
import { fieldBinding } from "../core/zk/zkPublicSignals.js";
import type { ZkCircuit } from "./loadZkCircuit.js";

export type ProveZkClauseParameters = {
  /** The circuit's private inputs except derived hints, by name (clause inputs and the salt). */
  inputs: Readonly<Record<string, bigint>>;
  /** keccak256 of the clause id string and the job id: the proof's public bindings. */
  clauseIdHash: Hex;
  jobId: Hex;
};

/**
 * Groth16 proof of one clause run with the committed witness WASM and zkey (snarkjs `fullProve`). Inputs
 * outside the clause's domain have no witness: NSF_ZK_WITNESS_UNSATISFIABLE, as the WASM clause traps.
 */
export async function proveZkClause(circuit: ZkCircuit, parameters: ProveZkClauseParameters): Promise<ParsedZkProof> {
  const { spec } = circuit;
  for (const name of spec.privateInputs) {
    if (spec.hints === undefined || !(name in spec.hints(parameters.inputs))) {
      if (parameters.inputs[name] === undefined) throw new ZkError("WITNESS_UNSATISFIABLE", `missing private input ${name}`);
    }
  }
  const witnessInput: Record<string, string> = {};
  // Hints the caller supplies win over derived ones: a prover may always choose its own witness values,
  // and the tests use that to show the circuit refuses forged ones.
  const all = { ...(spec.hints?.(parameters.inputs) ?? {}), ...parameters.inputs };
  for (const name of spec.privateInputs) witnessInput[name] = all[name]!.toString();
  witnessInput.clause_binding = fieldBinding(parameters.clauseIdHash).toString();
  witnessInput.job_binding = fieldBinding(parameters.jobId).toString();

  let result: Awaited<ReturnType<typeof snarkjs.groth16.fullProve>>;
  try {
    result = await snarkjs.groth16.fullProve(witnessInput, { type: "mem", data: circuit.wasm }, { type: "mem", data: circuit.zkey });
  } catch (cause) {
    // The witness calculator throws on the first failed `===` (an out-of-domain input); nothing else is proved.
    throw new ZkError("WITNESS_UNSATISFIABLE", `${spec.name}: ${String((cause as Error)?.message ?? cause).split("\n")[0]}`, cause);
  }
  return parseZkProofEnvelope({
    scheme: ZK_SCHEME,
    circuit_hash: circuit.manifest.circuit_hash,
    vkey_hash: circuit.manifest.vkey_hash,
    proof: fromSnarkjsProof(result.proof),
    public_signals: result.publicSignals,
  });
}
