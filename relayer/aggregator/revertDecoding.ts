import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Abi, type Hex } from "viem";
import { rollupAnchorAbi } from "../core/abi/contractAbis.js";

/**
 * The full ABIs from the Hardhat artifacts, for decoding reverts into custom-error names (RollupAnchor's ABI
 * carries QuorumVerifier's and NodeRegistry-facing errors too). Artifacts exist after `hardhat build`; without
 * them decoding falls back to the hand-written fragment's errors (relayer/core/abi/contractAbis.ts).
 */

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
