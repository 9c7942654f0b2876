import * as snarkjs from "snarkjs";
import { WitnessCalculatorBuilder, type WitnessCalculator } from "circom_runtime";
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
 * One witness calculator per loaded circuit: instantiating the 1.8 MB witness WASM is most of a witness's cost
 * (≈75 ms against ≈1 ms reused), and snarkjs's `fullProve` pays it on every proof.
 */
const calculators = new WeakMap<ZkCircuit, Promise<WitnessCalculator>>();
function witnessCalculatorOf(circuit: ZkCircuit): Promise<WitnessCalculator> {
  let calculator = calculators.get(circuit);
  if (!calculator) {
    calculator = WitnessCalculatorBuilder(circuit.wasm);
    calculators.set(circuit, calculator);
  }
  return calculator;
}

/**
 * Groth16 proof of one clause run with the committed witness WASM and zkey (snarkjs `groth16.prove` on a witness
 * from a reused calculator: the same bytes `fullProve` computes, tested by the equivalence suite). Inputs
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

  let witness: Uint8Array;
  try {
    witness = await (await witnessCalculatorOf(circuit)).calculateWTNSBin(witnessInput, 0);
  } catch (cause) {
    // The witness calculator throws on the first failed `===` (an out-of-domain input); nothing else is proved.
    // A fresh calculator next time: no state of a failed run is ever reused.
    calculators.delete(circuit);
    throw new ZkError("WITNESS_UNSATISFIABLE", `${spec.name}: ${String((cause as Error)?.message ?? cause).split("\n")[0]}`, cause);
  }
  const result = await snarkjs.groth16.prove({ type: "mem", data: circuit.zkey }, { type: "mem", data: witness });
  return parseZkProofEnvelope({
    scheme: ZK_SCHEME,
    circuit_hash: circuit.manifest.circuit_hash,
    vkey_hash: circuit.manifest.vkey_hash,
    proof: fromSnarkjsProof(result.proof),
    public_signals: result.publicSignals,
  });
}
