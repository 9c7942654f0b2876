import { expect } from "chai";
import fc from "fast-check";
import { Decoder, encode } from "cbor-x";
import { ExecutorError } from "../../../../relayer/executor/errors/ExecutorError.js";
import { decodeNitroDocument, nitroSigStructure } from "../../../../relayer/executor/enclave/tee/nitroDocument.js";
import { verifyNitroDocument } from "../../../../relayer/executor/enclave/tee/verifyNitroDocument.js";
import { amdRoots, awsRoot, expectCode, nitroDocument, nitroFixtures, type Fixture } from "./teeFixtures.js";

const roots = { awsNitroRoot: awsRoot() };
const anchorage = nitroFixtures.find((f) => f.name.startsWith("anchorage_aws_nitro_document"))!;
const verify = (f: Fixture, overrides: { doc?: Uint8Array; at?: bigint; roots?: typeof roots } = {}) => verifyNitroDocument(overrides.doc ?? nitroDocument(f), overrides.roots ?? roots, overrides.at ?? BigInt(f.pin));
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false } as ConstructorParameters<typeof Decoder>[0]);

/** Re-encodes the document with its payload changed by `edit` (the signature no longer matches). */
function withPayload(doc: Uint8Array, edit: (payload: Map<string, unknown>) => void): Uint8Array {
  const [protectedHeader, unprotected, payload, signature] = decoder.decode(doc) as [Buffer, Map<unknown, unknown>, Buffer, Buffer];
  const body = decoder.decode(payload) as Map<string, unknown>;
  edit(body);
  return encode([protectedHeader, unprotected, encode(body), signature]);
}

describe("verifyNitroDocument (AWS Nitro attestation documents, real fixtures)", function () {
  this.timeout(60_000);

  for (const f of nitroFixtures) {
    it(`${f.name}: genuine at its pinned time; debug = ${f.expect.debug}`, async () => {
      const v = await verify(f);
      expect(v.debug).to.equal(f.expect.debug);
      expect(v.timestampMs).to.equal(BigInt(f.expect.timestamp_ms!));
      if (f.expect.pcr0) expect(v.pcrs.get(0)).to.equal(`0x${f.expect.pcr0}`);
      if (f.expect.user_data) expect(v.userData).to.equal(`0x${f.expect.user_data}`);
      if (f.expect.nonce) expect(v.nonce).to.equal(`0x${f.expect.nonce}`);
    });
  }

  it("builds the COSE Sig_structure exactly (the bytes base/nitro-validator signs over)", () => {
    const sig = nitroSigStructure(decodeNitroDocument(nitroDocument(anchorage)));
    expect(Buffer.from(sig.subarray(0, 18)).toString("hex")).to.equal("846a5369676e61747572653144a101382240");
  });

  it("refuses a flipped signature byte, a changed PCR0 and changed user data", async () => {
    const doc = nitroDocument(anchorage);
    const flippedSig = Uint8Array.from(doc);
    flippedSig[doc.length - 5]! ^= 1;
    await expectCode(verify(anchorage, { doc: flippedSig }), "NSF_ATTESTATION_SIGNATURE_INVALID");
    const pcr = withPayload(doc, (p) => ((p.get("pcrs") as Map<number, Uint8Array>).get(0)![0]! ^= 1));
    await expectCode(verify(anchorage, { doc: pcr }), "NSF_ATTESTATION_SIGNATURE_INVALID");
    const userData = withPayload(doc, (p) => p.set("user_data", Buffer.alloc(32, 7)));
    await expectCode(verify(anchorage, { doc: userData }), "NSF_ATTESTATION_SIGNATURE_INVALID");
  });

  it("refuses a verification time after the leaf expired or before it was issued", async () => {
    await expectCode(verify(anchorage, { at: BigInt(anchorage.valid_until + 1) }), "NSF_ATTESTATION_OUTSIDE_VALIDITY");
    await expectCode(verify(anchorage, { at: BigInt(anchorage.valid_from - 1) }), "NSF_ATTESTATION_OUTSIDE_VALIDITY");
  });

  it("refuses another root and a cut or reordered cabundle", async () => {
    await expectCode(verify(anchorage, { roots: { awsNitroRoot: amdRoots().Milan.ark } }), "NSF_ATTESTATION_CHAIN_INVALID");
    const doc = nitroDocument(anchorage);
    const cut = withPayload(doc, (p) => p.set("cabundle", (p.get("cabundle") as Uint8Array[]).filter((_, i) => i !== 2)));
    await expectCode(verify(anchorage, { doc: cut }), "NSF_ATTESTATION_CHAIN_INVALID");
    const noRoot = withPayload(doc, (p) => p.set("cabundle", (p.get("cabundle") as Uint8Array[]).slice(1)));
    await expectCode(verify(anchorage, { doc: noRoot }), "NSF_ATTESTATION_SIGNATURE_INVALID"); // chain still reaches the pinned root, payload changed
  });

  it("refuses malformed documents with typed errors: truncated, oversized, wrong alg, wrong shapes", async () => {
    const doc = nitroDocument(anchorage);
    for (const length of [0, 1, 10, 100, doc.length - 1]) await expectCode(verify(anchorage, { doc: doc.subarray(0, length) }), "NSF_ATTESTATION_MALFORMED");
    await expectCode(verify(anchorage, { doc: new Uint8Array(20_000) }), "NSF_ATTESTATION_MALFORMED");
    await expectCode(verify(anchorage, { doc: Uint8Array.from([...doc, 0]) }), "NSF_ATTESTATION_MALFORMED");
    const [, unprotected, payload, signature] = decoder.decode(doc) as [Buffer, unknown, Buffer, Buffer];
    await expectCode(verify(anchorage, { doc: encode([Buffer.from([0xa1, 0x01, 0x26]), unprotected, payload, signature]) }), "NSF_ATTESTATION_MALFORMED"); // ES256
    await expectCode(verify(anchorage, { doc: withPayload(doc, (p) => p.set("digest", "SHA256")) }), "NSF_ATTESTATION_MALFORMED");
    await expectCode(verify(anchorage, { doc: withPayload(doc, (p) => p.delete("pcrs")) }), "NSF_ATTESTATION_MALFORMED");
    await expectCode(verify(anchorage, { doc: withPayload(doc, (p) => p.set("user_data", Buffer.alloc(513))) }), "NSF_ATTESTATION_MALFORMED");
    await expectCode(verify(anchorage, { doc: encode("not a document") }), "NSF_ATTESTATION_MALFORMED");
  });

  it("property: any truncation or bit flip is refused with a typed error", async () => {
    const doc = nitroDocument(anchorage);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: doc.length - 1 }), async (length) => {
        await expectCode(verify(anchorage, { doc: doc.subarray(0, length) }), "NSF_ATTESTATION_MALFORMED");
      }),
      { numRuns: 25, seed: 8 },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: doc.length - 1 }), fc.integer({ min: 0, max: 7 }), async (offset, bit) => {
        const copy = Uint8Array.from(doc);
        copy[offset]! ^= 1 << bit;
        const error = await verify(anchorage, { doc: copy }).then(() => undefined, (e: unknown) => e);
        expect(error, `flip at ${offset}`).to.be.instanceOf(ExecutorError);
      }),
      { numRuns: 25, seed: 8 },
    );
  });
});
