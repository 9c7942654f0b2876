import { sha256 } from "@noble/hashes/sha2.js";
import * as asn1js from "asn1js";
import type { Hex } from "viem";
import { ExecutorError } from "../../errors/ExecutorError.js";
import { bytesEqual, toHex } from "./ByteReader.js";
import { parseCertificate, verifyChainToPinnedRoot, type ParsedCertificate } from "./certificates.js";
import { verifyP384 } from "./ecdsa.js";
import { parseSnpReport, SNP_POLICY_DEBUG, type SnpTcb } from "./snpReport.js";

export type SnpProduct = "Milan" | "Genoa";

/** The pinned AMD roots per product: the ARK (trust anchor) and the ASK it signed (AMD KDS cert_chain). */
export type SnpRoots = Partial<Record<SnpProduct, { ark: ParsedCertificate; ask: ParsedCertificate }>>;

export type SnpVerdict = {
  vendor: "amd-sev-snp";
  product: SnpProduct;
  version: number;
  policy: bigint;
  debug: boolean;
  vmpl: number;
  /** The 48-byte launch digest. */
  launchMeasurement: Hex;
  /** `sha256(launch digest)`: the 32-byte measurement NodeRegistry stores (docs/FORMATS.md §1). */
  measurement: Hex;
  reportData: Hex;
  hostData: Hex;
  reportedTcb: SnpTcb;
  chipId: Hex;
};

// VCEK extensions (AMD "Versioned Chip Endorsement Key" spec, table 8).
const OID = { blSpl: "1.3.6.1.4.1.3704.1.3.1", teeSpl: "1.3.6.1.4.1.3704.1.3.2", snpSpl: "1.3.6.1.4.1.3704.1.3.3", ucodeSpl: "1.3.6.1.4.1.3704.1.3.8", hwId: "1.3.6.1.4.1.3704.1.4", productName: "1.3.6.1.4.1.3704.1.2" };

function extension(vcek: ParsedCertificate, oid: string): Uint8Array {
  const ext = vcek.cert.extensions?.find((e) => e.extnID === oid);
  if (!ext) throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", `the VCEK has no extension ${oid}`);
  return new Uint8Array(ext.extnValue.valueBlock.valueHexView);
}

function derInteger(bytes: Uint8Array, oid: string): number {
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Integer)) throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", `VCEK extension ${oid} is not a DER INTEGER`);
  return parsed.result.valueBlock.valueDec;
}

function productOf(vcek: ParsedCertificate): SnpProduct {
  const parsed = asn1js.fromBER(extension(vcek, OID.productName));
  const name = parsed.result instanceof asn1js.IA5String ? parsed.result.getValue() : "";
  // "Milan-B0", "Genoa" (the stepping suffix varies).
  const product = name.split("-")[0];
  if (product === "Milan" || product === "Genoa") return product;
  throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", `VCEK product "${name}" is not supported (Milan and Genoa are)`);
}

/** Family 19h; Milan models 00h–0Fh, Genoa 10h–1Fh (report v3+ carries CPUID). */
function cpuidProduct(cpuid: { family: number; model: number }): SnpProduct | undefined {
  if (cpuid.family !== 0x19) return undefined;
  if (cpuid.model <= 0x0f) return "Milan";
  if (cpuid.model <= 0x1f) return "Genoa";
  return undefined;
}

/**
 * Verifies an SEV-SNP attestation report (pure: report, VCEK, pinned ARK/ASK, verification time in). The VCEK
 * is collateral: it is trusted only through ASK ← ARK, and only for the chip id and TCB it was issued for.
 */
export async function verifySnpReport(raw: Uint8Array, vcekDer: Uint8Array, roots: SnpRoots, at: bigint): Promise<SnpVerdict> {
  const report = parseSnpReport(raw);
  if (report.version < 2 || report.version > 5) throw new ExecutorError("ATTESTATION_MALFORMED", `SEV-SNP report version ${report.version} is not supported`);
  if (report.signatureAlgo !== 1) throw new ExecutorError("ATTESTATION_MALFORMED", `signature_algo ${report.signatureAlgo} is not ECDSA P-384/SHA-384`);
  // SIGNING_KEY (bits 2-4) 0 = VCEK; VLEK-signed reports are not supported. MASK_CHIP_KEY would zero chip_id.
  if (((report.signerInfo >> 2) & 7) !== 0) throw new ExecutorError("ATTESTATION_MALFORMED", "the report is not signed by a VCEK (VLEK is not supported)");
  if ((report.signerInfo & 2) !== 0) throw new ExecutorError("ATTESTATION_MALFORMED", "MASK_CHIP_KEY is set: the chip id cannot be matched");

  const vcek = parseCertificate(vcekDer, "VCEK");
  const product = productOf(vcek);
  if (report.cpuid && cpuidProduct(report.cpuid) !== product) {
    throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", `the report's CPUID (family ${report.cpuid.family}, model ${report.cpuid.model}) is not a ${product}`);
  }
  const pinned = roots[product];
  if (!pinned) throw new ExecutorError("ATTESTATION_CHAIN_INVALID", `no pinned AMD root for ${product}`);
  await verifyChainToPinnedRoot([vcek, pinned.ask], pinned.ark, at, `VCEK ← ASK ← ARK-${product}`);

  if (!bytesEqual(extension(vcek, OID.hwId), report.chipId)) throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", "the VCEK was issued for another chip (hwID ≠ chip_id)");
  const vcekTcb: SnpTcb = {
    bootloader: derInteger(extension(vcek, OID.blSpl), OID.blSpl),
    tee: derInteger(extension(vcek, OID.teeSpl), OID.teeSpl),
    snp: derInteger(extension(vcek, OID.snpSpl), OID.snpSpl),
    microcode: derInteger(extension(vcek, OID.ucodeSpl), OID.ucodeSpl),
  };
  const reported = report.reportedTcb;
  if (vcekTcb.bootloader !== reported.bootloader || vcekTcb.tee !== reported.tee || vcekTcb.snp !== reported.snp || vcekTcb.microcode !== reported.microcode) {
    throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", `the VCEK's TCB ${JSON.stringify(vcekTcb)} differs from the report's reported_tcb ${JSON.stringify(reported)}`);
  }
  if (!verifyP384(report.signature, report.signedBytes, vcek.publicKey)) {
    throw new ExecutorError("ATTESTATION_SIGNATURE_INVALID", "the report signature does not verify under the VCEK");
  }
  return {
    vendor: "amd-sev-snp",
    product,
    version: report.version,
    policy: report.policy,
    debug: (report.policy & SNP_POLICY_DEBUG) !== 0n,
    vmpl: report.vmpl,
    launchMeasurement: toHex(report.measurement),
    measurement: toHex(sha256(report.measurement)),
    reportData: toHex(report.reportData),
    hostData: toHex(report.hostData),
    reportedTcb: reported,
    chipId: toHex(report.chipId),
  };
}
