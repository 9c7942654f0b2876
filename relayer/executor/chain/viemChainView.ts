import { BaseError, ContractFunctionRevertedError, type Address, type Hex, type PublicClient } from "viem";
import { ExecutorError } from "../errors/ExecutorError.js";
import type { ChainView, RegisteredClause } from "./ChainView.js";

/**
 * Hand-written ABI fragments: only the views the node reads. The tuple mirrors
 * `IClauseRegistry.ClauseVersion` field for field (including `domain`), because ABI decoding of a struct
 * with a dynamic member depends on every static field before it.
 */
export const clauseRegistryViewAbi = [
  {
    type: "function",
    name: "getClause",
    stateMutability: "view",
    inputs: [{ name: "clauseId", type: "bytes32" }],
    outputs: [
      {
        name: "",
        type: "tuple",
        components: [
          { name: "owner", type: "address" },
          { name: "version", type: "uint48" },
          { name: "model", type: "uint8" },
          { name: "quorumK", type: "uint8" },
          { name: "quorumN", type: "uint8" },
          { name: "status", type: "uint8" },
          { name: "priority", type: "uint8" },
          { name: "policyFlags", type: "uint32" },
          { name: "validFrom", type: "uint64" },
          { name: "validUntil", type: "uint64" },
          { name: "codeHash", type: "bytes32" },
          { name: "configDigest", type: "bytes32" },
          { name: "parent", type: "bytes32" },
          { name: "line", type: "bytes32" },
          { name: "domain", type: "bytes32" },
          { name: "jurisdictions", type: "bytes3[]" },
        ],
      },
    ],
  },
  { type: "error", name: "ClauseRegistryUnknownClause", inputs: [{ name: "clauseId", type: "bytes32" }] },
] as const;

export const nodeRegistryViewAbi = [
  { type: "function", name: "isScheduler", stateMutability: "view", inputs: [{ name: "scheduler", type: "address" }], outputs: [{ name: "", type: "bool" }] },
] as const;

export type ViemChainViewParameters = {
  /** The client is the first dependency (viem's habit); it owns transport, retries and timeouts. */
  client: Pick<PublicClient, "readContract" | "getBlock">;
  clauseRegistry: Address;
  nodeRegistry: Address;
};

/** `ChainView` over RPC: ClauseRegistry.getClause, NodeRegistry.isScheduler, latest block timestamp. */
export function createViemChainView(parameters: ViemChainViewParameters): ChainView {
  const { client, clauseRegistry, nodeRegistry } = parameters;
  return {
    async chainTime() {
      try {
        return (await client.getBlock({ blockTag: "latest" })).timestamp;
      } catch (cause) {
        throw unavailable("eth_getBlockByNumber(latest)", cause);
      }
    },
    async isScheduler(address) {
      try {
        return await client.readContract({ address: nodeRegistry, abi: nodeRegistryViewAbi, functionName: "isScheduler", args: [address] });
      } catch (cause) {
        throw unavailable("NodeRegistry.isScheduler", cause);
      }
    },
    async getClause(clauseId: Hex): Promise<RegisteredClause | undefined> {
      try {
        const clause = await client.readContract({ address: clauseRegistry, abi: clauseRegistryViewAbi, functionName: "getClause", args: [clauseId] });
        if (clause.status === 0) return undefined;
        return { codeHash: clause.codeHash, configDigest: clause.configDigest, version: clause.version, status: clause.status };
      } catch (cause) {
        // An unknown clause is an answer, not an outage: decode the custom error rather than match text.
        const reverted = cause instanceof BaseError ? cause.walk((e) => e instanceof ContractFunctionRevertedError) : undefined;
        if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName === "ClauseRegistryUnknownClause") return undefined;
        throw unavailable("ClauseRegistry.getClause", cause);
      }
    },
  };
}

function unavailable(call: string, cause: unknown): ExecutorError {
  return new ExecutorError("CHAIN_UNAVAILABLE", `${call} failed${cause instanceof BaseError ? `: ${cause.shortMessage}` : ""}`, { cause });
}
