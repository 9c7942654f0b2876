import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { BaseError, createPublicClient, getAddress, http, HttpRequestError, TimeoutError, type Abi, type Address, type Hex, type PublicClient } from "viem";
import { NsfError } from "../../core/errors/NsfError.js";

/**
 * The explorer's read-only view of the chain: one viem client on the public RPC endpoint, the deployment's
 * addresses and the contracts' full ABIs from the Hardhat artifacts (events the hand-written fragments in
 * relayer/core/abi/contractAbis.ts do not carry: Governor, timelock, clause registry, disputes).
 */
export type ExplorerContracts = {
  clauseRegistry: Address;
  nodeRegistry: Address;
  jobRouter: Address;
  rollupAnchor: Address;
  disputeResolver: Address | null;
  jurisdictionRegistry: Address | null;
};

const ARTIFACT_PATHS = {
  ClauseRegistry: "ClauseRegistry.sol/ClauseRegistry.json",
  NodeRegistry: "NodeRegistry.sol/NodeRegistry.json",
  JobRouter: "JobRouter.sol/JobRouter.json",
  RollupAnchor: "RollupAnchor.sol/RollupAnchor.json",
  DisputeResolver: "governance/DisputeResolver.sol/DisputeResolver.json",
  JurisdictionRegistry: "governance/JurisdictionRegistry.sol/JurisdictionRegistry.json",
  NSFGovernor: "governance/NSFGovernor.sol/NSFGovernor.json",
  NSFTimelock: "governance/NSFTimelock.sol/NSFTimelock.json",
} as const;

export type ExplorerAbis = Record<keyof typeof ARTIFACT_PATHS, Abi>;

/** Reads the ABIs from `<root>/artifacts/contracts/`; a typed error when the contracts are not built. */
export function loadExplorerAbis(root: string): ExplorerAbis {
  const abis = {} as Record<string, Abi>;
  for (const [name, file] of Object.entries(ARTIFACT_PATHS)) {
    const full = path.join(root, "artifacts", "contracts", file);
    if (!existsSync(full)) {
      throw new NsfError("NSF_EXPLORER_ARTIFACTS_MISSING", {
        shortMessage: `the compiled ABI of ${name} is missing (${path.relative(root, full)})`,
        details: "Build the contracts first: npx hardhat build (nsf dev does it).",
      });
    }
    abis[name] = (JSON.parse(readFileSync(full, "utf8")) as { abi: Abi }).abi;
  }
  return abis as ExplorerAbis;
}

export type ExplorerChain = {
  client: PublicClient;
  contracts: ExplorerContracts;
  abis: ExplorerAbis;
  /** First block searched for events. */
  fromBlock: bigint;
  /** A block's timestamp (seconds), cached: blocks never change below the head on the chains the explorer reads. */
  blockTime(blockNumber: bigint): Promise<number>;
};

export function createExplorerChain(parameters: { rpcUrl: string; contracts: ExplorerContracts; abis: ExplorerAbis; fromBlock?: bigint; timeoutMs?: number }): ExplorerChain {
  const client = createPublicClient({ transport: http(parameters.rpcUrl, { timeout: parameters.timeoutMs ?? 10_000, retryCount: 0 }), cacheTime: 0 }) as PublicClient;
  const times = new Map<bigint, Promise<number>>();
  return {
    client,
    contracts: parameters.contracts,
    abis: parameters.abis,
    fromBlock: parameters.fromBlock ?? 0n,
    blockTime(blockNumber) {
      let time = times.get(blockNumber);
      if (!time) {
        time = client.getBlock({ blockNumber }).then((b) => Number(b.timestamp));
        time.catch(() => times.delete(blockNumber));
        times.set(blockNumber, time);
      }
      return time;
    },
  };
}

/** An RPC endpoint that could not be read (down, refused, timed out): the page says so instead of going blank. */
export class ExplorerSourceError extends NsfError {
  override readonly name = "ExplorerSourceError";
  constructor(
    readonly source: "rpc" | "gateway" | "relayer",
    shortMessage: string,
    cause?: unknown,
  ) {
    super(source === "rpc" ? "NSF_EXPLORER_RPC_UNREACHABLE" : source === "gateway" ? "NSF_EXPLORER_GATEWAY_UNREACHABLE" : "NSF_EXPLORER_RELAYER_UNREACHABLE", { shortMessage, retryable: true, cause });
  }
}

/** Wraps an RPC read: transport failures become `ExplorerSourceError("rpc")`; contract errors pass through. */
export async function rpc<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof BaseError && (error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError) || /fetch failed|ECONNREFUSED/.test(error.message))) {
      throw new ExplorerSourceError("rpc", `the RPC endpoint could not be read (${what}): ${error.shortMessage}`, error);
    }
    throw error;
  }
}

/** The chain's latest block: its number is the page's "now" in blocks, its timestamp the chain time attestation freshness is measured at. */
export const chainHead = (chain: ExplorerChain) => rpc("latest block", () => chain.client.getBlock({ blockTag: "latest" }));

export const TEE_TYPES = ["None", "Simulated", "IntelSgx", "IntelTdx", "AmdSevSnp", "AwsNitro"] as const;
export const NODE_STATUSES = ["None", "Active", "Revoked", "Ejected", "Deregistered"] as const;
export const CLAUSE_STATUSES = ["None", "Active", "Paused", "Frozen", "Deprecated"] as const;
export const nameOf = (names: readonly string[], value: unknown): string => names[Number(value)] ?? `#${String(value)}`;

/** bytes3 → "KEN"; unprintable values keep their hex. */
export function jurisdictionText(value: Hex): string {
  const text = Buffer.from(value.slice(2), "hex").toString("latin1");
  return /^[A-Z]{3}$/.test(text) ? text : value;
}

export const checksum = (a: string): Address => getAddress(a);

/** A decoded log's args as a plain record (artifact ABIs are not const-typed). */
export const argsOf = (log: { args?: unknown }): Record<string, unknown> => (log.args ?? {}) as Record<string, unknown>;
