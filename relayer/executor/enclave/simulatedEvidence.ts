import { z } from "zod";
import { keccak256, toBytes, type Hex } from "viem";
import { canonicalJson } from "../../core/formats/canonicalJson.js";
import { TeeType } from "../../core/formats/enums.js";
import { ExecutorError } from "../errors/ExecutorError.js";

/**
 * The SIMULATED TEE's evidence format, `nsf.simulated-evidence/1`. UNSAFE FOR PRODUCTION: the "quote" is
 * signed by a local development attestation root, not by CPU hardware, so it proves nothing about
 * isolation. It exists so the whole pipeline (registration, verdicts, CAC checks) runs on a laptop.
 *
 * Raw evidence bytes are `utf8(JCS({ report, rootSignature }))`, so `attestationId = sha256(raw)` is
 * reproducible; `rootSignature` is the dev root's EIP-191 signature over `keccak256(utf8(JCS(report)))`.
 */
export const SIMULATED_EVIDENCE_FORMAT = "nsf.simulated-evidence/1";
export const SIMULATED_WARNING = "SIMULATED TEE - UNSAFE FOR PRODUCTION - development only";

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

export const SimulatedReportSchema = z.strictObject({
  format: z.literal(SIMULATED_EVIDENCE_FORMAT),
  simulated: z.literal(true),
  warning: z.literal(SIMULATED_WARNING),
  teeType: z.literal(TeeType.Simulated),
  measurement: hex32,
  enclaveKey: address,
  enclavePublicKey: z.string().regex(/^0x04[0-9a-f]{128}$/),
  chainId: z.string().regex(/^(0|[1-9][0-9]{0,77})$/),
  nodeRegistry: address,
  nonce: hex32,
  reportData: hex32,
  debug: z.boolean(),
  timestamp: z.number().int().nonnegative(),
});
export type SimulatedReport = z.infer<typeof SimulatedReportSchema>;

const SimulatedEvidenceSchema = z.strictObject({ report: SimulatedReportSchema, rootSignature: z.string().regex(/^0x[0-9a-f]{130}$/) });
export type SimulatedEvidence = z.infer<typeof SimulatedEvidenceSchema>;

export const simulatedReportDigest = (report: SimulatedReport): Hex => keccak256(toBytes(canonicalJson(report)));

export function encodeSimulatedEvidence(evidence: SimulatedEvidence): Uint8Array {
  return toBytes(canonicalJson(evidence));
}

export function decodeSimulatedEvidence(raw: Uint8Array): SimulatedEvidence {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch {
    throw new ExecutorError("ATTESTATION_MALFORMED", "simulated evidence is not UTF-8 JSON");
  }
  const result = SimulatedEvidenceSchema.safeParse(json);
  if (!result.success) {
    throw new ExecutorError("ATTESTATION_MALFORMED", result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  // Only the canonical encoding is accepted, so one report has exactly one attestation id.
  if (canonicalJson(result.data) !== new TextDecoder().decode(raw)) throw new ExecutorError("ATTESTATION_MALFORMED", "evidence is not in canonical (RFC 8785) form");
  return result.data;
}
