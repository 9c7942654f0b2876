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

/** Reference tree from `@openzeppelin/merkle-tree`: the compatibility oracle for our builders. */
export function referenceTree(leaves: readonly ExecutionLeaf[]): StandardMerkleTree<ReturnType<typeof leafValues>> {
  return StandardMerkleTree.of(
    leaves.map((l) => leafValues(l)),
    [...LEAF_TYPES],
  );
}
