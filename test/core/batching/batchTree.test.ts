import { expect } from "chai";
import fc from "fast-check";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak256, toBytes, type Hex } from "viem";
import { buildBatchTree, processProof } from "../../../relayer/core/batching/batchTree.js";
import { fastLeafHash } from "../../../relayer/core/batching/executionLeaf.js";
import { LEAF_TYPES, leafHash, leafValues, referenceTree, type ExecutionLeaf } from "../../../relayer/core/formats/leaf.js";
import { InvalidFormatError } from "../../../relayer/core/errors/NsfError.js";

const SEED = 0x4e5346;
const h = (label: string) => keccak256(toBytes(label));
const leafAt = (salt: string, i: number): ExecutionLeaf => ({
  jobId: h(`${salt}/job/${i}`),
  resultSeq: BigInt(i + 1),
  clauseId: h("clause"),
  tenantId: h("tenant"),
  inputHash: h(`${salt}/in/${i}`),
  outputHash: h(`${salt}/out/${i % 3}`),
  cacSetHash: h(`${salt}/cacs/${i}`),
});

/** Our tree against @openzeppelin/merkle-tree: same root, same proofs, and every proof verifies there. */
function expectSameAsOz(leaves: ExecutionLeaf[]): void {
  const ours = buildBatchTree(leaves.map((l) => leafHash(l)));
  const ref = referenceTree(leaves);
  expect(ours.root).to.equal(ref.root);
  const refIndex = new Map<string, number>();
  for (const [i, v] of ref.entries()) refIndex.set(v[0], i);
  leaves.forEach((leaf, i) => {
    const proof = ours.proofs[i]!;
    expect(processProof(proof, leafHash(leaf))).to.equal(ours.root);
    expect(StandardMerkleTree.verify(ours.root, [...LEAF_TYPES], leafValues(leaf), proof)).to.equal(true);
    expect(proof).to.deep.equal(ref.getProof(refIndex.get(leaf.jobId)!));
  });
}

describe("buildBatchTree", () => {
  for (const size of [1, 2, 3, 4, 5, 7, 8, 9, 13, 1024]) {
    it(`equals StandardMerkleTree (root and every proof) for ${size} leaves`, () => {
      expectSameAsOz(Array.from({ length: size }, (_, i) => leafAt("fixed", i)));
    });
  }

  it("test_fuzz_buildBatchTree_equalsOpenZeppelin: random sizes 1..300 and random leaf values (fixed seed)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.string({ maxLength: 8 }), (size, salt) => {
        expectSameAsOz(Array.from({ length: size }, (_, i) => leafAt(salt, i)));
      }),
      { seed: SEED, numRuns: 12 },
    );
  });

  it("returns proofs in input order whatever the tree order", () => {
    const leaves = Array.from({ length: 11 }, (_, i) => leafAt("order", i));
    const tree = buildBatchTree(leaves.map((l) => leafHash(l)));
    const shuffled = [...leaves].reverse();
    const again = buildBatchTree(shuffled.map((l) => leafHash(l)));
    expect(again.root).to.equal(tree.root);
    expect(again.proofs[0]).to.deep.equal(tree.proofs[10]);
  });

  it("a tampered proof or leaf does not lead to the root", () => {
    const leaves = Array.from({ length: 6 }, (_, i) => leafAt("tamper", i));
    const tree = buildBatchTree(leaves.map((l) => leafHash(l)));
    const proof = [...tree.proofs[2]!];
    proof[0] = h("other");
    expect(processProof(proof, leafHash(leaves[2]!))).to.not.equal(tree.root);
    expect(processProof(tree.proofs[2]!, leafHash({ ...leaves[2]!, resultSeq: 99n }))).to.not.equal(tree.root);
  });

  it("refuses an empty batch and duplicate leaves", () => {
    expect(() => buildBatchTree([])).to.throw(InvalidFormatError);
    const leaf = leafHash(leafAt("dup", 0));
    expect(() => buildBatchTree([leaf, leaf])).to.throw(InvalidFormatError);
  });
});

describe("fastLeafHash", () => {
  it("test_fuzz_fastLeafHash_equalsAbiEncoding: equals the ABI-encoder leaf hash (fixed seed)", () => {
    const word = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `0x${Buffer.from(b).toString("hex")}` as Hex);
    fc.assert(
      fc.property(word, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), word, word, word, word, word, (jobId, resultSeq, clauseId, tenantId, inputHash, outputHash, cacSetHash) => {
        const leaf = { jobId, resultSeq, clauseId, tenantId, inputHash, outputHash, cacSetHash };
        expect(fastLeafHash(leaf)).to.equal(leafHash(leaf));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
