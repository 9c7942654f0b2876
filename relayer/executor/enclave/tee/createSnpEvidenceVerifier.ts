import { TeeType } from "../../../core/formats/enums.js";
import { sha256Of } from "../../../core/formats/ids.js";
import { ExecutorError } from "../../errors/ExecutorError.js";
import type { EvidenceVerifier } from "../EvidenceVerifier.js";
import { decodeTeeEvidence, hexToBytesStrict } from "./teeEvidenceEnvelope.js";
import { verifySnpReport, type SnpRoots } from "./verifySnpReport.js";

/** AMD SEV-SNP evidence (TEE type 4): an `nsf.tee-evidence/1` envelope around a report and its VCEK. */
export function createSnpEvidenceVerifier(parameters: { roots: SnpRoots }): EvidenceVerifier {
  return {
    teeType: TeeType.AmdSevSnp,
    async verify(raw, { at }) {
      const envelope = decodeTeeEvidence(raw);
      if (envelope.teeType !== TeeType.AmdSevSnp) throw new ExecutorError("ATTESTATION_MALFORMED", `envelope of TEE type ${envelope.teeType} given to the SEV-SNP verifier`);
      const verdict = await verifySnpReport(hexToBytesStrict(envelope.evidence), hexToBytesStrict(envelope.collateral.vcek), parameters.roots, at);
      return {
        teeType: TeeType.AmdSevSnp,
        measurement: verdict.measurement,
        enclaveKey: envelope.enclaveKey,
        reportData: verdict.reportData,
        debug: verdict.debug,
        timestamp: BigInt(envelope.issuedAt),
        attestationId: sha256Of(raw),
        simulated: false,
        hardware: {
          vendor: "amd-sev-snp",
          tcb: { kind: "amd-sev-snp", product: verdict.product, reportedTcb: verdict.reportedTcb },
          collateralIssuedAt: undefined,
          measurements: { launchMeasurement: verdict.launchMeasurement, hostData: verdict.hostData, vmpl: verdict.vmpl, policy: `0x${verdict.policy.toString(16)}`, reportVersion: verdict.version, product: verdict.product },
        },
      };
    },
  };
}
