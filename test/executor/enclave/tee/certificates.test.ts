import { webcrypto } from "node:crypto";
import { expect } from "chai";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { parseCertificate, parseCrl, requireNotRevoked, verifyChainToPinnedRoot } from "../../../../relayer/executor/enclave/tee/certificates.js";
import { ALG, certificate } from "./syntheticNitroDocument.js";
import { expectCode } from "./teeFixtures.js";

/**
 * The revocation and chain rules on a throw-away test CA (test only): no vendor fixture lists a revoked certificate,
 * and a CRL that does needs the vendor's key, so the REVOKED path is exercised with a CRL we sign ourselves.
 */
const T = new Date("2026-01-01T00:00:00Z");
const at = BigInt(T.getTime() / 1000);
const day = 86_400_000;

async function testPki() {
  const [ca, other, leaf] = await Promise.all([0, 1, 2].map(() => webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])));
  const window = { notBefore: new Date(T.getTime() - day), notAfter: new Date(T.getTime() + day) };
  const caDer = await certificate({ serial: 1, subject: "NSF TEST CA", issuer: "NSF TEST CA", publicKey: ca!.publicKey, signingKey: ca!.privateKey, ca: true, ...window });
  const otherDer = await certificate({ serial: 9, subject: "NSF TEST other CA", issuer: "NSF TEST other CA", publicKey: other!.publicKey, signingKey: other!.privateKey, ca: true, ...window });
  const leafDer = await certificate({ serial: 77, subject: "NSF TEST leaf", issuer: "NSF TEST CA", publicKey: leaf!.publicKey, signingKey: ca!.privateKey, ca: false, ...window });
  const crl = async (p: { serials: number[]; signer: webcrypto.CryptoKey; nextUpdate?: Date }) => {
    const list = new pkijs.CertificateRevocationList();
    list.version = 1;
    list.issuer.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type: "2.5.4.3", value: new asn1js.Utf8String({ value: "NSF TEST CA" }) }));
    list.thisUpdate = new pkijs.Time({ type: 0, value: new Date(T.getTime() - day / 2) });
    if (p.nextUpdate) list.nextUpdate = new pkijs.Time({ type: 0, value: p.nextUpdate });
    list.revokedCertificates = p.serials.map((s) => new pkijs.RevokedCertificate({ userCertificate: new asn1js.Integer({ value: s }), revocationDate: new pkijs.Time({ type: 0, value: new Date(T.getTime() - day / 4) }) }));
    await list.sign(p.signer, "SHA-384");
    return new Uint8Array(list.toSchema(true).toBER(false));
  };
  return { ca: parseCertificate(caDer, "ca"), other: parseCertificate(otherDer, "other"), leaf: parseCertificate(leafDer, "leaf"), crl, caKey: ca!.privateKey, otherKey: other!.privateKey };
}

describe("certificates: chains to a pinned root and CRLs (test CA)", function () {
  this.timeout(30_000);

  it("refuses a certificate listed on a current CRL signed by its issuer, and accepts one that is not", async () => {
    const pki = await testPki();
    const nextUpdate = new Date(T.getTime() + day);
    await expectCode(requireNotRevoked(parseCrl(await pki.crl({ serials: [5, 77], signer: pki.caKey, nextUpdate }), "crl"), pki.ca, pki.leaf, at, "test CRL"), "NSF_ATTESTATION_REVOKED");
    await requireNotRevoked(parseCrl(await pki.crl({ serials: [5], signer: pki.caKey, nextUpdate }), "crl"), pki.ca, pki.leaf, at, "test CRL");
  });

  it("refuses a CRL signed by another CA, one past its nextUpdate, and one without nextUpdate", async () => {
    const pki = await testPki();
    await expectCode(requireNotRevoked(parseCrl(await pki.crl({ serials: [], signer: pki.otherKey, nextUpdate: new Date(T.getTime() + day) }), "crl"), pki.ca, pki.leaf, at, "test CRL"), "NSF_ATTESTATION_COLLATERAL_INVALID");
    await expectCode(requireNotRevoked(parseCrl(await pki.crl({ serials: [], signer: pki.caKey, nextUpdate: new Date(T.getTime() - 1000) }), "crl"), pki.ca, pki.leaf, at, "test CRL"), "NSF_ATTESTATION_OUTSIDE_VALIDITY");
    await expectCode(requireNotRevoked(parseCrl(await pki.crl({ serials: [], signer: pki.caKey }), "crl"), pki.ca, pki.leaf, at, "test CRL"), "NSF_ATTESTATION_OUTSIDE_VALIDITY");
  });

  it("trusts a chain only up to the pinned root, and names a foreign self-signed top", async () => {
    const pki = await testPki();
    expect((await verifyChainToPinnedRoot([pki.leaf], pki.ca, at, "chain")).length).to.equal(2);
    await expectCode(verifyChainToPinnedRoot([pki.leaf, pki.ca], pki.other, at, "chain"), "NSF_ATTESTATION_CHAIN_INVALID");
    await expectCode(verifyChainToPinnedRoot([pki.leaf], pki.other, at, "chain"), "NSF_ATTESTATION_CHAIN_INVALID");
    await expectCode(verifyChainToPinnedRoot([pki.leaf], pki.ca, at + 2n * 86_400n, "chain"), "NSF_ATTESTATION_OUTSIDE_VALIDITY");
    // A non-CA certificate cannot issue.
    await expectCode(verifyChainToPinnedRoot([pki.ca, pki.leaf], pki.leaf, at, "chain"), "NSF_ATTESTATION_CHAIN_INVALID");
  });
});
