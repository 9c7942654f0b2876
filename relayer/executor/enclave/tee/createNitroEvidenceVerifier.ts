import { TeeType } from "../../../core/formats/enums.js";
import { sha256Of } from "../../../core/formats/ids.js";
import { ExecutorError } from "../../errors/ExecutorError.js";
import type { EvidenceVerifier } from "../EvidenceVerifier.js";
import { decodeTeeEvidence, hexToBytesStrict } from "./teeEvidenceEnvelope.js";
import { verifyNitroDocument, type NitroRoots } from "./verifyNitroDocument.js";

/**
 * AWS Nitro evidence (TEE type 5): an `nsf.tee-evidence/1` envelope around an attestation document. The report
 * data NSF binds is the document's `user_data` (32 bytes); `nonce` and `public_key` are reported, not used.
 */
export function createNitroEvidenceVerifier(parameters: { roots: NitroRoots }): EvidenceVerifier {
  return {
    teeType: TeeType.AwsNitro,
    async verify(raw, { at }) {
      const envelope = decodeTeeEvidence(raw);
      if (envelope.teeType !== TeeType.AwsNitro) throw new ExecutorError("ATTESTATION_MALFORMED", `envelope of TEE type ${envelope.teeType} given to the Nitro verifier`);
      const verdict = await verifyNitroDocument(hexToBytesStrict(envelope.evidence), parameters.roots, at);
      const pcr = (i: number) => verdict.pcrs.get(i);
      return {
        teeType: TeeType.AwsNitro,
        measurement: verdict.measurement,
        enclaveKey: envelope.enclaveKey,
        reportData: verdict.userData ?? "0x",
        debug: verdict.debug,
        timestamp: verdict.timestampMs / 1000n,
        attestationId: sha256Of(raw),
        simulated: false,
        hardware: {
          vendor: "aws-nitro",
          tcb: { kind: "none" },
          collateralIssuedAt: undefined,
          measurements: { pcr0: pcr(0), pcr1: pcr(1), pcr2: pcr(2), pcr3: pcr(3), pcr4: pcr(4), pcr8: pcr(8), moduleId: verdict.moduleId, nonce: verdict.nonce, publicKey: verdict.publicKey },
        },
      };
    },
  };
}
