import { InvalidFormatError } from "../errors/NsfError.js";

/**
 * Result sequences (docs/FORMATS.md §7): a global counter over anchored results, starting at 1. Batch n
 * holds exactly `firstSeq..lastSeq`, and its firstSeq is batch n−1's lastSeq + 1 (RollupAnchor derives it
 * from the stored commitment, so a gap or an overlap can never be anchored).
 */
export type SeqRange = { firstSeq: bigint; lastSeq: bigint; count: bigint };

/** The range of the next batch of `count` results after a batch whose lastSeq is `previousLastSeq`. */
export function nextSeqRange(previousLastSeq: bigint, count: number): SeqRange {
  if (previousLastSeq < 0n) throw new InvalidFormatError("previous lastSeq", previousLastSeq, "a uint64");
  if (!Number.isInteger(count) || count < 1) throw new InvalidFormatError("batch size", count, "at least one result");
  const firstSeq = previousLastSeq + 1n;
  const lastSeq = previousLastSeq + BigInt(count);
  if (lastSeq >= 1n << 64n) throw new InvalidFormatError("lastSeq", lastSeq, "a uint64");
  return { firstSeq, lastSeq, count: BigInt(count) };
}

/**
 * Assigns contiguous sequences, in the given order, to the results of one batch: the i-th item gets
 * `previousLastSeq + 1 + i`. Job ids must be distinct (one leaf per execution id, invariant 4).
 */
export function assignResultSeqs<T extends { jobId: string }>(previousLastSeq: bigint, items: readonly T[]): { range: SeqRange; assigned: { item: T; resultSeq: bigint }[] } {
  const range = nextSeqRange(previousLastSeq, items.length);
  const seen = new Set<string>();
  const assigned = items.map((item, i) => {
    const key = item.jobId.toLowerCase();
    if (seen.has(key)) throw new InvalidFormatError("batch job ids", item.jobId, "distinct: one leaf per execution id");
    seen.add(key);
    return { item, resultSeq: range.firstSeq + BigInt(i) };
  });
  return { range, assigned };
}

/** The lastSeq a stored batch commitment carries in its top 64 bits (docs/FORMATS.md §8). */
export function lastSeqOfCommitment(commitment: string): bigint {
  return BigInt(commitment) >> 192n;
}
