import { readFileSync } from "node:fs";
import { getAddress, type Address, type Hex } from "viem";
import { TeeType } from "../../../../relayer/core/formats/enums.js";
import { parseCertificate, parsePemCertificates } from "../../../../relayer/executor/enclave/tee/certificates.js";
import type { DcapCollateral } from "../../../../relayer/executor/enclave/tee/verifyDcapQuote.js";
import { encodeTeeEvidence, type TeeEvidenceEnvelope } from "../../../../relayer/executor/enclave/tee/teeEvidenceEnvelope.js";

/**
 * The real vendor fixtures in test/fixtures/tee (see its PROVENANCE.md), loaded as the pure verifiers and the
 * `nsf.tee-evidence/1` envelope want them. Paths and expectations come from manifest.json only.
 */
const ROOT = new URL("../../../fixtures/tee/", import.meta.url);
export const fixtureBytes = (path: string): Uint8Array => new Uint8Array(readFileSync(new URL(path, ROOT)));
const fixtureText = (path: string): string => readFileSync(new URL(path, ROOT), "utf8");

type Expect = { ok: boolean; debug?: boolean; tcb_status?: string; advisories?: string[]; qe_tcb_status?: string; mrenclave?: string; mrsigner?: string; mrtd?: string; report_data?: string; pcr0?: string; user_data?: string; nonce?: string; timestamp_ms?: number; measurement?: string; version?: number; reported_tcb?: { bl: number; tee: number; snp: number; ucode: number }; reason?: string };
type Entry = { evidence: string; root?: string; collateral?: string; tcb_info?: string; qe_identity?: string; pck_crl?: string; root_crl?: string; tcb_signing_cert?: string; vcek?: string; ask_ark?: string; valid_from: number; valid_until: number; pin: number; expect: Expect };
export const manifest = JSON.parse(fixtureText("manifest.json")) as { sgx: Entry[]; nitro: Entry[]; sev: Entry[] };

export type Fixture = Entry & { name: string };
const named = (e: Entry): Fixture => ({ ...e, name: e.evidence.split("/").pop()! });
export const sgxFixtures = manifest.sgx.map(named);
export const nitroFixtures = manifest.nitro.map(named);
export const sevFixtures = manifest.sev.map(named);

const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
const toHex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString("hex")}`;

export const intelRoot = () => parseCertificate(fixtureBytes("sgx/intel_sgx_root_ca.der"), "Intel root");
export const awsRoot = () => parsePemCertificates(fixtureText("nitro/aws_nitro_enclaves_root_g1.pem"), "AWS root")[0]!;
const amdPair = (path: string) => {
  const [ask, ark] = parsePemCertificates(fixtureText(path), path);
  return { ask: ask!, ark: ark! };
};
export const amdRoots = () => ({ Milan: amdPair("sev/amd_ask_ark_milan.pem"), Genoa: amdPair("sev/amd_ask_ark_genoa.pem") });

/** Intel PCS response text (`{"tcbInfo":…,"signature":…}`) around an exact signed body. */
const pcsText = (key: string, body: string, signature: string) => `{"${key}":${body},"signature":"${signature}"}`;

/** The collateral as Intel PCS serves it (texts) plus DER items: what the envelope carries. */
export function dcapCollateralTexts(f: Entry): { tcbInfo: string; qeIdentity: string; tcbSigningCertificate: Uint8Array; pckCrl: Uint8Array; rootCrl: Uint8Array } {
  if (f.collateral) {
    const c = JSON.parse(fixtureText(f.collateral)) as Record<string, string>;
    return {
      tcbInfo: pcsText("tcbInfo", c.tcb_info!, c.tcb_info_signature!),
      qeIdentity: pcsText("enclaveIdentity", c.qe_identity!, c.qe_identity_signature!),
      tcbSigningCertificate: parsePemCertificates(c.tcb_info_issuer_chain!, "TCB signing chain")[0]!.der,
      pckCrl: hex(c.pck_crl!),
      rootCrl: hex(c.root_ca_crl!),
    };
  }
  return { tcbInfo: fixtureText(f.tcb_info!), qeIdentity: fixtureText(f.qe_identity!), tcbSigningCertificate: fixtureBytes(f.tcb_signing_cert!), pckCrl: fixtureBytes(f.pck_crl!), rootCrl: fixtureBytes(f.root_crl!) };
}

/** The same collateral, split for the pure verifier. */
export function dcapCollateral(f: Entry, split: (text: string, key: "tcbInfo" | "enclaveIdentity") => DcapCollateral["tcbInfo"]): DcapCollateral {
  const t = dcapCollateralTexts(f);
  return { tcbInfo: split(t.tcbInfo, "tcbInfo"), qeIdentity: split(t.qeIdentity, "enclaveIdentity"), tcbSigningCertificate: t.tcbSigningCertificate, pckCrl: t.pckCrl, rootCrl: t.rootCrl };
}

export function nitroDocument(f: Entry): Uint8Array {
  const bytes = fixtureBytes(f.evidence);
  return f.evidence.endsWith(".base64") ? new Uint8Array(Buffer.from(Buffer.from(bytes).toString("utf8").trim(), "base64")) : bytes;
}

/** `vcek` is a DER file, or `file.pem#n`: the n-th (1-based) certificate of a PEM chain. */
export function vcekDer(f: Entry): Uint8Array {
  const [path, index] = f.vcek!.split("#");
  if (!path!.endsWith(".pem")) return fixtureBytes(path!);
  return parsePemCertificates(fixtureText(path!), path!)[Number(index ?? "1") - 1]!.der;
}

