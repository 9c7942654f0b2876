import type { Hex } from "viem";
import type { BuiltClauseManifest } from "../../clauses/clauseManifest.js";
import { ZkError } from "../../core/zk/ZkError.js";
import { checkZkBindings } from "../../core/zk/zkOutput.js";
import type { ZkProofEnvelope } from "../../core/zk/zkProofEnvelope.js";
import { SNARK_SCALAR_FIELD } from "../../core/zk/zkPublicSignals.js";
import type { ZkCircuit } from "../../zk/loadZkCircuit.js";
import { proveZkClause } from "../../zk/proveZkClause.js";
import type { RegisteredClause } from "../chain/ChainView.js";
import { ExecutorError } from "../errors/ExecutorError.js";

export type ZkExecution = {
  registered: RegisteredClause;
  manifest: BuiltClauseManifest;
  /** The clause inputs as the WASM run received them (manifest order). */
  inputs: readonly bigint[];
  /** The bundle's `salt` (decimal), undefined when the bundle has none. */
  salt: string | undefined;
  clauseIdHash: Hex;
  jobId: Hex;
  /** The §5 output bytes of the WASM run the proof must stand for. */
  encodedOutput: Hex;
};

/**
 * The zk half of a zk clause version's execution (ADR 0016, close-out): after the WASM run, prove the same
 * inputs with the circuit the version registered (found by its circuit and key hashes, never by name), and
 * refuse to sign unless the proof's status and amount re-encode to the WASM output. Both backends must agree:
 * a node never signs a CAC whose proof says something else than its output.
 */
export async function proveZkExecution(circuits: readonly ZkCircuit[], run: ZkExecution): Promise<ZkProofEnvelope> {
  const binding = run.registered.zkBinding;
  const circuit = binding && circuits.find((c) => c.manifest.circuit_hash === binding.circuitHash.toLowerCase() && c.manifest.vkey_hash === binding.vkeyHash.toLowerCase());
  if (!circuit) {
    throw new ExecutorError("ZK_CIRCUIT_UNAVAILABLE", binding ? `circuit ${binding.circuitHash} / vkey ${binding.vkeyHash}` : "the clause version has no zk binding");
  }
  if (run.salt === undefined) throw new ExecutorError("ZK_SALT_MISSING", "the bundle has no salt");
  const salt = BigInt(run.salt);
  if (salt >= SNARK_SCALAR_FIELD) throw new ExecutorError("ZK_SALT_MISSING", "the salt is not below the scalar field order");

  const inputs: Record<string, bigint> = { salt };
  run.manifest.inputs.forEach((input, i) => (inputs[input.name] = run.inputs[i]!));
  let envelope: ZkProofEnvelope;
  try {
    const proof = await proveZkClause(circuit, { inputs, clauseIdHash: run.clauseIdHash, jobId: run.jobId });
    checkZkBindings(proof.publicSignals, { clauseIdHash: run.clauseIdHash, jobId: run.jobId, output: run.encodedOutput, actions: circuit.spec.actions });
    envelope = proof.envelope;
  } catch (cause) {
    if (!(cause instanceof ZkError)) throw cause;
    throw new ExecutorError("ZK_BACKENDS_DISAGREE", `${cause.code}: ${cause.details ?? ""}`, { cause });
  }
  return envelope;
}
