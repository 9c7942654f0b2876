import { MerkleTree } from "merkletreejs";
import type { Hex } from "viem";
import { InvalidFormatError } from "../errors/NsfError.js";
import { bytesToHexFast, hexToBytesFast, nobleKeccak, type Keccak } from "./hashing.js";

/**
 * The batch Merkle tree (docs/FORMATS.md §7), built with merkletreejs on the hot path and laid out exactly
 * like OpenZeppelin's `StandardMerkleTree`: leaves sorted by hash, a complete binary tree, internal nodes
 * `keccak256(sort(a, b))`. So the root equals `StandardMerkleTree.of(values, leafTypes).root` for the same
 * leaves, and every proof equals the one `@openzeppelin/merkle-tree` would give (and verifies with
 * OpenZeppelin `MerkleProof` on-chain).
 *
 * Why this leaf order: OZ places the ascending-sorted leaves at heap positions 2n−2 … n−1 (so right to left)
 * and hashes `tree[i] = H(sort(tree[2i+1], tree[2i+2]))`. merkletreejs's `complete` mode pairs the first
 * `m = 2n − 2^⌈log2 n⌉` leaves at the bottom level and lifts the rest one level up, left to right. Feeding it
 * the descending-sorted leaves rotated so that the m smallest come first reproduces the heap exactly
 * (with sorted pairs, the order inside a pair does not matter). An auditor therefore needs nothing but
 * `@openzeppelin/merkle-tree` to recompute the anchored root from the bundle's leaf values.
 *
 * Pure: the hash function is a parameter (default @noble/hashes keccak-256).
 */
export type BatchTree = {
  root: Hex;
  /** `proofs[i]` is the proof of the i-th input leaf (input order, not tree order), leaf to root. */
  proofs: Hex[][];
  /** `treeIndex[i]` is the position of input leaf i among merkletreejs's bottom-layer leaves. */
  treeIndex: number[];
};

type Node = Buffer;

function asBuffer(bytes: Uint8Array): Node {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Lowercase 0x-hex of a node (Buffer's native encoder: 5× faster than a JS loop on 32-byte values). */
const hexOf = (node: Node): Hex => `0x${node.toString("hex")}`;

/**
 * The bottom-layer order that makes merkletreejs's complete tree equal OZ's heap layout (see above), from the
 * leaves' lowercase hex (equal-length hex strings compare like the bytes they encode).
 */
export function standardTreeOrder(leafHex: readonly string[]): number[] {
  const n = leafHex.length;
  const descending = leafHex.map((_, i) => i).sort((a, b) => (leafHex[a]! < leafHex[b]! ? 1 : leafHex[a]! > leafHex[b]! ? -1 : 0));
  if (n <= 1 || Number.isInteger(Math.log2(n))) return descending;
  const m = 2 * n - 2 ** Math.ceil(Math.log2(n));
  return [...descending.slice(n - m), ...descending.slice(0, n - m)];
}

export function buildBatchTree(leafHashes: readonly (Uint8Array | Hex)[], keccak: Keccak = nobleKeccak): BatchTree {
  const n = leafHashes.length;
  if (n === 0) throw new InvalidFormatError("batch tree", 0, "at least one leaf");
  const leaves = leafHashes.map((l) => asBuffer(typeof l === "string" ? hexToBytesFast(l) : l));
  for (const leaf of leaves) if (leaf.length !== 32) throw new InvalidFormatError("leaf hash", leaf.length, "32 bytes");
  const leafHex = leaves.map(hexOf);
  const order = standardTreeOrder(leafHex);
  // Sorted, so a duplicate sits next to its twin.
  for (let i = 1; i < n; i++) {
    if (leafHex[order[i]!] === leafHex[order[i - 1]!]) throw new InvalidFormatError("batch leaves", leafHex[order[i]!], "distinct leaf hashes");
  }
  const hashFn = (data: Buffer): Buffer => asBuffer(keccak(data));
  const concatenator = (parts: Buffer[]): Buffer => Buffer.concat(parts, 64);
  const tree = new MerkleTree(
    order.map((i) => leaves[i]!),
    hashFn,
    { sortPairs: true, complete: true, hashLeaves: false, concatenator } as ConstructorParameters<typeof MerkleTree>[2],
  );
  const layers = tree.getLayers();
  // Hex once per node; proofs then share the strings (100k leaves ≈ 1.7M proof entries).
  const hexLayers = layers.map((layer, depth) => (depth === 0 ? order.map((i) => leafHex[i]!) : layer.map(hexOf)));
  // merkletreejs's own getProof assumes index/2 parents, which does not hold for the leaves its complete
  // mode lifts one level; positions are computed here from the layout instead.
  const lifted = n <= 1 || Number.isInteger(Math.log2(n)) ? n : 2 * n - 2 ** Math.ceil(Math.log2(n));
  const byTreeIndex: Hex[][] = new Array(n);
  for (let position = 0; position < n; position++) {
    const proof: Hex[] = [];
    let index = position;
    if (position < lifted) {
      if ((position ^ 1) < lifted) proof.push(hexLayers[0]![position ^ 1]!);
      index = position >> 1;
    } else {
      index = (lifted >> 1) + (position - lifted);
    }
    for (let depth = 1; depth < layers.length - 1; depth++) {
      const sibling = index ^ 1;
      if (sibling < layers[depth]!.length) proof.push(hexLayers[depth]![sibling]!);
      index >>= 1;
    }
    byTreeIndex[position] = proof;
  }
  const treeIndex: number[] = new Array(n);
  order.forEach((input, position) => {
    treeIndex[input] = position;
  });
  return { root: hexLayers[hexLayers.length - 1]![0]!, proofs: treeIndex.map((p) => byTreeIndex[p]!), treeIndex };
}

/** OpenZeppelin `MerkleProof.processProof`: sorted-pair keccak from the leaf hash up. */
export function processProof(proof: readonly Hex[], leafHash: Hex, keccak: Keccak = nobleKeccak): Hex {
  let computed = hexToBytesFast(leafHash);
  const pair = new Uint8Array(64);
  for (const sibling of proof) {
    const s = hexToBytesFast(sibling);
    const [a, b] = Buffer.compare(asBuffer(computed), asBuffer(s)) <= 0 ? [computed, s] : [s, computed];
    pair.set(a, 0);
    pair.set(b, 32);
    computed = keccak(pair);
  }
  return bytesToHexFast(computed);
}
