import { expect } from "chai";
import fc from "fast-check";
import { keccak256, toBytes, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { buildBatchBundle, bundleHashOf, BatchBundleSchema, type BundleEntry } from "../../../relayer/core/batching/batchBundle.js";
import { buildBatchHeader } from "../../../relayer/core/batching/batchHeader.js";
import { createCacDigester } from "../../../relayer/core/batching/cacDigestFast.js";
import { decodeAgreedResult, encodeAgreedResult } from "../../../relayer/core/batching/agreedResultCodec.js";
import { bytesToHexFast, hexToBytesFast } from "../../../relayer/core/batching/hashing.js";
import { createNobleRecoverSigner, recoverAddressWith } from "../../../relayer/core/batching/recoverSigner.js";
import { assignResultSeqs, lastSeqOfCommitment, nextSeqRange } from "../../../relayer/core/batching/resultSequence.js";
import { InvalidFormatError } from "../../../relayer/core/errors/NsfError.js";
import { cacDigest, type Cac } from "../../../relayer/core/formats/eip712.js";
import { batchCommitmentOf, GENESIS_COMMITMENT } from "../../../relayer/core/formats/leaf.js";
import type { AgreedResult } from "../../../relayer/core/results/AgreedResult.js";

const SEED = 0x4e5346;
const h = (label: string) => keccak256(toBytes(label));
const ANCHOR = { chainId: 31337n, address: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const };
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe("result sequences", () => {
  it("continue the previous batch's lastSeq without gaps", () => {
    expect(nextSeqRange(0n, 3)).to.deep.equal({ firstSeq: 1n, lastSeq: 3n, count: 3n });
    const { range, assigned } = assignResultSeqs(41n, [{ jobId: "0x01" }, { jobId: "0x02" }, { jobId: "0x03" }]);
    expect(range).to.deep.equal({ firstSeq: 42n, lastSeq: 44n, count: 3n });
    expect(assigned.map((a) => a.resultSeq)).to.deep.equal([42n, 43n, 44n]);
  });

  it("test_fuzz_assignResultSeqs_contiguous: consecutive batches tile 1..N exactly (fixed seed)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }), (sizes) => {
        let last = 0n;
        const all: bigint[] = [];
        for (const size of sizes) {
          const { range, assigned } = assignResultSeqs(last, Array.from({ length: size }, (_, i) => ({ jobId: `0x${i.toString(16)}` })));
          expect(range.firstSeq).to.equal(last + 1n);
          all.push(...assigned.map((a) => a.resultSeq));
          last = range.lastSeq;
        }
        expect(all).to.deep.equal(all.map((_, i) => BigInt(i + 1)));
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it("refuses an empty batch and a job id twice", () => {
    expect(() => nextSeqRange(0n, 0)).to.throw(InvalidFormatError);
    expect(() => assignResultSeqs(0n, [{ jobId: "0xAB" }, { jobId: "0xab" }])).to.throw(InvalidFormatError);
  });

  it("read lastSeq back from a stored commitment", () => {
    expect(lastSeqOfCommitment(GENESIS_COMMITMENT)).to.equal(0n);
    expect(lastSeqOfCommitment(batchCommitmentOf(h("root"), 1234n))).to.equal(1234n);
  });
});

describe("buildBatchHeader", () => {
  it("derives firstSeq, lastSeq and count from the previous commitment as RollupAnchor does", () => {
    const prev = batchCommitmentOf(h("r1"), 10n);
    const header = buildBatchHeader({ batchSeq: 2n, prevCommitment: prev, count: 5n, root: h("r2"), bundleHash: h("b"), configDigest: h("c") });
    expect(header).to.include({ batchSeq: 2n, firstSeq: 11n, lastSeq: 15n, count: 5n, prevCommitment: prev });
  });

  it("refuses a zero root, a zero previous commitment, batch 0 and an empty batch", () => {
    const base = { batchSeq: 1n, prevCommitment: GENESIS_COMMITMENT, count: 1n, root: h("r"), bundleHash: h("b"), configDigest: h("c") };
    expect(() => buildBatchHeader({ ...base, root: `0x${"00".repeat(32)}` })).to.throw(InvalidFormatError);
    expect(() => buildBatchHeader({ ...base, prevCommitment: `0x${"00".repeat(32)}` })).to.throw(InvalidFormatError);
    expect(() => buildBatchHeader({ ...base, batchSeq: 0n })).to.throw(InvalidFormatError);
    expect(() => buildBatchHeader({ ...base, count: 0n })).to.throw(InvalidFormatError);
  });
});

describe("createCacDigester", () => {
  it("test_fuzz_cacDigester_equalsHashTypedData (fixed seed)", () => {
    const digest = createCacDigester(ANCHOR);
    const word = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `0x${Buffer.from(b).toString("hex")}` as Hex);
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 2 ** 48 - 1 }), word, fc.integer({ min: 0, max: 2 ** 32 - 1 }), word, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (jobId, clauseId, clauseVersion, codeHash, attempt, runtimeHash, timestamp) => {
        const cac: Cac = { jobId, clauseId, clauseVersion, codeHash, tenantId: h("t"), attempt, inputHash: h("i"), outputHash: h("o"), runtimeHash, configDigest: h("c"), timestamp };
        expect(bytesToHexFast(digest(cac))).to.equal(cacDigest(ANCHOR, cac));
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe("createNobleRecoverSigner", () => {
  const account = privateKeyToAccount(h("recover-test-key"));
  const recover = createNobleRecoverSigner();
  const digest = h("a digest");

  it("recovers the signer of a low-s signature", async () => {
    const signature = await account.sign({ hash: digest });
    expect(recoverAddressWith(recover, digest, signature)).to.equal(account.address);
  });

  it("refuses the malleable high-s twin, a bad v and garbage", async () => {
    const signature = await account.sign({ hash: digest });
    const s = BigInt(`0x${signature.slice(66, 130)}`);
    const v = Number.parseInt(signature.slice(130), 16);
    const twin = `0x${signature.slice(2, 66)}${(SECP256K1_N - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    expect(recoverAddressWith(recover, digest, twin)).to.equal(undefined);
    expect(recoverAddressWith(recover, digest, `${signature.slice(0, 130)}1d` as Hex)).to.equal(undefined);
    expect(recover(hexToBytesFast(digest), new Uint8Array(65))).to.equal(undefined);
  });
});

describe("batch bundle", () => {
  const result = (i: number): AgreedResult => ({
    jobId: h(`job${i}`),
    clauseId: h("clause"),
    clauseRef: "UNDRR::Disaster::FloodPayout@1.0.0",
    tenantId: h("tenant"),
    dao: "0x000000000000000000000000000000000000dA0A",
    jurisdiction: "KEN",
    inputHash: h(`in${i}`),
    outputHash: h("out"),
    output: "0x01",
    inputBundle: { schema: "nsf.inputs/1", job_id: h(`job${i}`), values: { b: "2", a: "1" } },
    cacs: [{ signer: "0x0000000000000000000000000000000000000001", cac: {} as Cac, digest: h("d"), signature: `0x${"11".repeat(65)}`, json: { z: 1, a: [1, 2] } }],
    agreedAt: 1_700_000_000n + BigInt(i),
  });
  const entries = (): BundleEntry[] =>
    [0, 1].map((i) => ({
      result: result(i),
      leaf: { jobId: h(`job${i}`), resultSeq: BigInt(i + 1), clauseId: h("clause"), tenantId: h("tenant"), inputHash: h(`in${i}`), outputHash: h("out"), cacSetHash: h("set") },
      leafHash: h(`leaf${i}`),
      proof: [h(`sibling${i}`)],
    }));
  const fields = { chainId: 31337n, rollupAnchor: ANCHOR.address, batchSeq: 1n, firstSeq: 1n, lastSeq: 2n, prevCommitment: GENESIS_COMMITMENT, configDigest: h("cfg"), root: h("root") };

  it("has a stable hash: canonical JSON, independent of key order, pinned golden value", () => {
    const bundle = buildBatchBundle(fields, entries());
    expect(BatchBundleSchema.safeParse(bundle).success).to.equal(true);
    const reordered = reverseKeys(bundle) as typeof bundle;
    expect(bundleHashOf(reordered)).to.equal(bundleHashOf(bundle));
    expect(bundleHashOf(buildBatchBundle(fields, entries()))).to.equal(bundleHashOf(bundle));
    // Pinned: a change here is a change of docs/FORMATS.md §12 and must be deliberate.
    expect(bundleHashOf(bundle)).to.equal(GOLDEN_BUNDLE_HASH);
  });

  it("changes hash when any content changes", () => {
    const base = bundleHashOf(buildBatchBundle(fields, entries()));
    const changed = entries();
    (changed[1]!.result.inputBundle as { values: Record<string, string> }).values.a = "3";
    expect(bundleHashOf(buildBatchBundle(fields, changed))).to.not.equal(base);
    expect(bundleHashOf(buildBatchBundle({ ...fields, batchSeq: 2n }, entries()))).to.not.equal(base);
  });

  it("anchors audit heads: sorted by tenant id, bound by the hash, refused by the schema when malformed", () => {
    const heads = [
      { tenantId: h("tenant-b"), seq: 7, head: h("head-b") },
      { tenantId: h("tenant-a"), seq: 2, head: h("head-a") },
    ];
    const bundle = buildBatchBundle(fields, entries(), heads);
    const sorted = [h("tenant-a"), h("tenant-b")].sort();
    expect(bundle.audit_heads.map((a) => a.tenant_id)).to.deep.equal(sorted);
    expect(bundle.audit_heads.find((a) => a.tenant_id === h("tenant-b"))).to.deep.equal({ tenant_id: h("tenant-b"), seq: "7", head: h("head-b") });
    expect(BatchBundleSchema.safeParse(bundle).success).to.equal(true);
    expect(bundleHashOf(bundle)).to.not.equal(bundleHashOf(buildBatchBundle(fields, entries())));
    expect(bundleHashOf(buildBatchBundle(fields, entries(), [{ ...heads[0]!, seq: 8 }, heads[1]!]))).to.not.equal(bundleHashOf(bundle));
    expect(BatchBundleSchema.safeParse({ ...bundle, audit_heads: [{ tenant_id: h("t"), seq: 1, head: h("x") }] }).success).to.equal(false);
    const { audit_heads: _dropped, ...withoutHeads } = bundle;
    expect(BatchBundleSchema.safeParse(withoutHeads).success).to.equal(false);
  });

  it("round-trips AgreedResult bigints through the storage codec", () => {
    const r = result(3);
    r.cacs[0]!.cac = { ...r.cacs[0]!.cac, timestamp: 123n } as Cac;
    expect(decodeAgreedResult(encodeAgreedResult(r))).to.deep.equal(r);
  });
});

// Changed deliberately with ADR 0012 (the `audit_heads` field, empty here).
const GOLDEN_BUNDLE_HASH = "0x819f54ff63f7aef94096950ca9ba0626ab435e8be5870d33404d3788bb31a926";

/** The same JSON value with every object's keys inserted in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  return value;
}
