import { expect } from "chai";
import fc from "fast-check";
import { getAddress, keccak256, recoverAddress, toBytes, type Address, type Hex } from "viem";
import { InvalidFormatError } from "../../../relayer/core/errors/NsfError.js";
import { assembleQuorumProof, type QuorumProof, type QuorumProofInput } from "../../../relayer/core/quorum/quorumProof.js";
import { devAccounts } from "../../../relayer/devnet/devKeys.js";

const DIGEST = keccak256(toBytes("quorum proof test digest"));
const accounts = devAccounts("quorum-proof-test", 8); // ascending by address
const signers = accounts.map((a) => a.address);
const signatureOf = new Map<Address, Hex>();

/** Splits a concatenated signature blob into 65-byte signatures. */
const split = (blob: Hex): Hex[] => Array.from({ length: (blob.length - 2) / 130 }, (_, i) => `0x${blob.slice(2 + i * 130, 2 + (i + 1) * 130)}` as Hex);
const popcount = (x: bigint) => x.toString(2).split("").filter((b) => b === "1").length;
/** The proof's non-signers and signatures, read back from `packed` (20-byte non-signers, then 65-byte signatures). */
function partsOf(proof: QuorumProof): { nonSigners: Address[]; signatures: Hex[] } {
  const signatureChars = popcount(proof.signerBitmap) * 130;
  const body = proof.packed.slice(2);
  const nonSignerHex = body.slice(0, body.length - signatureChars);
  expect(nonSignerHex.length % 40).to.equal(0);
  const nonSigners = Array.from({ length: nonSignerHex.length / 40 }, (_, i) => getAddress(`0x${nonSignerHex.slice(i * 40, (i + 1) * 40)}`));
  return { nonSigners, signatures: split(`0x${body.slice(body.length - signatureChars)}`) };
}
const mapOf = (indexes: number[], from = signers): Map<Address, Hex> => new Map(indexes.map((i) => [from[i]!, signatureOf.get(signers[i]!)!] as const));
const input = (overrides: Partial<QuorumProofInput> & Pick<QuorumProofInput, "signatures">): QuorumProofInput => ({
  configVersion: 7n,
  threshold: overrides.signatures.size,
  signers: signers.slice(0, 5),
  ...overrides,
});
const expectInvalid = (fn: () => unknown, fragment: string) =>
  expect(fn).to.throw(InvalidFormatError, fragment).with.property("code", "NSF_INVALID_FORMAT");

