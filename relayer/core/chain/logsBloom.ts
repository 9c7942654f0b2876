import { hexToBytes, keccak256, type Hex } from "viem";

/**
 * Whether a block's 2048-bit logs bloom (Yellow Paper §4.3.1, M3:2048) may contain every one of `items` (an
 * emitting address, topics). False means certainly absent; true means present or a false positive.
 */
export function bloomMayContain(logsBloom: Hex, items: readonly Hex[]): boolean {
  const bloom = hexToBytes(logsBloom);
  if (bloom.length !== 256) return true; // not a bloom we can read: claim nothing
  for (const item of items) {
    const hash = hexToBytes(keccak256(item));
    for (let i = 0; i < 6; i += 2) {
      const bit = ((hash[i]! << 8) | hash[i + 1]!) & 2047;
      if ((bloom[255 - (bit >> 3)]! & (1 << (bit & 7))) === 0) return false;
    }
  }
  return true;
}
