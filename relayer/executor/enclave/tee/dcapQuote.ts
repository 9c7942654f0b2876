import { ExecutorError } from "../../errors/ExecutorError.js";
import { ByteReader, isAllZero } from "./ByteReader.js";

/**
 * Intel DCAP ECDSA quotes, versions 3 (SGX), 4 (SGX or TDX 1.0) and 5 (body descriptor; TDX 1.5), as laid out
 * in Intel's "SGX ECDSA Quote Library API" / "TDX DCAP Quoting Library API" (offsets: test/fixtures/tee/VERIFY.md §1.1).
 * No maintained JavaScript library parses these, so this file does, strictly by the length fields.
 */
export const INTEL_QE_VENDOR_ID = "939a7233f79c4ca9940a0db3957f0607";
export const TEE_TYPE_SGX = 0x00000000;
export const TEE_TYPE_TDX = 0x00000081;
/** Quotes are a few KiB; anything far larger is refused before parsing. */
export const MAX_QUOTE_BYTES = 64 * 1024;

export type SgxReportBody = {
  kind: "sgx";
  raw: Uint8Array;
  cpuSvn: Uint8Array;
  miscSelect: number;
  /** ATTRIBUTES.FLAGS (u64): bit 1 is DEBUG. */
  attributesFlags: bigint;
  attributes: Uint8Array;
  mrEnclave: Uint8Array;
  mrSigner: Uint8Array;
  isvProdId: number;
  isvSvn: number;
  reportData: Uint8Array;
};

