import type { Hex } from "viem";
import { InvalidFormatError } from "../errors/NsfError.js";
import type { BatchHeader } from "../formats/eip712.js";
import { lastSeqOfCommitment } from "./resultSequence.js";

export type BatchHeaderInput = {
  batchSeq: bigint;
  /** The stored commitment of batch `batchSeq − 1` (docs/FORMATS.md §8); binds its root and lastSeq. */
  prevCommitment: Hex;
  /** Number of results in the batch. */
  count: bigint;
  root: Hex;
  bundleHash: Hex;
  /** The aggregator quorum's config digest in force (docs/FORMATS.md §3). */
  configDigest: Hex;
};

const ZERO = /^0x0{64}$/;

/**
 * The signed BatchHeader (docs/FORMATS.md §4) with every derived field derived the way RollupAnchor
 * derives it: firstSeq = lastSeq(prevCommitment) + 1, lastSeq = firstSeq + count − 1.
 */
export function buildBatchHeader(input: BatchHeaderInput): BatchHeader {
  if (input.batchSeq < 1n) throw new InvalidFormatError("batchSeq", input.batchSeq, "at least 1 (0 is genesis)");
  if (ZERO.test(input.prevCommitment)) throw new InvalidFormatError("prevCommitment", input.prevCommitment, "the non-zero commitment of batch batchSeq - 1");
  if (ZERO.test(input.root)) throw new InvalidFormatError("root", input.root, "non-zero (a zero root is never accepted)");
  if (input.count < 1n) throw new InvalidFormatError("count", input.count, "at least one result");
  const firstSeq = lastSeqOfCommitment(input.prevCommitment) + 1n;
  const lastSeq = firstSeq + input.count - 1n;
  return {
    batchSeq: input.batchSeq,
    firstSeq,
    lastSeq,
    count: input.count,
    root: input.root,
    prevCommitment: input.prevCommitment,
    bundleHash: input.bundleHash,
    configDigest: input.configDigest,
  };
}

/** The part of the header `RollupAnchor.anchor` takes in calldata (the rest is derived on-chain). */
export function anchorHeaderArg(header: BatchHeader): { batchSeq: bigint; lastSeq: bigint; root: Hex; bundleHash: Hex } {
  return { batchSeq: header.batchSeq, lastSeq: header.lastSeq, root: header.root, bundleHash: header.bundleHash };
}
