import * as pkijs from "pkijs";
import { ExecutorError } from "../../errors/ExecutorError.js";
import { bytesEqual } from "./ByteReader.js";

/**
 * X.509 certificates and CRLs for the three vendor chains, on pkijs (signature checks run on Node's WebCrypto,
 * including the RSASSA-PSS signatures of AMD's ARK/ASK/VCEK). What this file decides: a chain is trusted only
 * when its top is byte-identical to the root the caller pinned (the root shipped inside evidence is never
 * trusted on its own), every link verifies, every issuer is a CA, and every certificate is valid at `at`.
 */
export type ParsedCertificate = {
  readonly der: Uint8Array;
  readonly cert: pkijs.Certificate;
  readonly commonName: string;
  /** Big-endian serial number bytes as encoded. */
  readonly serial: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCa: boolean;
  /** The subject public key's BIT STRING contents: for EC keys the uncompressed point 04 ‖ x ‖ y. */
  readonly publicKey: Uint8Array;
};

const OID_COMMON_NAME = "2.5.4.3";
const OID_BASIC_CONSTRAINTS = "2.5.29.19";

export function parseCertificate(der: Uint8Array, what: string): ParsedCertificate {
  let cert: pkijs.Certificate;
  try {
    cert = pkijs.Certificate.fromBER(der);
  } catch (cause) {
    throw new ExecutorError("ATTESTATION_MALFORMED", `${what}: not a DER X.509 certificate`, { cause });
  }
  const basic = cert.extensions?.find((e) => e.extnID === OID_BASIC_CONSTRAINTS)?.parsedValue as pkijs.BasicConstraints | undefined;
  return {
    der,
    cert,
    commonName: String(cert.subject.typesAndValues.find((t) => t.type === OID_COMMON_NAME)?.value.valueBlock.value ?? ""),
    serial: new Uint8Array(cert.serialNumber.valueBlock.valueHexView),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    isCa: basic?.cA === true,
    publicKey: new Uint8Array(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView),
  };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text, in order. `strict`: nothing but certificates and whitespace (for chains inside evidence). */
export function parsePemCertificates(pem: string, what: string, options: { strict?: boolean } = {}): ParsedCertificate[] {
  const certs = [...pem.matchAll(PEM_CERTIFICATE)].map((m, i) => parseCertificate(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64")), `${what}[${i}]`));
  if (certs.length === 0) throw new ExecutorError("ATTESTATION_MALFORMED", `${what}: no PEM certificate`);
  // Nothing but certificates and whitespace: stray bytes around the chain are tampering or a parser mismatch.
  if (options.strict && pem.replace(PEM_CERTIFICATE, "").trim() !== "") throw new ExecutorError("ATTESTATION_MALFORMED", `${what}: text outside the PEM certificates`);
  return certs;
}

export const secondsToDate = (seconds: bigint): Date => new Date(Number(seconds) * 1000);

export function requireValidAt(cert: ParsedCertificate, at: bigint, what: string): void {
  const t = secondsToDate(at);
  if (t < cert.notBefore || t > cert.notAfter) {
    throw new ExecutorError("ATTESTATION_OUTSIDE_VALIDITY", `${what} "${cert.commonName}" is valid ${cert.notBefore.toISOString()} … ${cert.notAfter.toISOString()}, verification time ${t.toISOString()}`);
  }
}

// Results per (subject, issuer) object pair: parsed certificates are immutable, and the pinned roots (and the
// AMD ASKs under them) are shared by every verification, so their signatures are checked once per process.
const signatureChecks = new WeakMap<ParsedCertificate, WeakMap<ParsedCertificate, Promise<boolean>>>();

export function isSignedBy(subject: ParsedCertificate, issuer: ParsedCertificate): Promise<boolean> {
  let byIssuer = signatureChecks.get(subject);
  if (!byIssuer) signatureChecks.set(subject, (byIssuer = new WeakMap()));
  let result = byIssuer.get(issuer);
  if (!result) {
    result = subject.cert.verify(issuer.cert).then(
      (ok) => ok === true,
      () => false,
    );
    byIssuer.set(issuer, result);
  }
  return result;
}

/**
 * Verifies `chain` (leaf first; the root may or may not be included) up to the pinned root. Returns the chain
 * with the pinned root appended, leaf first.
 */
export async function verifyChainToPinnedRoot(chain: readonly ParsedCertificate[], pinnedRoot: ParsedCertificate, at: bigint, what: string): Promise<ParsedCertificate[]> {
  if (chain.length === 0) throw new ExecutorError("ATTESTATION_CHAIN_INVALID", `${what}: empty chain`);
  const top = chain[chain.length - 1]!;
  const full = bytesEqual(top.der, pinnedRoot.der) ? [...chain] : [...chain, pinnedRoot];
  if (full.length < 2) throw new ExecutorError("ATTESTATION_CHAIN_INVALID", `${what}: the chain is only the root`);
  // A self-signed top that is not our pinned root is another trust anchor: refuse it by name.
  if (!bytesEqual(top.der, pinnedRoot.der) && top.isCa && (await isSignedBy(top, top))) {
    throw new ExecutorError("ATTESTATION_CHAIN_INVALID", `${what}: the chain ends in "${top.commonName}", not the pinned root`);
  }
  if (!(await isSignedBy(pinnedRoot, pinnedRoot))) throw new ExecutorError("ATTESTATION_CHAIN_INVALID", `${what}: the pinned root is not self-signed`);
  for (let i = 0; i < full.length - 1; i++) {
    const subject = full[i]!;
    const issuer = full[i + 1]!;
    if (!issuer.isCa) throw new ExecutorError("ATTESTATION_CHAIN_INVALID", `${what}: "${issuer.commonName}" issues certificates but is not a CA`);
    if (!(await isSignedBy(subject, issuer))) {
      throw new ExecutorError("ATTESTATION_CHAIN_INVALID", `${what}: "${subject.commonName}" is not signed by "${issuer.commonName}"`);
    }
  }
  for (const cert of full) requireValidAt(cert, at, what);
  return full;
}

export type ParsedCrl = { readonly crl: pkijs.CertificateRevocationList; readonly thisUpdate: Date; readonly nextUpdate: Date | undefined };

export function parseCrl(der: Uint8Array, what: string): ParsedCrl {
  try {
    const crl = pkijs.CertificateRevocationList.fromBER(der);
    return { crl, thisUpdate: crl.thisUpdate.value, nextUpdate: crl.nextUpdate?.value };
  } catch (cause) {
    throw new ExecutorError("ATTESTATION_MALFORMED", `${what}: not a DER CRL`, { cause });
  }
}

const crlChecks = new WeakMap<ParsedCrl, WeakMap<ParsedCertificate, Promise<boolean>>>();

function isCrlSignedBy(crl: ParsedCrl, issuer: ParsedCertificate): Promise<boolean> {
  let byIssuer = crlChecks.get(crl);
  if (!byIssuer) crlChecks.set(crl, (byIssuer = new WeakMap()));
  let result = byIssuer.get(issuer);
  if (!result) {
    result = crl.crl.verify({ issuerCertificate: issuer.cert }).then(
      (ok) => ok === true,
      () => false,
    );
    byIssuer.set(issuer, result);
  }
  return result;
}

/**
 * The CRL must be signed by `issuer`, current at `at` (thisUpdate ≤ at < nextUpdate; a CRL without nextUpdate
 * is refused: it could be arbitrarily old), and must not list `subject`.
 */
export async function requireNotRevoked(crl: ParsedCrl, issuer: ParsedCertificate, subject: ParsedCertificate, at: bigint, what: string): Promise<void> {
  if (!(await isCrlSignedBy(crl, issuer))) throw new ExecutorError("ATTESTATION_COLLATERAL_INVALID", `${what}: the CRL is not signed by "${issuer.commonName}"`);
  const t = secondsToDate(at);
  if (!crl.nextUpdate || t < crl.thisUpdate || t >= crl.nextUpdate) {
    throw new ExecutorError("ATTESTATION_OUTSIDE_VALIDITY", `${what}: CRL current ${crl.thisUpdate.toISOString()} … ${crl.nextUpdate?.toISOString() ?? "(no nextUpdate)"}, verification time ${t.toISOString()}`);
  }
  const revoked = (crl.crl.revokedCertificates ?? []).some((entry) => bytesEqual(new Uint8Array(entry.userCertificate.valueBlock.valueHexView), subject.serial));
  if (revoked) throw new ExecutorError("ATTESTATION_REVOKED", `${what}: "${subject.commonName}" is on the CRL`);
}
