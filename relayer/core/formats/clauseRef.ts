import { keccak256, toBytes, type Hex } from "viem";
import { InvalidFormatError } from "../errors/NsfError.js";

/** A parsed clause id: `<Namespace>::<Domain>::<Name>@<Major>.<Minor>.<Patch>[-<Fork>]` (docs/FORMATS.md §1). */
export type ClauseRef = {
  namespace: string;
  domain: string;
  name: string;
  major: number;
  minor: number;
  patch: number;
  fork: string;
};

const PART = /^[A-Za-z0-9_]{1,32}$/;
const FORK = /^[A-Za-z0-9]{1,16}$/;
const NUMBER = /^(0|[1-9][0-9]{0,4})$/;
const ID = /^([^:@]+)::([^:@]+)::([^:@]+)@([0-9]+)\.([0-9]+)\.([0-9]+)(?:-([^-]+))?$/;

export function parseClauseId(id: string): ClauseRef {
  const match = ID.exec(id);
  if (!match) {
    throw new InvalidFormatError("clause id", id, "expected <Namespace>::<Domain>::<Name>@<Major>.<Minor>.<Patch>[-<Fork>]");
  }
  const [, namespace, domain, name, major, minor, patch, fork] = match as unknown as [string, string, string, string, string, string, string, string | undefined];
  for (const [label, part] of [["namespace", namespace], ["domain", domain], ["name", name]] as const) {
    if (!PART.test(part)) throw new InvalidFormatError(`clause ${label}`, part, "1-32 characters of [A-Za-z0-9_]");
  }
  if (fork !== undefined && !FORK.test(fork)) throw new InvalidFormatError("clause fork tag", fork, "1-16 characters of [A-Za-z0-9]");
  const version = [major, minor, patch].map((n) => {
    if (!NUMBER.test(n) || Number(n) > 0xffff) throw new InvalidFormatError("clause version number", n, "0-65535 without leading zeros");
    return Number(n);
  }) as [number, number, number];
  return { namespace, domain, name, major: version[0], minor: version[1], patch: version[2], fork: fork ?? "" };
}

export function formatClauseId(ref: ClauseRef): string {
  const base = `${ref.namespace}::${ref.domain}::${ref.name}@${ref.major}.${ref.minor}.${ref.patch}`;
  return ref.fork ? `${base}-${ref.fork}` : base;
}

/** `clauseId = keccak256(utf8(id))`; the id is validated first so a typo never becomes a valid-looking hash. */
export function clauseIdOf(id: string): Hex {
  return keccak256(toBytes(formatClauseId(parseClauseId(id))));
}

/** `major << 32 | minor << 16 | patch` as a uint48. */
export function packClauseVersion(ref: Pick<ClauseRef, "major" | "minor" | "patch">): number {
  return ref.major * 2 ** 32 + ref.minor * 2 ** 16 + ref.patch;
}

export function unpackClauseVersion(version: number | bigint): { major: number; minor: number; patch: number } {
  const v = BigInt(version);
  if (v < 0n || v >= 1n << 48n) throw new InvalidFormatError("clause version", version, "a uint48");
  return { major: Number(v >> 32n), minor: Number((v >> 16n) & 0xffffn), patch: Number(v & 0xffffn) };
}

/** All versions of one line (same namespace, domain, name and fork tag) share one owning DAO. */
export function clauseLineOf(ref: ClauseRef): Hex {
  const line = `${ref.namespace}::${ref.domain}::${ref.name}${ref.fork ? `-${ref.fork}` : ""}`;
  return keccak256(toBytes(line));
}
