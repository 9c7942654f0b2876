import { sha256 } from "@noble/hashes/sha2.js";
import type { Hex } from "viem";
import { ExecutorError } from "../../errors/ExecutorError.js";
import { bytesEqual, isAllZero, toHex } from "./ByteReader.js";
import { parseCertificate, parseCrl, parsePemCertificates, requireNotRevoked, verifyChainToPinnedRoot, type ParsedCertificate } from "./certificates.js";
import { isoSeconds, requireCurrent, verifiedQeIdentity, verifiedTcbInfo, type IntelTcbStatus, type QeIdentity, type SignedJson, type TcbInfo } from "./dcapCollateral.js";
import { parseDcapQuote, TEE_TYPE_TDX, type DcapQuote, type SgxReportBody, type TdReportBody } from "./dcapQuote.js";
import { combineTcb, evaluateIsvSvnTcb, evaluatePlatformTcb, type TcbVerdict } from "./dcapTcbEvaluation.js";
import { verifyP256 } from "./ecdsa.js";
import { pckExtensionsOf } from "./pckCertificateExtensions.js";

/** Collateral for one quote, as Intel PCS / a PCCS serves it (the quote carries its own PCK chain). */
export type DcapCollateral = {
  tcbInfo: SignedJson;
  qeIdentity: SignedJson;
  /** Intel SGX TCB Signing certificate (DER); its chain to the root is checked here. */
  tcbSigningCertificate: Uint8Array;
  /** The CRL of the PCK Platform or Processor CA that issued the PCK leaf (DER). */
  pckCrl: Uint8Array;
  /** The Intel SGX Root CA CRL (DER). */
  rootCrl: Uint8Array;
};

export type DcapRoots = { intelSgxRoot: ParsedCertificate };

export type SgxMeasurements = { kind: "sgx"; mrEnclave: Hex; mrSigner: Hex; isvProdId: number; isvSvn: number; attributes: Hex };
export type TdxMeasurements = { kind: "tdx"; mrTd: Hex; rtmrs: readonly Hex[]; mrConfigId: Hex; mrOwner: Hex; mrOwnerConfig: Hex; mrSeam: Hex; /** As the quote holds them (byte order of the report, not a number). */ tdAttributes: Hex; mrServiceTd: Hex | undefined };

export type DcapVerdict = {
  vendor: "intel-sgx" | "intel-tdx";
  quoteVersion: 3 | 4 | 5;
  /** Platform, QE and (TDX) module statuses converged. */
  tcb: TcbVerdict & { platform: IntelTcbStatus; qe: IntelTcbStatus; tdxModule: IntelTcbStatus | undefined; evaluationDataNumber: number; fmspc: string };
  debug: boolean;
  reportData: Hex;
  /** SGX: MRENCLAVE. TDX: `sha256(MRTD ‖ RTMR0 ‖ RTMR1 ‖ RTMR2 ‖ RTMR3)` (docs/FORMATS.md §1). */
  measurement: Hex;
  details: SgxMeasurements | TdxMeasurements;
  /** The oldest issue time among TCB Info, QE Identity and the PCK CRL, for the age policy. */
  collateralIssuedAt: bigint;
};

const SGX_FLAG_DEBUG = 1n << 1n;
const TD_ATTRIBUTE_DEBUG = 1n;

function maskedEqual(value: Uint8Array, expectedHex: string, maskHex: string): boolean {
  const expected = Buffer.from(expectedHex, "hex");
  const mask = Buffer.from(maskHex, "hex");
  if (expected.length !== value.length || mask.length !== value.length) return false;
  return value.every((b, i) => (b & mask[i]!) === (expected[i]! & mask[i]!));
}

function checkQeIdentity(qe: SgxReportBody, identity: QeIdentity): TcbVerdict {
  // Intel writes miscselect as a big-endian hex u32 in JSON; compare as numbers.
  const misc = Number.parseInt(identity.miscselect, 16) >>> 0;
  const miscMask = Number.parseInt(identity.miscselectMask, 16) >>> 0;
  if (((qe.miscSelect & miscMask) >>> 0) !== ((misc & miscMask) >>> 0)) throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", "QE MISCSELECT does not match the QE Identity");
  if (!maskedEqual(qe.attributes, identity.attributes, identity.attributesMask)) throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", "QE ATTRIBUTES do not match the QE Identity");
  if (Buffer.from(qe.mrSigner).toString("hex") !== identity.mrsigner.toLowerCase()) throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", "the QE is not signed by the MRSIGNER in the QE Identity");
  if (qe.isvProdId !== identity.isvprodid) throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", `QE ISVPRODID ${qe.isvProdId}, QE Identity says ${identity.isvprodid}`);
  return evaluateIsvSvnTcb(identity.tcbLevels, qe.isvSvn, "QE");
}

