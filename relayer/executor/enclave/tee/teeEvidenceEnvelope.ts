import { z } from "zod";
import { getAddress, type Address } from "viem";
import { canonicalJson } from "../../../core/formats/canonicalJson.js";
import { TeeType } from "../../../core/formats/enums.js";
import { ExecutorError } from "../../errors/ExecutorError.js";

/**
 * `nsf.tee-evidence/1` (docs/FORMATS.md §17): what a node on real TEE hardware submits to the attestation
 * validators — the vendor evidence, the collateral it needs, and the enclave key it claims. Raw bytes are
 * `utf8(JCS(envelope))`, so `attestationId = sha256(raw)` (§1) is reproducible. Nothing in the envelope is
 * trusted by itself: the evidence and collateral are vendor-signed, `enclaveKey` counts only because the
 * evidence's report data must equal `H(chainId, nodeRegistry, enclaveKey, nonce)`, and `issuedAt` (for SGX, TDX
 * and SEV-SNP, whose evidence has no clock) only passes the freshness window; the registration nonce in the
 * report data is what makes the evidence fresh.
 */
export const TEE_EVIDENCE_FORMAT = "nsf.tee-evidence/1";
export const MAX_TEE_EVIDENCE_BYTES = 256 * 1024;

const hexBytes = z.string().regex(/^0x(?:[0-9a-f]{2})+$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const issuedAt = z.number().int().nonnegative();

const DcapCollateralSchema = z.strictObject({
  /** Intel PCS's TCB Info response text, exactly as served: `{"tcbInfo":{…},"signature":"…"}`. */
  tcbInfo: z.string().min(1),
  /** Intel PCS's QE Identity response text, exactly as served: `{"enclaveIdentity":{…},"signature":"…"}`. */
  qeIdentity: z.string().min(1),
  tcbSigningCertificate: hexBytes,
  pckCrl: hexBytes,
  rootCrl: hexBytes,
});

const common = { format: z.literal(TEE_EVIDENCE_FORMAT), enclaveKey: address, evidence: hexBytes };
export const TeeEvidenceEnvelopeSchema = z.discriminatedUnion("teeType", [
  z.strictObject({ ...common, teeType: z.literal(TeeType.IntelSgx), issuedAt, collateral: DcapCollateralSchema }),
  z.strictObject({ ...common, teeType: z.literal(TeeType.IntelTdx), issuedAt, collateral: DcapCollateralSchema }),
  z.strictObject({ ...common, teeType: z.literal(TeeType.AmdSevSnp), issuedAt, collateral: z.strictObject({ vcek: hexBytes }) }),
  // A Nitro document carries its own signed timestamp and certificate chain.
  z.strictObject({ ...common, teeType: z.literal(TeeType.AwsNitro), collateral: z.strictObject({}) }),
]);
export type TeeEvidenceEnvelope = z.infer<typeof TeeEvidenceEnvelopeSchema>;

export function encodeTeeEvidence(envelope: TeeEvidenceEnvelope): Uint8Array {
  return new TextEncoder().encode(canonicalJson(envelope));
}

export function decodeTeeEvidence(raw: Uint8Array): TeeEvidenceEnvelope & { enclaveKey: Address } {
  if (raw.length > MAX_TEE_EVIDENCE_BYTES) throw new ExecutorError("ATTESTATION_MALFORMED", `${raw.length}-byte evidence is larger than ${MAX_TEE_EVIDENCE_BYTES}`);
  let text: string;
  let json: unknown;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
    json = JSON.parse(text);
  } catch {
    throw new ExecutorError("ATTESTATION_MALFORMED", `${TEE_EVIDENCE_FORMAT}: not UTF-8 JSON`);
  }
  const result = TeeEvidenceEnvelopeSchema.safeParse(json);
  if (!result.success) throw new ExecutorError("ATTESTATION_MALFORMED", `${TEE_EVIDENCE_FORMAT}: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  // One envelope, one attestation id.
  if (canonicalJson(result.data) !== text) throw new ExecutorError("ATTESTATION_MALFORMED", `${TEE_EVIDENCE_FORMAT}: not in canonical (RFC 8785) form`);
  return { ...result.data, enclaveKey: getAddress(result.data.enclaveKey) };
}

export const hexToBytesStrict = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex.slice(2), "hex"));
