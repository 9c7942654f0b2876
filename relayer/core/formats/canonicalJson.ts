import canonicalize from "canonicalize";
import { keccak256, toBytes, type Hex } from "viem";
import { InvalidFormatError } from "../errors/NsfError.js";

/** RFC 8785 (JCS) — the only JSON encoding we ever hash. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new InvalidFormatError("canonical JSON input", value, "a JSON value (no undefined, functions or symbols)");
  return text;
}

export const canonicalJsonHash = (value: unknown): Hex => keccak256(toBytes(canonicalJson(value)));