function checkTdxModule(body: TdReportBody, tcbInfo: TcbInfo): TcbVerdict | undefined {
  const major = body.teeTcbSvn[1]!;
  if (major === 0) {
    const module = tcbInfo.tdxModule;
    if (!module) throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", "TDX TCB Info has no tdxModule");
    if (Buffer.from(body.mrSignerSeam).toString("hex") !== module.mrsigner.toLowerCase() || !maskedEqual(body.seamAttributes, module.attributes, module.attributesMask)) {
      throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", "the TDX module does not match the TCB Info's tdxModule");
    }
    return undefined;
  }
  const id = `TDX_${major.toString(16).padStart(2, "0").toUpperCase()}`;
  const identity = tcbInfo.tdxModuleIdentities?.find((m) => m.id === id);
  if (!identity) throw new ExecutorError("ATTESTATION_TCB_UNSUPPORTED", `no TDX module identity ${id} in the TCB Info`);
  if (Buffer.from(body.mrSignerSeam).toString("hex") !== identity.mrsigner.toLowerCase() || !maskedEqual(body.seamAttributes, identity.attributes, identity.attributesMask)) {
    throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", `the TDX module does not match identity ${id}`);
  }
  return evaluateIsvSvnTcb(identity.tcbLevels, body.teeTcbSvn[0]!, `TDX module ${id}`);
}

/**
 * Verifies an Intel DCAP quote v3/v4/v5 (pure: quote, collateral, pinned Intel root, verification time in), in the
 * order of docs/adr/0015: PCK chain and CRLs, QE report signature and its binding to the attestation key, the
 * quote signature, QE Identity and TCB Info (signatures, windows, ids, FMSPC/PCE-ID), TCB levels, workload facts.
 * Policy (which statuses, which measurements, debug) is applied by the caller.
 */
