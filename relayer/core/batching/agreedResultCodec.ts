import type { AgreedResult } from "../results/AgreedResult.js";

/**
 * AgreedResult ⇄ JSON text for storage. Bigints (CAC timestamps, agreedAt) are written as
 * `{ "$bigint": "<decimal>" }`, a shape no JSON value of an AgreedResult has otherwise.
 */
export function encodeAgreedResult(result: AgreedResult): string {
  return JSON.stringify(result, (_key, value: unknown) => (typeof value === "bigint" ? { $bigint: value.toString() } : value));
}

export function decodeAgreedResult(text: string): AgreedResult {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === "$bigint") return BigInt((value as { $bigint: string }).$bigint);
    }
    return value;
  }) as AgreedResult;
}
