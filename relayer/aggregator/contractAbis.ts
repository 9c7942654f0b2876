import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Abi, type Hex } from "viem";

/**
 * Hand-written fragments for what the aggregator calls (typed reads and the anchor call), and the full
 * ABIs from the Hardhat artifacts for decoding reverts into custom-error names (RollupAnchor's ABI carries
 * QuorumVerifier's and NodeRegistry-facing errors too). Artifacts exist after `hardhat build`; without
 * them decoding falls back to the fragments' errors.
 */
export const rollupAnchorAbi = [
  { type: "function", name: "batchCommitment", stateMutability: "view", inputs: [{ name: "batchSeq", type: "uint64" }], outputs: [{ name: "", type: "bytes32" }] },
  {
    type: "function",
    name: "config",
    stateMutability: "view",
    inputs: [],
    outputs: [
      { name: "configDigest", type: "bytes32" },
      { name: "configVersion", type: "uint64" },
      { name: "threshold", type: "uint8" },
      { name: "signers", type: "address[]" },
    ],
  },
  {
    type: "function",
    name: "anchor",
    stateMutability: "nonpayable",
    inputs: [
      {
        name: "header",
        type: "tuple",
        components: [
          { name: "batchSeq", type: "uint64" },
          { name: "lastSeq", type: "uint64" },
          { name: "root", type: "bytes32" },
          { name: "bundleHash", type: "bytes32" },
        ],
      },
      { name: "arweaveTxId", type: "bytes32" },
      {
        name: "quorum",
        type: "tuple",
        components: [
          { name: "configVersion", type: "uint64" },
          { name: "threshold", type: "uint8" },
          { name: "signerBitmap", type: "uint256" },
          { name: "packed", type: "bytes" },
        ],
      },
    ],
    outputs: [],
  },
  { type: "error", name: "RollupAnchorBatchAlreadyAnchored", inputs: [{ name: "batchSeq", type: "uint64" }] },
  { type: "error", name: "RollupAnchorPreviousBatchMissing", inputs: [{ name: "batchSeq", type: "uint64" }] },
  { type: "error", name: "RollupAnchorInvalidRange", inputs: [{ name: "firstSeq", type: "uint64" }, { name: "lastSeq", type: "uint64" }] },
  { type: "error", name: "RollupAnchorZeroRoot", inputs: [] },
] as const;

export const nodeRegistryAbi = [
  { type: "function", name: "isActiveAt", stateMutability: "view", inputs: [{ name: "enclaveKey", type: "address" }, { name: "time", type: "uint64" }], outputs: [{ name: "", type: "bool" }] },
  {
    type: "function",
    name: "getNode",
    stateMutability: "view",
    inputs: [{ name: "enclaveKey", type: "address" }],
    outputs: [
      {
        name: "",
        type: "tuple",
        components: [
          { name: "attestedAt", type: "uint64" },
          { name: "attestedUntil", type: "uint64" },
          { name: "status", type: "uint8" },
          { name: "teeType", type: "uint8" },
          { name: "jurisdiction", type: "bytes3" },
          { name: "sovereign", type: "bool" },
          { name: "activeSince", type: "uint64" },
          { name: "operator", type: "address" },
          { name: "measurement", type: "bytes32" },
          { name: "attestationId", type: "bytes32" },
        ],
      },
    ],
  },
] as const;

const root = fileURLToPath(new URL("../../", import.meta.url));
const cache = new Map<string, Abi>();

/** The full ABI of a compiled project contract, or undefined when artifacts are not built. */
export function artifactAbi(contract: "RollupAnchor" | "NodeRegistry" | "ClauseRegistry"): Abi | undefined {
  const cached = cache.get(contract);
  if (cached) return cached;
  const file = `${root}artifacts/contracts/${contract}.sol/${contract}.json`;
  if (!existsSync(file)) return undefined;
  const abi = (JSON.parse(readFileSync(file, "utf8")) as { abi: Abi }).abi;
  cache.set(contract, abi);
  return abi;
}

/** The custom-error name (and args) of a revert, from a viem error or raw revert data; undefined if none. */
export function decodeRevert(error: unknown): { name: string; args: readonly unknown[] } | undefined {
  const abi = [...(artifactAbi("RollupAnchor") ?? rollupAnchorAbi)] as Abi;
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
    if (reverted?.data?.errorName) return { name: reverted.data.errorName, args: reverted.data.args ?? [] };
    const raw = error.walk((e) => typeof (e as { data?: unknown }).data === "string") as { data?: Hex } | null;
    if (raw?.data) return decodeData(abi, raw.data);
  }
  return undefined;
}

function decodeData(abi: Abi, data: Hex): { name: string; args: readonly unknown[] } | undefined {
  try {
    const decoded = decodeErrorResult({ abi, data });
    return { name: decoded.errorName, args: (decoded.args ?? []) as readonly unknown[] };
  } catch {
    return undefined;
  }
}
