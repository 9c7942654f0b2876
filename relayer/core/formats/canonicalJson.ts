import canonicalize from "canonicalize";
import { keccak256, toBytes, type Hex } from "viem";
import { bytesToHexFast, type Keccak } from "../batching/hashing.js";
import { InvalidFormatError } from "../errors/NsfError.js";

/** RFC 8785 (JCS) — the only JSON encoding we ever hash. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new InvalidFormatError("canonical JSON input", value, "a JSON value (no undefined, functions or symbols)");
  return text;
}

const utf8 = new TextEncoder();

/** `keccak256(utf8(JCS(value)))`; `keccak` replaces viem's pure-JS one (e.g. the WASM one on a hot path). */
export const canonicalJsonHash = (value: unknown, keccak?: Keccak): Hex =>
  keccak ? bytesToHexFast(keccak(utf8.encode(canonicalJson(value)))) : keccak256(toBytes(canonicalJson(value)));
