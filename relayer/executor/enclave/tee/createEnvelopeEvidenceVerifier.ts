import type { Address } from "viem";
import type { TeeType } from "../../../core/formats/enums.js";
import { sha256Of } from "../../../core/formats/ids.js";
import { ExecutorError } from "../../errors/ExecutorError.js";
import type { EvidenceVerifier, VerifiedEvidence } from "../EvidenceVerifier.js";
import { decodeTeeEvidence, type TeeEvidenceEnvelope } from "./teeEvidenceEnvelope.js";

/** The envelope of one TEE type, with the enclave key checksummed (what `decodeTeeEvidence` returns). */
export type EnvelopeOf<T extends TeeType> = Extract<TeeEvidenceEnvelope, { teeType: T }> & { enclaveKey: Address };

/** What a vendor verifier concludes from one envelope; the shared part fills in the rest of `VerifiedEvidence`. */
export type VendorJudgement = Pick<VerifiedEvidence, "measurement" | "reportData" | "debug" | "hardware"> & {
  /** The evidence time when the vendor signs one (Nitro); otherwise the envelope's `issuedAt` (the node's claim). */
  timestamp?: bigint;
};

/**
 * The envelope handling every hardware verifier shares (`nsf.tee-evidence/1`, docs/FORMATS.md §17): decode and
 * bound the envelope, refuse an envelope of another TEE type (type confusion), then let the vendor part judge the
 * evidence and its collateral, and complete the verdict: the claimed enclave key, `attestationId = sha256(raw)`,
 * the evidence time, not simulated.
 */
export function createEnvelopeEvidenceVerifier<T extends TeeType>(parameters: {
  teeType: T;
  /** For messages: "SEV-SNP", "Nitro", "type 2". */
  name: string;
  judge(envelope: EnvelopeOf<T>, at: bigint): Promise<VendorJudgement>;
}): EvidenceVerifier {
  const { teeType, name, judge } = parameters;
  return {
    teeType,
    async verify(raw, { at }) {
      const envelope = decodeTeeEvidence(raw);
      if (envelope.teeType !== teeType) throw new ExecutorError("ATTESTATION_MALFORMED", `envelope of TEE type ${envelope.teeType} given to the ${name} verifier`);
      const judged = await judge(envelope as EnvelopeOf<T>, at);
      const issuedAt = (envelope as { issuedAt?: number }).issuedAt;
      const timestamp = judged.timestamp ?? (issuedAt !== undefined ? BigInt(issuedAt) : undefined);
      if (timestamp === undefined) throw new ExecutorError("ATTESTATION_MALFORMED", `${name} evidence without a time`);
      return {
        teeType,
        measurement: judged.measurement,
        enclaveKey: envelope.enclaveKey,
        reportData: judged.reportData,
        debug: judged.debug,
        timestamp,
        attestationId: sha256Of(raw),
        simulated: false,
        ...(judged.hardware ? { hardware: judged.hardware } : {}),
      };
    },
  };
}
