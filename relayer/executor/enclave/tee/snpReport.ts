import { ExecutorError } from "../../errors/ExecutorError.js";
import { ByteReader } from "./ByteReader.js";

/**
 * AMD SEV-SNP attestation report (AMD SEV-SNP ABI spec, table "ATTESTATION_REPORT"), 1184 bytes, little-endian.
 * No maintained JavaScript library reads it, so the layout is parsed here, by offset, with bounds checks.
 */
export const SNP_REPORT_BYTES = 0x4a0;
/** The signature covers bytes [0, 0x2A0). */
export const SNP_SIGNED_BYTES = 0x2a0;

/** TCB_VERSION for Milan and Genoa: byte 0 boot loader, 1 TEE, 6 SNP, 7 microcode (Turin differs: not supported). */
export type SnpTcb = { bootloader: number; tee: number; snp: number; microcode: number };

export type SnpReport = {
  version: number;
  guestSvn: number;
  policy: bigint;
  familyId: Uint8Array;
  imageId: Uint8Array;
  vmpl: number;
  signatureAlgo: number;
  currentTcb: SnpTcb;
  platformInfo: bigint;
  signerInfo: number;
  reportData: Uint8Array;
  measurement: Uint8Array;
  hostData: Uint8Array;
  idKeyDigest: Uint8Array;
  authorKeyDigest: Uint8Array;
  reportedTcb: SnpTcb;
  /** CPUID family / model / stepping, present from report version 3. */
  cpuid: { family: number; model: number; stepping: number } | undefined;
  chipId: Uint8Array;
  committedTcb: SnpTcb;
  launchTcb: SnpTcb;
  signedBytes: Uint8Array;
  /** r ‖ s, 48 bytes each, big-endian (converted from the report's 72-byte little-endian fields). */
  signature: Uint8Array;
};

/** Guest policy bit 19: the hypervisor may debug (read and write) the guest. */
export const SNP_POLICY_DEBUG = 1n << 19n;

function tcbOf(bytes: Uint8Array): SnpTcb {
  return { bootloader: bytes[0]!, tee: bytes[1]!, snp: bytes[6]!, microcode: bytes[7]! };
}

/** A 72-byte little-endian scalar field to 48 big-endian bytes; the high 24 bytes must be zero for P-384. */
function scalarOf(field: Uint8Array, name: string): Uint8Array {
  if (field.subarray(48).some((b) => b !== 0)) throw new ExecutorError("ATTESTATION_MALFORMED", `SEV-SNP report: signature ${name} does not fit P-384`);
  return Uint8Array.from(field.subarray(0, 48)).reverse();
}

export function parseSnpReport(raw: Uint8Array): SnpReport {
  if (raw.length !== SNP_REPORT_BYTES) throw new ExecutorError("ATTESTATION_MALFORMED", `SEV-SNP report: ${raw.length} bytes, expected ${SNP_REPORT_BYTES}`);
  const r = new ByteReader(raw, "SEV-SNP report");
  const version = r.u32("version");
  const guestSvn = r.u32("guest_svn");
  const policy = r.u64("policy");
  const familyId = r.take(16, "family_id");
  const imageId = r.take(16, "image_id");
  const vmpl = r.u32("vmpl");
  const signatureAlgo = r.u32("signature_algo");
  const currentTcb = tcbOf(r.take(8, "current_tcb"));
  const platformInfo = r.u64("platform_info");
  const signerInfo = r.u32("signer_info");
  r.take(4, "reserved");
  const reportData = r.take(64, "report_data");
  const measurement = r.take(48, "measurement");
  const hostData = r.take(32, "host_data");
  const idKeyDigest = r.take(48, "id_key_digest");
  const authorKeyDigest = r.take(48, "author_key_digest");
  r.take(32, "report_id");
  r.take(32, "report_id_ma");
  const reportedTcb = tcbOf(r.take(8, "reported_tcb"));
  const cpuidBytes = r.take(3, "cpuid");
  r.take(0x1a0 - r.position, "reserved");
  const chipId = r.take(64, "chip_id");
  const committedTcb = tcbOf(r.take(8, "committed_tcb"));
  r.take(8, "versions");
  const launchTcb = tcbOf(r.take(8, "launch_tcb"));
  const sig = new ByteReader(raw, "SEV-SNP report signature", SNP_SIGNED_BYTES);
  const sigR = scalarOf(sig.take(72, "r"), "r");
  const sigS = scalarOf(sig.take(72, "s"), "s");
  return {
    version,
    guestSvn,
    policy,
    familyId,
    imageId,
    vmpl,
    signatureAlgo,
    currentTcb,
    platformInfo,
    signerInfo,
    reportData,
    measurement,
    hostData,
    idKeyDigest,
    authorKeyDigest,
    reportedTcb,
    cpuid: version >= 3 ? { family: cpuidBytes[0]!, model: cpuidBytes[1]!, stepping: cpuidBytes[2]! } : undefined,
    chipId,
    committedTcb,
    launchTcb,
    signedBytes: raw.subarray(0, SNP_SIGNED_BYTES),
    signature: Uint8Array.from([...sigR, ...sigS]),
  };
}
