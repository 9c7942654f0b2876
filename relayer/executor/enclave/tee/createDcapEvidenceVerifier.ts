import { TeeType } from "../../../core/formats/enums.js";
import { sha256Of } from "../../../core/formats/ids.js";
import { ExecutorError } from "../../errors/ExecutorError.js";
import type { EvidenceVerifier } from "../EvidenceVerifier.js";
import { splitSignedJson } from "./dcapCollateral.js";
import { decodeTeeEvidence, hexToBytesStrict } from "./teeEvidenceEnvelope.js";
import { verifyDcapQuote, type DcapRoots } from "./verifyDcapQuote.js";

/** Intel SGX (TEE type 2) or TDX (3) evidence: an `nsf.tee-evidence/1` envelope around a DCAP quote and its collateral. */
export function createDcapEvidenceVerifier(parameters: { teeType: typeof TeeType.IntelSgx | typeof TeeType.IntelTdx; roots: DcapRoots }): EvidenceVerifier {
  const { teeType, roots } = parameters;
  return {
    teeType,
    async verify(raw, { at }) {
      const envelope = decodeTeeEvidence(raw);
      if (envelope.teeType !== teeType || (envelope.teeType !== TeeType.IntelSgx && envelope.teeType !== TeeType.IntelTdx)) {
        throw new ExecutorError("ATTESTATION_MALFORMED", `envelope of TEE type ${envelope.teeType} given to the type ${teeType} verifier`);
      }
      const c = envelope.collateral;
      const verdict = await verifyDcapQuote(
        hexToBytesStrict(envelope.evidence),
        {
          tcbInfo: splitSignedJson(c.tcbInfo, "tcbInfo"),
          qeIdentity: splitSignedJson(c.qeIdentity, "enclaveIdentity"),
          tcbSigningCertificate: hexToBytesStrict(c.tcbSigningCertificate),
          pckCrl: hexToBytesStrict(c.pckCrl),
          rootCrl: hexToBytesStrict(c.rootCrl),
        },
        roots,
        at,
      );
      // A quote of the other Intel TEE inside this envelope is a type confusion, not a different verdict.
      if (verdict.vendor !== (teeType === TeeType.IntelSgx ? "intel-sgx" : "intel-tdx")) throw new ExecutorError("ATTESTATION_MALFORMED", `a ${verdict.vendor} quote submitted as TEE type ${teeType}`);
      return {
        teeType,
        measurement: verdict.measurement,
        enclaveKey: envelope.enclaveKey,
        reportData: verdict.reportData,
        debug: verdict.debug,
        timestamp: BigInt(envelope.issuedAt),
        attestationId: sha256Of(raw),
        simulated: false,
        hardware: {
          vendor: verdict.vendor,
          tcb: { kind: "intel", status: verdict.tcb.status, advisories: verdict.tcb.advisories, since: verdict.tcb.since, evaluationDataNumber: verdict.tcb.evaluationDataNumber },
          collateralIssuedAt: verdict.collateralIssuedAt,
          measurements: { ...verdict.details, platformTcb: verdict.tcb.platform, qeTcb: verdict.tcb.qe, tdxModuleTcb: verdict.tcb.tdxModule, fmspc: verdict.tcb.fmspc, quoteVersion: verdict.quoteVersion },
        },
      };
    },
  };
}