describe("assembleQuorumProof", () => {
  before(async () => {
    for (const a of accounts) signatureOf.set(a.address, await a.sign({ hash: DIGEST }));
  });

  it("sets one bitmap bit per signing position, orders signatures by position and lists the others as nonSigners", async () => {
    // Insertion order (4, 1, 3) differs from position order on purpose.
    const proof = assembleQuorumProof(input({ signatures: mapOf([4, 1, 3]) }));
    expect(proof.signerBitmap).to.equal(0b11010n);
    // One blob: 2 non-signer addresses (20 bytes each), then 3 signatures (65 bytes each).
    expect((proof.packed.length - 2) / 2).to.equal(2 * 20 + 3 * 65);
    const { nonSigners, signatures: ordered } = partsOf(proof);
    expect(nonSigners).to.deep.equal([signers[0], signers[2]]);
    expect(proof.configVersion).to.equal(7n);
    expect(proof.threshold).to.equal(3);
    expect(ordered).to.have.length(3);
    const recovered = await Promise.all(ordered.map((signature) => recoverAddress({ hash: DIGEST, signature })));
    expect(recovered).to.deep.equal([signers[1], signers[3], signers[4]]);
  });

  it("k = n: every bit set, no nonSigners", () => {
    const proof = assembleQuorumProof(input({ signatures: mapOf([0, 1, 2, 3, 4]) }));
    expect(proof.signerBitmap).to.equal(0b11111n);
    expect(partsOf(proof).nonSigners).to.deep.equal([]);
    expect(partsOf(proof).signatures).to.deep.equal([0, 1, 2, 3, 4].map((i) => signatureOf.get(signers[i]!)));
  });

  it("matches signers case-insensitively (lowercase keys against checksummed config addresses)", () => {
    const lower = signers.map((s) => s.toLowerCase() as Address);
    const proof = assembleQuorumProof(input({ signatures: mapOf([0, 2], lower) }));
    expect(proof.signerBitmap).to.equal(0b00101n);
    expect(partsOf(proof).nonSigners).to.deep.equal([signers[1], signers[3], signers[4]]);
  });

  it("property: for any config and signing subset, bitmap, signatures and nonSigners partition the config in position order", async () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(fc.constant(n), fc.subarray([...Array(n).keys()], { minLength: 1 }))),
        ([n, subset]) => {
          const config = signers.slice(0, n);
          const shuffled = [...subset].reverse();
          const proof = assembleQuorumProof({ configVersion: 1n, threshold: subset.length, signers: config, signatures: mapOf(shuffled) });
          const bits = config.map((_, i) => ((proof.signerBitmap >> BigInt(i)) & 1n) === 1n);
          expect(proof.signerBitmap >> BigInt(n)).to.equal(0n);
          expect(bits.filter(Boolean)).to.have.length(subset.length);
          const parts = partsOf(proof);
          expect(parts.signatures).to.deep.equal(config.filter((_, i) => bits[i]).map((s) => signatureOf.get(s)));
          expect(parts.nonSigners).to.deep.equal(config.filter((_, i) => !bits[i]));
        },
      ),
      { seed: 0x4e5346, numRuns: 200 },
    );
  });

  describe("InvalidFormatError (NSF_INVALID_FORMAT)", () => {
    it("rejects a signature that is not 65 bytes of hex", () => {
      const good = signatureOf.get(signers[0]!)!;
      for (const bad of [good.slice(0, -2), `${good}00`, `0x${"zz".repeat(65)}`, good.slice(2)] as Hex[]) {
        expectInvalid(() => assembleQuorumProof(input({ signatures: new Map([[signers[0]!, bad]]) })), "Invalid signature");
      }
    });

    it("rejects fewer or more signatures than the threshold", () => {
      expectInvalid(() => assembleQuorumProof(input({ signatures: mapOf([0, 1]), threshold: 3 })), "exactly 3 distinct signers");
      expectInvalid(() => assembleQuorumProof(input({ signatures: mapOf([0, 1, 2, 3]), threshold: 3 })), "exactly 3 distinct signers");
    });

    it("counts a signer given twice (different letter case) once", () => {
      const twice = new Map<Address, Hex>([
        [signers[0]!, signatureOf.get(signers[0]!)!],
        [signers[0]!.toLowerCase() as Address, signatureOf.get(signers[0]!)!],
        [signers[1]!, signatureOf.get(signers[1]!)!],
      ]);
      expectInvalid(() => assembleQuorumProof(input({ signatures: twice, threshold: 3 })), "exactly 3 distinct signers");
    });

    it("rejects a signer that is not in the config", () => {
      const outsider = signers[7]!;
      expectInvalid(() => assembleQuorumProof(input({ signatures: mapOf([0, 1, 7]), threshold: 3 })), "signers that belong to the config");
      expect(signers.slice(0, 5)).to.not.include(outsider);
    });

    it("rejects a config the contract would reject: k = 0, k > n, empty, unsorted, duplicate, zero address, more than 32", () => {
      const sigs = mapOf([0]);
      const zero = "0x0000000000000000000000000000000000000000" as Address;
      expectInvalid(() => assembleQuorumProof({ configVersion: 1n, threshold: 0, signers: signers.slice(0, 3), signatures: new Map() }), "quorum threshold");
      expectInvalid(() => assembleQuorumProof({ configVersion: 1n, threshold: 4, signers: signers.slice(0, 3), signatures: sigs }), "quorum threshold");
      expectInvalid(() => assembleQuorumProof({ configVersion: 1n, threshold: 1, signers: [], signatures: sigs }), "quorum signers");
      expectInvalid(() => assembleQuorumProof({ configVersion: 1n, threshold: 1, signers: [signers[1]!, signers[0]!], signatures: sigs }), "strictly ascending");
      expectInvalid(() => assembleQuorumProof({ configVersion: 1n, threshold: 1, signers: [signers[0]!, signers[0]!], signatures: sigs }), "strictly ascending");
      expectInvalid(() => assembleQuorumProof({ configVersion: 1n, threshold: 1, signers: [zero, signers[0]!], signatures: sigs }), "strictly ascending");
      const many = devAccounts("quorum-proof-many", 33).map((a) => a.address);
      expectInvalid(() => assembleQuorumProof({ configVersion: 1n, threshold: 1, signers: many, signatures: sigs }), "between 1 and 32");
    });
  });
});
