import { TeeType } from "../../../core/formats/enums.js";
import type { EvidenceVerifier } from "../EvidenceVerifier.js";
import { createEnvelopeEvidenceVerifier } from "./createEnvelopeEvidenceVerifier.js";
import { hexToBytesStrict } from "./teeEvidenceEnvelope.js";
import { verifySnpReport, type SnpRoots } from "./verifySnpReport.js";

/** AMD SEV-SNP evidence (TEE type 4): an `nsf.tee-evidence/1` envelope around a report and its VCEK. */
export function createSnpEvidenceVerifier(parameters: { roots: SnpRoots }): EvidenceVerifier {
  return createEnvelopeEvidenceVerifier({
    teeType: TeeType.AmdSevSnp,
    name: "SEV-SNP",
    async judge(envelope, at) {
      const verdict = await verifySnpReport(hexToBytesStrict(envelope.evidence), hexToBytesStrict(envelope.collateral.vcek), parameters.roots, at);
      return {
        measurement: verdict.measurement,
        reportData: verdict.reportData,
        debug: verdict.debug,
        hardware: {
          vendor: "amd-sev-snp",
          tcb: { kind: "amd-sev-snp", product: verdict.product, reportedTcb: verdict.reportedTcb },
          collateralIssuedAt: undefined,
          measurements: { launchMeasurement: verdict.launchMeasurement, hostData: verdict.hostData, vmpl: verdict.vmpl, policy: `0x${verdict.policy.toString(16)}`, reportVersion: verdict.version, product: verdict.product },
        },
      };
    },
  });
}