export async function verifyDcapQuote(raw: Uint8Array, collateral: DcapCollateral, roots: DcapRoots, at: bigint): Promise<DcapVerdict> {
  const quote: DcapQuote = parseDcapQuote(raw);
  const isTdx = quote.teeType === TEE_TYPE_TDX;
  const root = roots.intelSgxRoot;

  // 1. The PCK chain from the quote, up to the pinned root (the root copy inside the quote is not trusted).
  const pckChain = parsePemCertificates(quote.pckChainPem, "PCK chain", { strict: true });
  const [pckLeaf, pckCa] = await verifyChainToPinnedRoot(pckChain, root, at, "PCK chain");
  if (!pckCa || pckCa === root) throw new ExecutorError("ATTESTATION_CHAIN_INVALID", "the PCK chain has no intermediate CA");
  // 2. Revocation: the root CRL must not list the PCK CA, the PCK CA's CRL must not list the leaf.
  const rootCrl = parseCrl(collateral.rootCrl, "Intel root CA CRL");
  const pckCrl = parseCrl(collateral.pckCrl, "PCK CA CRL");
  await requireNotRevoked(rootCrl, root, pckCa, at, "Intel root CA CRL");
  await requireNotRevoked(pckCrl, pckCa, pckLeaf!, at, "PCK CA CRL");

  // 3. The QE report is signed by the PCK key, and its report data commits to the attestation key.
  if (!verifyP256(quote.qeReportSignature, quote.qeReport.raw, pckLeaf!.publicKey)) throw new ExecutorError("ATTESTATION_SIGNATURE_INVALID", "the QE report signature does not verify under the PCK key");
  const binding = sha256(Buffer.concat([quote.attestationKey.subarray(1), quote.qeAuthData]));
  if (!bytesEqual(quote.qeReport.reportData.subarray(0, 32), binding) || !isAllZero(quote.qeReport.reportData.subarray(32))) {
    throw new ExecutorError("ATTESTATION_SIGNATURE_INVALID", "the QE report data does not commit to the attestation key");
  }
  // 4. The quote itself is signed by the attestation key.
  if (!verifyP256(quote.isvSignature, quote.signedBytes, quote.attestationKey)) throw new ExecutorError("ATTESTATION_SIGNATURE_INVALID", "the quote signature does not verify under the attestation key");

  // 5. Collateral: signed by the Intel TCB Signing key (chained to the root, not revoked), current at `at`.
  const tcbSigner = parseCertificate(collateral.tcbSigningCertificate, "Intel TCB signing certificate");
  await verifyChainToPinnedRoot([tcbSigner], root, at, "TCB signing chain");
  await requireNotRevoked(rootCrl, root, tcbSigner, at, "Intel root CA CRL");
  const tcbInfo = verifiedTcbInfo(collateral.tcbInfo, tcbSigner);
  const qeIdentity = verifiedQeIdentity(collateral.qeIdentity, tcbSigner);
  requireCurrent(tcbInfo, at, "TCB Info");
  requireCurrent(qeIdentity, at, "QE Identity");
  if (tcbInfo.id !== (isTdx ? "TDX" : "SGX") || qeIdentity.id !== (isTdx ? "TD_QE" : "QE")) {
    throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", `collateral ${tcbInfo.id}/${qeIdentity.id} does not belong to a ${isTdx ? "TDX" : "SGX"} quote`);
  }
  const pck = pckExtensionsOf(pckLeaf!);
  if (tcbInfo.fmspc.toLowerCase() !== pck.fmspc || tcbInfo.pceId.toLowerCase() !== pck.pceId) {
    throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", `TCB Info is for FMSPC ${tcbInfo.fmspc} / PCE ${tcbInfo.pceId}, the PCK certificate says ${pck.fmspc} / ${pck.pceId}`);
  }

  // 6. TCB levels: platform (and TDX module) from TCB Info, QE from QE Identity.
  const body = quote.body;
  const platform = evaluatePlatformTcb(tcbInfo, pck, body.kind === "sgx" ? undefined : body.teeTcbSvn);
  const qe = checkQeIdentity(quote.qeReport, qeIdentity);
  const module = body.kind === "sgx" ? undefined : checkTdxModule(body, tcbInfo);
  let tcb = combineTcb(platform, qe);
  if (module) tcb = combineTcb(tcb, module);

  // The root CA CRL is left out of the age: Intel reissues it about yearly (its nextUpdate is still enforced above).
  const collateralIssuedAt = [isoSeconds(tcbInfo.issueDate), isoSeconds(qeIdentity.issueDate), BigInt(pckCrl.thisUpdate.getTime() / 1000)].reduce((a, b) => (a < b ? a : b));
  const common = {
    quoteVersion: quote.version,
    tcb: { ...tcb, platform: platform.status, qe: qe.status, tdxModule: module?.status, evaluationDataNumber: tcbInfo.tcbEvaluationDataNumber, fmspc: pck.fmspc },
    reportData: toHex(body.reportData),
    collateralIssuedAt,
  };
  if (body.kind === "sgx") {
    return {
      ...common,
      vendor: "intel-sgx",
      debug: (body.attributesFlags & SGX_FLAG_DEBUG) !== 0n,
      measurement: toHex(body.mrEnclave),
      details: { kind: "sgx", mrEnclave: toHex(body.mrEnclave), mrSigner: toHex(body.mrSigner), isvProdId: body.isvProdId, isvSvn: body.isvSvn, attributes: toHex(body.attributes) },
    };
  }
  return {
    ...common,
    vendor: "intel-tdx",
    debug: (body.tdAttributes & TD_ATTRIBUTE_DEBUG) !== 0n,
    measurement: toHex(sha256(Buffer.concat([body.mrTd, ...body.rtmrs]))),
    details: {
      kind: "tdx",
      mrTd: toHex(body.mrTd),
      rtmrs: body.rtmrs.map(toHex),
      mrConfigId: toHex(body.mrConfigId),
      mrOwner: toHex(body.mrOwner),
      mrOwnerConfig: toHex(body.mrOwnerConfig),
      mrSeam: toHex(body.mrSeam),
      tdAttributes: toHex(body.tdAttributesBytes),
      mrServiceTd: body.mrServiceTd && toHex(body.mrServiceTd),
    },
  };
}
