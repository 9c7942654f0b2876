import { getAddress, recoverMessageAddress, type Address, type Hex } from "viem";
import { publicKeyToAddress } from "viem/accounts";
import { TeeType } from "../../core/formats/enums.js";
import { sha256Of } from "../../core/formats/ids.js";
import { ExecutorError } from "../errors/ExecutorError.js";
import type { EvidenceVerifier } from "./EvidenceVerifier.js";
import { decodeSimulatedEvidence, simulatedReportDigest } from "./simulatedEvidence.js";

/**
 * Verifies SIMULATED TEE evidence against pinned development roots. UNSAFE FOR PRODUCTION: whatever it
 * accepts is marked `simulated: true`, and the validator refuses it unless its policy allows simulated TEEs
 * (development chains only, mirroring NodeRegistry's TEE-type allowlist).
 */
export function createUnsafeSimulatedEvidenceVerifier(parameters: { trustedDevRoots: readonly Address[] }): EvidenceVerifier {
  const roots = new Set(parameters.trustedDevRoots.map((a) => getAddress(a)));
  return {
    teeType: TeeType.Simulated,
    async verify(raw) {
      const { report, rootSignature } = decodeSimulatedEvidence(raw);
      let signer: Address;
      try {
        signer = await recoverMessageAddress({ message: { raw: simulatedReportDigest(report) }, signature: rootSignature as Hex });
      } catch (cause) {
        throw new ExecutorError("ATTESTATION_SIGNATURE_INVALID", "root signature does not recover", { cause });
      }
      if (!roots.has(signer)) throw new ExecutorError("ATTESTATION_SIGNATURE_INVALID", `signed by ${signer}, which is not a pinned dev root`);
      if (publicKeyToAddress(report.enclavePublicKey as Hex) !== getAddress(report.enclaveKey)) {
        throw new ExecutorError("ATTESTATION_MALFORMED", "enclavePublicKey does not belong to enclaveKey");
      }
      return {
        teeType: TeeType.Simulated,
        measurement: report.measurement as Hex,
        enclaveKey: getAddress(report.enclaveKey),
        reportData: report.reportData as Hex,
        debug: report.debug,
        timestamp: BigInt(report.timestamp),
        attestationId: sha256Of(raw),
        simulated: true,
      };
    },
  };
}
