import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { concat, encodeAbiParameters, keccak256, type Address, type Hex } from "viem";

/** docs/FORMATS.md §7. */
export const LEAF_TYPES = ["bytes32", "uint64", "bytes32", "bytes32", "bytes32", "bytes32", "bytes32"] as const;

export type ExecutionLeaf = {
  jobId: Hex;
  resultSeq: bigint;
  clauseId: Hex;
  tenantId: Hex;
  inputHash: Hex;
  outputHash: Hex;
  cacSetHash: Hex;
};

export function leafValues(leaf: ExecutionLeaf): [Hex, bigint, Hex, Hex, Hex, Hex, Hex] {
  return [leaf.jobId, leaf.resultSeq, leaf.clauseId, leaf.tenantId, leaf.inputHash, leaf.outputHash, leaf.cacSetHash];
}

/** `keccak256(bytes.concat(keccak256(abi.encode(values))))`: the double hash keeps leaves apart from 64-byte internal nodes. */
export function leafHash(leaf: ExecutionLeaf): Hex {
  const encoded = encodeAbiParameters(
    LEAF_TYPES.map((type) => ({ type })),
    leafValues(leaf),
  );
  return keccak256(keccak256(encoded));
}

/** The agreeing CACs, ordered by ascending signer address, concatenated and hashed. */
export function cacSetHash(entries: readonly { signer: Address; cacDigest: Hex }[]): Hex {
  const sorted = [...entries].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : BigInt(a.signer) > BigInt(b.signer) ? 1 : 0));
  return keccak256(concat(sorted.map((e) => e.cacDigest)));
}

/**
 * docs/FORMATS.md §8: what RollupAnchor stores per batch, `lastSeq << 192 | (H(root, lastSeq) >> 64)`.
 */
export function batchCommitmentOf(root: Hex, lastSeq: bigint): Hex {
  const hash = BigInt(keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint64" }], [root, lastSeq])));
  return `0x${((lastSeq << 192n) | (hash >> 64n)).toString(16).padStart(64, "0")}`;
}

/** The genesis commitment (batch 0): batch 1 continues from root 0 and lastSeq 0. */
export const GENESIS_COMMITMENT: Hex = batchCommitmentOf(`0x${"00".repeat(32)}`, 0n);

/** Reference tree from `@openzeppelin/merkle-tree`: the compatibility oracle for our builders. */
export function referenceTree(leaves: readonly ExecutionLeaf[]): StandardMerkleTree<ReturnType<typeof leafValues>> {
  return StandardMerkleTree.of(
    leaves.map((l) => leafValues(l)),
    [...LEAF_TYPES],
  );
}
