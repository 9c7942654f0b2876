import type { Hex } from "viem";

/**
 * Pure arithmetic of the chain watcher: which range to read next, how deep is deep enough, and where a
 * reorg forked off what we stored. No client, no timers (STYLE.md).
 */

export type StoredBlock = { number: bigint; hash: Hex };

/**
 * The next range of confirmed blocks to read: from the block after the cursor up to `head - confirmations`,
 * at most `maxRange` blocks. `undefined` when nothing new is confirmed yet.
 */
export function nextRange(parameters: { cursor: bigint | undefined; startBlock: bigint; head: bigint; confirmations: number; maxRange: number }): { from: bigint; to: bigint } | undefined {
  const { cursor, startBlock, head, confirmations, maxRange } = parameters;
  const confirmed = head - BigInt(confirmations);
  const from = cursor === undefined ? startBlock : cursor + 1n;
  if (confirmed < from) return undefined;
  const to = confirmed - from + 1n > BigInt(maxRange) ? from + BigInt(maxRange) - 1n : confirmed;
  return { from, to };
}

/** The highest block number whose hash may be forgotten: deeper than the reorg window below the head. */
export function finalizedBelow(head: bigint, finalityDepth: number): bigint {
  return head - BigInt(finalityDepth);
}

/**
 * Walks the stored (unfinalised) blocks from the highest down and returns the first one the canonical chain
 * still has with the same hash: the common ancestor. Everything above it is reorged out. `canonical(n)` is the
 * chain's hash at height n now (undefined when the chain is shorter than n, e.g. after `evm_revert`).
 * `undefined` as result means no stored block survived: the reorg is deeper than the window we keep.
 */
export async function findCommonAncestor(
  storedDescending: readonly StoredBlock[],
  canonical: (number: bigint) => Promise<Hex | undefined>,
): Promise<StoredBlock | undefined> {
  for (const stored of storedDescending) {
    const hash = await canonical(stored.number);
    if (hash !== undefined && hash.toLowerCase() === stored.hash.toLowerCase()) return stored;
  }
  return undefined;
}

/** True when the stored tip still is what the chain has at its height: no reorg below or at the cursor. */
export function tipMatches(stored: StoredBlock | undefined, canonicalHash: Hex | undefined): boolean {
  if (stored === undefined) return true;
  return canonicalHash !== undefined && canonicalHash.toLowerCase() === stored.hash.toLowerCase();
}
