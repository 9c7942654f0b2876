import { expect } from "chai";
import fc from "fast-check";
import { ExecutorError } from "../../../../relayer/executor/errors/ExecutorError.js";
import { parseCertificate, parsePemCertificates } from "../../../../relayer/executor/enclave/tee/certificates.js";
import { splitSignedJson } from "../../../../relayer/executor/enclave/tee/dcapCollateral.js";
import { parseDcapQuote } from "../../../../relayer/executor/enclave/tee/dcapQuote.js";
import { verifyDcapQuote } from "../../../../relayer/executor/enclave/tee/verifyDcapQuote.js";
import { awsRoot, dcapCollateral, expectCode, fixtureBytes, intelRoot, sgxFixtures, type Fixture } from "./teeFixtures.js";

const root = { intelSgxRoot: intelRoot() };
const byName = (name: string): Fixture => sgxFixtures.find((f) => f.name === name)!;
const sgx = byName("dcapqvl_sgx_quote_v3.bin");
const tdx = byName("dcapqvl_tdx_quote_v4.bin");
const collateralOf = (f: Fixture) => dcapCollateral(f, splitSignedJson);
const verify = (f: Fixture, overrides: { quote?: Uint8Array; at?: bigint; roots?: typeof root; collateral?: ReturnType<typeof collateralOf> } = {}) =>
  verifyDcapQuote(overrides.quote ?? fixtureBytes(f.evidence), overrides.collateral ?? collateralOf(f), overrides.roots ?? root, overrides.at ?? BigInt(f.pin));
const flipped = (bytes: Uint8Array, offset: number, mask = 0x01) => {
  const copy = Uint8Array.from(bytes);
  copy[offset]! ^= mask;
  return copy;
};
/** Bytes [0, end) of a quote that every check covers: header, body, signature length, ISV signature, key, QE report and its signature. */
const coveredEnd = (quote: Uint8Array) => parseDcapQuote(quote).signedBytes.length + 4 + 64 + 64 + (quote[0] === 3 ? 0 : 6) + 384 + 64;