/** Any address: real vendor evidence binds report data the fixtures' authors chose, never an NSF key. */
export const CLAIMED_KEY: Address = getAddress("0x00000000000000000000000000000000000e0001");

export function envelopeFor(vendor: "sgx" | "tdx" | "nitro" | "sev", f: Entry, overrides: { evidence?: Uint8Array; enclaveKey?: Address } = {}): Uint8Array {
  const enclaveKey = overrides.enclaveKey ?? CLAIMED_KEY;
  let envelope: TeeEvidenceEnvelope;
  if (vendor === "nitro") {
    envelope = { format: "nsf.tee-evidence/1", teeType: TeeType.AwsNitro, enclaveKey, evidence: toHex(overrides.evidence ?? nitroDocument(f)), collateral: {} };
  } else if (vendor === "sev") {
    envelope = { format: "nsf.tee-evidence/1", teeType: TeeType.AmdSevSnp, enclaveKey, issuedAt: f.pin, evidence: toHex(overrides.evidence ?? fixtureBytes(f.evidence)), collateral: { vcek: toHex(vcekDer(f)) } };
  } else {
    const c = dcapCollateralTexts(f);
    envelope = {
      format: "nsf.tee-evidence/1",
      teeType: vendor === "sgx" ? TeeType.IntelSgx : TeeType.IntelTdx,
      enclaveKey,
      issuedAt: f.pin,
      evidence: toHex(overrides.evidence ?? fixtureBytes(f.evidence)),
      collateral: { tcbInfo: c.tcbInfo, qeIdentity: c.qeIdentity, tcbSigningCertificate: toHex(c.tcbSigningCertificate), pckCrl: toHex(c.pckCrl), rootCrl: toHex(c.rootCrl) },
    };
  }
  return encodeTeeEvidence(envelope);
}

/** SGX quotes are version 3 in the manifest; TDX ones 4 and 5 (byte 4 of the header is the TEE type). */
export const dcapVendorOf = (f: Entry): "sgx" | "tdx" => (fixtureBytes(f.evidence)[4] === 0x81 ? "tdx" : "sgx");

/** Rejects with an ExecutorError of `code`, or fails the test. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    if ((error as { code?: unknown }).code !== code) throw new Error(`expected ${code}, got ${(error as { code?: string }).code ?? "an untyped error"}: ${(error as Error).message}`, { cause: error });
    return;
  }
  throw new Error(`expected ${code}, but it resolved`);
}
