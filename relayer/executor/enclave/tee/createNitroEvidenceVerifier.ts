import { TeeType } from "../../../core/formats/enums.js";
import type { EvidenceVerifier } from "../EvidenceVerifier.js";
import { createEnvelopeEvidenceVerifier } from "./createEnvelopeEvidenceVerifier.js";
import { hexToBytesStrict } from "./teeEvidenceEnvelope.js";
import { verifyNitroDocument, type NitroRoots } from "./verifyNitroDocument.js";

/**
 * AWS Nitro evidence (TEE type 5): an `nsf.tee-evidence/1` envelope around an attestation document. The report
 * data NSF binds is the document's `user_data` (32 bytes); `nonce` and `public_key` are reported, not used.
 */
export function createNitroEvidenceVerifier(parameters: { roots: NitroRoots }): EvidenceVerifier {
  return createEnvelopeEvidenceVerifier({
    teeType: TeeType.AwsNitro,
    name: "Nitro",
    async judge(envelope, at) {
      const verdict = await verifyNitroDocument(hexToBytesStrict(envelope.evidence), parameters.roots, at);
      const pcr = (i: number) => verdict.pcrs.get(i);
      return {
        measurement: verdict.measurement,
        reportData: verdict.userData ?? "0x",
        debug: verdict.debug,
        // The document's own signed time (the envelope carries no issuedAt for Nitro).
        timestamp: verdict.timestampMs / 1000n,
        hardware: {
          vendor: "aws-nitro",
          tcb: { kind: "none" },
          collateralIssuedAt: undefined,
          measurements: { pcr0: pcr(0), pcr1: pcr(1), pcr2: pcr(2), pcr3: pcr(3), pcr4: pcr(4), pcr8: pcr(8), moduleId: verdict.moduleId, nonce: verdict.nonce, publicKey: verdict.publicKey },
        },
      };
    },
  });
}