describe("verifyDcapQuote (Intel DCAP quotes v3/v4/v5, real fixtures)", function () {
  this.timeout(60_000);

  for (const f of sgxFixtures) {
    it(`${f.name}: ${f.expect.ok ? "verifies" : "is refused or flagged"} at its pinned time as the manifest says`, async () => {
      if (f.name === "dcapqvl_tdx_quote_v5_outdated.bin") {
        await expectCode(verify(f), "NSF_ATTESTATION_TCB_UNSUPPORTED");
        return;
      }
      const v = await verify(f);
      expect(v.debug).to.equal(f.expect.debug);
      if (f.expect.tcb_status) expect(v.tcb.status).to.equal(f.expect.tcb_status);
      if (f.expect.qe_tcb_status) expect(v.tcb.qe).to.equal(f.expect.qe_tcb_status);
      if (f.expect.advisories) expect(v.tcb.advisories).to.deep.equal(f.expect.advisories);
      if (f.expect.mrenclave) expect(v.measurement).to.equal(`0x${f.expect.mrenclave}`);
      if (f.expect.mrsigner) expect(v.details).to.include({ mrSigner: `0x${f.expect.mrsigner}` });
      if (f.expect.mrtd) expect(v.details).to.include({ mrTd: `0x${f.expect.mrtd}` });
      if (f.expect.report_data) expect(v.reportData).to.equal(`0x${f.expect.report_data}`);
    });
  }

  it("reads SGX report data, TDX module status and the v3/v4 layouts", async () => {
    const s = await verify(sgx);
    expect(Buffer.from(s.reportData.slice(2, 28), "hex").toString()).to.equal("Hello, world!");
    expect(s).to.include({ vendor: "intel-sgx", quoteVersion: 3 });
    const t = await verify(tdx);
    expect(t).to.include({ vendor: "intel-tdx", quoteVersion: 4 });
    expect(t.tcb).to.include({ platform: "UpToDate", qe: "UpToDate", tdxModule: "UpToDate" });
    expect(t.details).to.include({ tdAttributes: "0x0000001000000000" });
  });

  it("refuses a flipped signature byte, a changed measurement and changed report data", async () => {
    const quote = fixtureBytes(sgx.evidence);
    const signedEnd = parseDcapQuote(quote).signedBytes.length;
    await expectCode(verify(sgx, { quote: flipped(quote, signedEnd + 4 + 10) }), "NSF_ATTESTATION_SIGNATURE_INVALID");
    await expectCode(verify(sgx, { quote: flipped(quote, 48 + 64) }), "NSF_ATTESTATION_SIGNATURE_INVALID"); // MRENCLAVE
    await expectCode(verify(sgx, { quote: flipped(quote, 48 + 320) }), "NSF_ATTESTATION_SIGNATURE_INVALID"); // REPORTDATA
    await expectCode(verify(sgx, { quote: flipped(quote, 48 + 48, 0x02) }), "NSF_ATTESTATION_SIGNATURE_INVALID"); // DEBUG flag
    const td = fixtureBytes(tdx.evidence);
    await expectCode(verify(tdx, { quote: flipped(td, 48 + 136) }), "NSF_ATTESTATION_SIGNATURE_INVALID"); // MRTD
    // QE report (signed by the PCK key) and QE auth data (bound into the QE report data).
    await expectCode(verify(sgx, { quote: flipped(quote, signedEnd + 4 + 128 + 100) }), "NSF_ATTESTATION_SIGNATURE_INVALID");
    await expectCode(verify(sgx, { quote: flipped(quote, signedEnd + 4 + 128 + 384 + 64 + 2) }), "NSF_ATTESTATION_SIGNATURE_INVALID");
  });

  it("refuses verification times outside the collateral windows (expired collateral, not yet issued)", async () => {
    await expectCode(verify(sgx, { at: BigInt(sgx.valid_until + 1) }), "NSF_ATTESTATION_OUTSIDE_VALIDITY");
    await expectCode(verify(sgx, { at: BigInt(sgx.valid_from - 1) }), "NSF_ATTESTATION_OUTSIDE_VALIDITY");
    await expectCode(verify(tdx, { at: BigInt(tdx.pin + 60 * 86_400) }), "NSF_ATTESTATION_OUTSIDE_VALIDITY");
    // The edges of the manifest's window are inside.
    await verify(sgx, { at: BigInt(sgx.valid_from) });
    await verify(sgx, { at: BigInt(sgx.valid_until - 1) });
  });

  it("refuses a chain that does not end in the pinned Intel root, and a cut chain", async () => {
    await expectCode(verify(sgx, { roots: { intelSgxRoot: awsRoot() } }), "NSF_ATTESTATION_CHAIN_INVALID");
    // Rebuild the v3 quote with the PCK CA removed from its certification data (lengths fixed up).
    const quote = fixtureBytes(sgx.evidence);
    const pemStart = Buffer.from(quote).indexOf("-----BEGIN");
    const chain = parsePemCertificates(Buffer.from(quote.subarray(pemStart)).toString("latin1").replace(/\0+$/, ""), "chain");
    const pem = [chain[0]!, chain[2]!].map((c) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(c.der).toString("base64")}\n-----END CERTIFICATE-----\n`).join("");
    const cut = Buffer.concat([quote.subarray(0, pemStart), Buffer.from(pem + "\0")]);
    cut.writeUInt32LE(pem.length + 1, pemStart - 4);
    const signedEnd = parseDcapQuote(quote).signedBytes.length;
    cut.writeUInt32LE(cut.length - signedEnd - 4, signedEnd);
    await expectCode(verify(sgx, { quote: new Uint8Array(cut) }), "NSF_ATTESTATION_CHAIN_INVALID");
  });

  it("refuses collateral that is tampered, signed by someone else or for another platform", async () => {
    const good = collateralOf(sgx);
    const tampered = { ...good, tcbInfo: { ...good.tcbInfo, body: good.tcbInfo.body.replace('"tcbEvaluationDataNumber":17', '"tcbEvaluationDataNumber":18') } };
    await expectCode(verify(sgx, { collateral: tampered }), "NSF_ATTESTATION_COLLATERAL_INVALID");
    // TDX collateral is genuinely Intel-signed, but for another FMSPC and TEE.
    const other = collateralOf(tdx);
    await expectCode(verify(sgx, { collateral: { ...good, tcbInfo: other.tcbInfo } }), "NSF_ATTESTATION_COLLATERAL_INVALID");
    await expectCode(verify(sgx, { collateral: { ...good, qeIdentity: other.qeIdentity } }), "NSF_ATTESTATION_COLLATERAL_INVALID");
    // The Platform CA's CRL for a Processor-CA leaf: not signed by the leaf's issuer.
    await expectCode(verify(sgx, { collateral: { ...good, pckCrl: other.pckCrl } }), "NSF_ATTESTATION_COLLATERAL_INVALID");
    // The PCK CA certificate is not the TCB signing certificate.
    const pckCa = parsePemCertificates(parseDcapQuote(fixtureBytes(sgx.evidence)).pckChainPem, "chain")[1]!;
    await expectCode(verify(sgx, { collateral: { ...good, tcbSigningCertificate: pckCa.der } }), "NSF_ATTESTATION_COLLATERAL_INVALID");
    expect(() => parseCertificate(new Uint8Array([0x30, 0x03, 0x02]), "junk")).to.throw(ExecutorError);
  });

  it("refuses truncated, oversized, padded-with-junk and unknown-version quotes with typed errors", async () => {
    const quote = fixtureBytes(sgx.evidence);
    for (const length of [0, 1, 47, 48, 431, 432, 436, 1000, quote.length - 1]) {
      await expectCode(verify(sgx, { quote: quote.subarray(0, length) }), "NSF_ATTESTATION_MALFORMED");
    }
    await expectCode(verify(sgx, { quote: new Uint8Array(70_000) }), "NSF_ATTESTATION_MALFORMED");
    await expectCode(verify(sgx, { quote: Uint8Array.from([...quote, 0, 0, 1]) }), "NSF_ATTESTATION_MALFORMED");
    await verify(sgx, { quote: Uint8Array.from([...quote, 0, 0, 0]) }); // zero padding is what TDX guests hand out
    await expectCode(verify(sgx, { quote: flipped(quote, 0, 0x04) }), "NSF_ATTESTATION_MALFORMED"); // version 7
  });

  it("property: any truncation is a typed refusal, any bit flip in the covered bytes is refused", async () => {
    const quote = fixtureBytes(sgx.evidence);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: quote.length - 1 }), async (length) => {
        await expectCode(verify(sgx, { quote: quote.subarray(0, length) }), "NSF_ATTESTATION_MALFORMED");
      }),
      { numRuns: 25, seed: 8 },
    );
    const end = coveredEnd(quote);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: end - 1 }), fc.integer({ min: 0, max: 7 }), async (offset, bit) => {
        const error = await verify(sgx, { quote: flipped(quote, offset, 1 << bit) }).then(() => undefined, (e: unknown) => e);
        expect(error, `flip at ${offset}`).to.be.instanceOf(ExecutorError);
      }),
      { numRuns: 25, seed: 8 },
    );
  });
});
