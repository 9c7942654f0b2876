import * as snarkjs from "snarkjs";
import { ZkError } from "../core/zk/ZkError.js";
import { toSnarkjsProof, type ParsedZkProof } from "../core/zk/zkProofEnvelope.js";
import { publicSignalsToArray } from "../core/zk/zkPublicSignals.js";
import type { ZkCircuit } from "./loadZkCircuit.js";

/**
 * Verifies a parsed proof (shape, count and field ranges already checked by `parseZkProofEnvelope`) against the
 * circuit the clause version registered: its circuit and verification-key hashes first (a proof for another
 * circuit is refused by name, not as a failed pairing), then the pairing check.
 */
export async function verifyZkProof(circuit: ZkCircuit, parsed: ParsedZkProof): Promise<void> {
  const { manifest } = circuit;
  if (parsed.circuitHash !== manifest.circuit_hash || parsed.vkeyHash !== manifest.vkey_hash) {
    throw new ZkError(
      "WRONG_CIRCUIT",
      `proof names circuit ${parsed.circuitHash} / vkey ${parsed.vkeyHash}; the clause registered ${manifest.circuit_hash} / ${manifest.vkey_hash}`,
    );
  }
  let valid: boolean;
  try {
    valid = await snarkjs.groth16.verify(circuit.vkey, publicSignalsToArray(parsed.publicSignals).map(String), toSnarkjsProof(parsed.envelope));
  } catch (cause) {
    // parseZkProofEnvelope already refused points off the curve; anything snarkjs still throws on is malformed.
    throw new ZkError("PROOF_MALFORMED", `snarkjs could not verify: ${String((cause as Error)?.message ?? cause)}`, cause);
  }
  if (!valid) throw new ZkError("PROOF_INVALID", `${circuit.spec.name}: the pairing check failed`);
}