export type TdReportBody = {
  kind: "td10" | "td15";
  teeTcbSvn: Uint8Array;
  mrSeam: Uint8Array;
  mrSignerSeam: Uint8Array;
  seamAttributes: Uint8Array;
  /** TDATTRIBUTES (u64): bit 0 is TUD.DEBUG. */
  tdAttributes: bigint;
  tdAttributesBytes: Uint8Array;
  xfam: Uint8Array;
  mrTd: Uint8Array;
  mrConfigId: Uint8Array;
  mrOwner: Uint8Array;
  mrOwnerConfig: Uint8Array;
  rtmrs: readonly [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  reportData: Uint8Array;
  /** TD 1.5 only. */
  mrServiceTd: Uint8Array | undefined;
};

export type DcapQuote = {
  version: 3 | 4 | 5;
  teeType: typeof TEE_TYPE_SGX | typeof TEE_TYPE_TDX;
  body: SgxReportBody | TdReportBody;
  /** Header and body: the bytes the attestation key signs. */
  signedBytes: Uint8Array;
  isvSignature: Uint8Array;
  /** The attestation key as an uncompressed P-256 point, 04 ‖ x ‖ y. */
  attestationKey: Uint8Array;
  qeReport: SgxReportBody;
  qeReportSignature: Uint8Array;
  qeAuthData: Uint8Array;
  /** Certification data type 5: the PCK chain as concatenated PEM. */
  pckChainPem: string;
};

export function parseSgxReportBody(bytes: Uint8Array, what: string): SgxReportBody {
  const r = new ByteReader(bytes, what);
  const cpuSvn = r.take(16, "CPUSVN");
  const miscSelect = r.u32("MISCSELECT");
  r.take(28, "reserved / ISVEXTPRODID");
  const attributes = r.take(16, "ATTRIBUTES");
  const mrEnclave = r.take(32, "MRENCLAVE");
  r.take(32, "reserved");
  const mrSigner = r.take(32, "MRSIGNER");
  r.take(96, "reserved / CONFIGID"); // offsets 160..256
  const isvProdId = r.u16("ISVPRODID");
  const isvSvn = r.u16("ISVSVN");
  r.take(60, "CONFIGSVN / reserved / ISVFAMILYID");
  const reportData = r.take(64, "REPORTDATA");
  const flags = new ByteReader(attributes, `${what} ATTRIBUTES`).u64("FLAGS");
  return { kind: "sgx", raw: bytes, cpuSvn, miscSelect, attributesFlags: flags, attributes, mrEnclave, mrSigner, isvProdId, isvSvn, reportData };
}

function parseTdReportBody(bytes: Uint8Array, kind: "td10" | "td15"): TdReportBody {
  const r = new ByteReader(bytes, "TD report");
  const teeTcbSvn = r.take(16, "TEE_TCB_SVN");
  const mrSeam = r.take(48, "MRSEAM");
  const mrSignerSeam = r.take(48, "MRSIGNERSEAM");
  const seamAttributes = r.take(8, "SEAMATTRIBUTES");
  const tdAttributesBytes = r.take(8, "TDATTRIBUTES");
  const tdAttributes = new ByteReader(tdAttributesBytes, "TDATTRIBUTES").u64("TDATTRIBUTES");
  const xfam = r.take(8, "XFAM");
  const mrTd = r.take(48, "MRTD");
  const mrConfigId = r.take(48, "MRCONFIGID");
  const mrOwner = r.take(48, "MROWNER");
  const mrOwnerConfig = r.take(48, "MROWNERCONFIG");
  const rtmrs = [r.take(48, "RTMR0"), r.take(48, "RTMR1"), r.take(48, "RTMR2"), r.take(48, "RTMR3")] as const;
  const reportData = r.take(64, "REPORTDATA");
  let mrServiceTd: Uint8Array | undefined;
  if (kind === "td15") {
    r.take(16, "TEE_TCB_SVN2");
    mrServiceTd = r.take(48, "MRSERVICETD");
  }
  return { kind, teeTcbSvn, mrSeam, mrSignerSeam, seamAttributes, tdAttributes, tdAttributesBytes, xfam, mrTd, mrConfigId, mrOwner, mrOwnerConfig, rtmrs, reportData, mrServiceTd };
}

const BODY_BYTES = { sgx: 384, td10: 584, td15: 648 } as const;
const malformed = (details: string) => new ExecutorError("ATTESTATION_MALFORMED", `DCAP quote: ${details}`);

export function parseDcapQuote(raw: Uint8Array): DcapQuote {
  if (raw.length > MAX_QUOTE_BYTES) throw malformed(`${raw.length} bytes is more than ${MAX_QUOTE_BYTES}`);
  const r = new ByteReader(raw, "DCAP quote");
  const version = r.u16("version");
  if (version !== 3 && version !== 4 && version !== 5) throw malformed(`version ${version} is not supported (3, 4, 5 are)`);
  const keyType = r.u16("attestation key type");
  if (keyType !== 2) throw malformed(`attestation key type ${keyType} is not ECDSA-256 on P-256`);
  const teeType = r.u32("TEE type");
  r.take(4, "QE SVN / PCE SVN");
  const vendor = Buffer.from(r.take(16, "QE vendor id")).toString("hex");
  if (vendor !== INTEL_QE_VENDOR_ID) throw malformed(`QE vendor id ${vendor} is not Intel's`);
  r.take(20, "user data");

  let kind: keyof typeof BODY_BYTES;
  if (version === 3) {
    if (teeType !== TEE_TYPE_SGX) throw malformed("a version 3 quote is SGX only");
    kind = "sgx";
  } else if (version === 4) {
    if (teeType === TEE_TYPE_SGX) kind = "sgx";
    else if (teeType === TEE_TYPE_TDX) kind = "td10";
    else throw malformed(`TEE type 0x${teeType.toString(16)}`);
  } else {
    const bodyType = r.u16("body type");
    const bodySize = r.u32("body size");
    const byType = { 1: "sgx", 2: "td10", 3: "td15" } as const;
    const k = byType[bodyType as 1 | 2 | 3];
    if (!k || BODY_BYTES[k] !== bodySize) throw malformed(`body type ${bodyType} of ${bodySize} bytes`);
    if ((k === "sgx") !== (teeType === TEE_TYPE_SGX) || (k !== "sgx" && teeType !== TEE_TYPE_TDX)) throw malformed(`body type ${bodyType} under TEE type 0x${teeType.toString(16)}`);
    kind = k;
  }
  const bodyBytes = r.take(BODY_BYTES[kind], "report body");
  const body = kind === "sgx" ? parseSgxReportBody(bodyBytes, "enclave report") : parseTdReportBody(bodyBytes, kind);
  const signedBytes = raw.subarray(0, r.position);

  const signatureLength = r.u32("signature data length");
  const sig = new ByteReader(r.take(signatureLength, "signature data"), "DCAP signature data");
  // TDX guests may hand out zero-padded quotes; anything else after the signature data is refused.
  if (!isAllZero(raw.subarray(r.position))) throw malformed("non-zero bytes after the signature data");

  const isvSignature = sig.take(64, "quote signature");
  const attestationKey = Uint8Array.from([4, ...sig.take(64, "attestation key")]);
  let qe: ByteReader = sig;
  if (version !== 3) {
    const type = sig.u16("certification data type");
    if (type !== 6) throw malformed(`certification data type ${type}, expected 6 (QE report)`);
    qe = new ByteReader(sig.take(sig.u32("certification data size"), "QE report certification data"), "QE report certification data");
  }
  const qeReportBytes = qe.take(384, "QE report");
  const qeReportSignature = qe.take(64, "QE report signature");
  const qeAuthData = qe.take(qe.u16("QE auth data length"), "QE auth data");
  const certType = qe.u16("PCK certification data type");
  if (certType !== 5) throw malformed(`PCK certification data type ${certType}, only 5 (PEM chain) is supported`);
  const pem = qe.take(qe.u32("PCK certification data size"), "PCK certificate chain");
  if (qe.remaining !== 0 || sig.remaining !== 0) throw malformed("bytes left over inside the signature data");
  let pckChainPem: string;
  try {
    pckChainPem = new TextDecoder("ascii", { fatal: true }).decode(pem).replace(/\0+$/, "");
  } catch {
    throw malformed("the PCK chain is not text");
  }
  return {
    version,
    teeType: teeType as DcapQuote["teeType"],
    body,
    signedBytes,
    isvSignature,
    attestationKey,
    qeReport: parseSgxReportBody(qeReportBytes, "QE report"),
    qeReportSignature,
    qeAuthData,
    pckChainPem,
  };
}
