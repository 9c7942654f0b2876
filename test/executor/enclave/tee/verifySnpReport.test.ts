import { expect } from "chai";
import fc from "fast-check";
import { ExecutorError } from "../../../../relayer/executor/errors/ExecutorError.js";
import { verifySnpReport } from "../../../../relayer/executor/enclave/tee/verifySnpReport.js";
import { amdRoots, expectCode, fixtureBytes, sevFixtures, vcekDer, type Fixture } from "./teeFixtures.js";

const roots = amdRoots();
const milan = sevFixtures.find((f) => f.name === "virtee_report_milan_v2.bin")!;
const genoa = sevFixtures.find((f) => f.name === "routex_report_genoa_v5.bin")!;
const verify = (f: Fixture, overrides: { report?: Uint8Array; vcek?: Uint8Array; at?: bigint; roots?: Partial<typeof roots> } = {}) =>
  verifySnpReport(overrides.report ?? fixtureBytes(f.evidence), overrides.vcek ?? vcekDer(f), overrides.roots ?? roots, overrides.at ?? BigInt(f.pin));
const flipped = (bytes: Uint8Array, offset: number, mask = 1) => {
  const copy = Uint8Array.from(bytes);
  copy[offset]! ^= mask;
  return copy;
};

describe("verifySnpReport (AMD SEV-SNP reports, real fixtures)", function () {
  this.timeout(60_000);

  for (const f of sevFixtures) {
    it(`${f.name}: genuine at its pinned time; debug = ${f.expect.debug}`, async () => {
      const v = await verify(f);
      expect(v.debug).to.equal(f.expect.debug);
      expect(v.version).to.equal(f.expect.version);
      const t = f.expect.reported_tcb!;
      expect(v.reportedTcb).to.deep.equal({ bootloader: t.bl, tee: t.tee, snp: t.snp, microcode: t.ucode });
      if (f.expect.measurement) expect(v.launchMeasurement).to.equal(`0x${f.expect.measurement}`);
    });
  }

  it("refuses a flipped signature byte, a changed measurement, report data or debug bit", async () => {
    const report = fixtureBytes(milan.evidence);
    await expectCode(verify(milan, { report: flipped(report, 0x2a0 + 3) }), "NSF_ATTESTATION_SIGNATURE_INVALID");
    await expectCode(verify(milan, { report: flipped(report, 0x90) }), "NSF_ATTESTATION_SIGNATURE_INVALID"); // measurement
    await expectCode(verify(milan, { report: flipped(report, 0x50) }), "NSF_ATTESTATION_SIGNATURE_INVALID"); // report data
    await expectCode(verify(milan, { report: flipped(report, 0x0a, 0x08) }), "NSF_ATTESTATION_SIGNATURE_INVALID"); // policy bit 19
  });

  it("refuses a VCEK for another chip or TCB, another product's roots, and times outside the VCEK's validity", async () => {
    await expectCode(verify(milan, { vcek: vcekDer(sevFixtures.find((f) => f.name.startsWith("gosevguest"))!) }), "NSF_ATTESTATION_COLLATERAL_INVALID");
    await expectCode(verify(genoa, { vcek: vcekDer(sevFixtures.find((f) => f.name === "routex_report_genoa_v3.bin")!) }), "NSF_ATTESTATION_COLLATERAL_INVALID");
    await expectCode(verify(milan, { roots: { Milan: roots.Genoa } }), "NSF_ATTESTATION_CHAIN_INVALID");
    await expectCode(verify(milan, { roots: { Genoa: roots.Genoa } }), "NSF_ATTESTATION_CHAIN_INVALID");
    await expectCode(verify(milan, { roots: { Milan: { ask: roots.Genoa.ask, ark: roots.Milan.ark } } }), "NSF_ATTESTATION_CHAIN_INVALID");
    await expectCode(verify(milan, { at: BigInt(milan.valid_until + 1) }), "NSF_ATTESTATION_OUTSIDE_VALIDITY");
    await expectCode(verify(milan, { at: BigInt(milan.valid_from - 1) }), "NSF_ATTESTATION_OUTSIDE_VALIDITY");
  });

  it("refuses malformed reports with typed errors: truncated, oversized, VLEK-signed, unknown version", async () => {
    const report = fixtureBytes(milan.evidence);
    for (const length of [0, 4, 0x2a0, report.length - 1]) await expectCode(verify(milan, { report: report.subarray(0, length) }), "NSF_ATTESTATION_MALFORMED");
    await expectCode(verify(milan, { report: Uint8Array.from([...report, 0]) }), "NSF_ATTESTATION_MALFORMED");
    await expectCode(verify(milan, { report: flipped(report, 0x48, 0x04) }), "NSF_ATTESTATION_MALFORMED"); // SIGNING_KEY = VLEK
    await expectCode(verify(milan, { report: flipped(report, 0, 0x08) }), "NSF_ATTESTATION_MALFORMED"); // version 10
    await expectCode(verify(milan, { vcek: new Uint8Array([1, 2, 3]) }), "NSF_ATTESTATION_MALFORMED");
  });

  it("property: any bit flip in the signed part or the signature is refused with a typed error", async () => {
    const report = fixtureBytes(genoa.evidence);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 0x2a0 + 144 - 1 }), fc.integer({ min: 0, max: 7 }), async (offset, bit) => {
        const error = await verify(genoa, { report: flipped(report, offset, 1 << bit) }).then(() => undefined, (e: unknown) => e);
        expect(error, `flip at ${offset}`).to.be.instanceOf(ExecutorError);
      }),
      { numRuns: 25, seed: 8 },
    );
  });
});
