import { TeeType } from "../../../core/formats/enums.js";
import { ExecutorError } from "../../errors/ExecutorError.js";
import type { EvidenceVerifier } from "../EvidenceVerifier.js";
import { createEnvelopeEvidenceVerifier } from "./createEnvelopeEvidenceVerifier.js";
import { splitSignedJson } from "./dcapCollateral.js";
import { hexToBytesStrict } from "./teeEvidenceEnvelope.js";
import { verifyDcapQuote, type DcapRoots } from "./verifyDcapQuote.js";

/** Intel SGX (TEE type 2) or TDX (3) evidence: an `nsf.tee-evidence/1` envelope around a DCAP quote and its collateral. */
export function createDcapEvidenceVerifier(parameters: { teeType: typeof TeeType.IntelSgx | typeof TeeType.IntelTdx; roots: DcapRoots }): EvidenceVerifier {
  const { teeType, roots } = parameters;
  return createEnvelopeEvidenceVerifier({
    teeType,
    name: `type ${teeType}`,
    async judge(envelope, at) {
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
        measurement: verdict.measurement,
        reportData: verdict.reportData,
        debug: verdict.debug,
        hardware: {
          vendor: verdict.vendor,
          tcb: { kind: "intel", status: verdict.tcb.status, advisories: verdict.tcb.advisories, since: verdict.tcb.since, evaluationDataNumber: verdict.tcb.evaluationDataNumber },
          collateralIssuedAt: verdict.collateralIssuedAt,
          measurements: { ...verdict.details, platformTcb: verdict.tcb.platform, qeTcb: verdict.tcb.qe, tdxModuleTcb: verdict.tcb.tdxModule, fmspc: verdict.tcb.fmspc, quoteVersion: verdict.quoteVersion },
        },
      };
    },
  });
}
