import type { Hex } from "viem";
import { cacSetHash, type ExecutionLeaf } from "../formats/leaf.js";
import type { AgreedResult } from "../results/AgreedResult.js";
import { nobleKeccak, writeHex, writeUint, bytesToHexFast, type Keccak } from "./hashing.js";

/** The leaf of one agreed result at its assigned sequence (docs/FORMATS.md §7). */
export function leafOfResult(result: Pick<AgreedResult, "jobId" | "clauseId" | "tenantId" | "inputHash" | "outputHash" | "cacs">, resultSeq: bigint): ExecutionLeaf {
  return {
    jobId: result.jobId,
    resultSeq,
    clauseId: result.clauseId,
    tenantId: result.tenantId,
    inputHash: result.inputHash,
    outputHash: result.outputHash,
    cacSetHash: cacSetHash(result.cacs.map((c) => ({ signer: c.signer, cacDigest: c.digest }))),
  };
}

/**
 * `keccak256(keccak256(abi.encode(values)))` written straight into 224 bytes: the same bytes as
 * `leafHash` in relayer/core/formats/leaf.ts (the tests compare both), without the generic ABI encoder.
 */
export function leafHashBytes(leaf: ExecutionLeaf, keccak: Keccak = nobleKeccak): Uint8Array {
  const buf = new Uint8Array(224);
  writeHex(buf, 0, leaf.jobId);
  if (leaf.resultSeq >= 1n << 64n || leaf.resultSeq < 0n) throw new RangeError("resultSeq is not a uint64");
  writeUint(buf, 32, leaf.resultSeq);
  writeHex(buf, 64, leaf.clauseId);
  writeHex(buf, 96, leaf.tenantId);
  writeHex(buf, 128, leaf.inputHash);
  writeHex(buf, 160, leaf.outputHash);
  writeHex(buf, 192, leaf.cacSetHash);
  return keccak(keccak(buf));
}

export const fastLeafHash = (leaf: ExecutionLeaf, keccak: Keccak = nobleKeccak): Hex => bytesToHexFast(leafHashBytes(leaf, keccak));
