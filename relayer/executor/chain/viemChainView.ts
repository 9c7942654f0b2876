import { BaseError, ContractFunctionRevertedError, type Address, type Hex, type PublicClient } from "viem";
import { clauseRegistryViewAbi, nodeRegistryAbi } from "../../core/abi/contractAbis.js";
import { ExecutionModel } from "../../core/formats/enums.js";
import { readZkBinding } from "../../chain/readZkBinding.js";
import { ExecutorError } from "../errors/ExecutorError.js";
import type { ChainView, NodeRegistration, RegisteredClause } from "./ChainView.js";





export type ViemChainViewParameters = {
  /** The client is the first dependency (viem's habit); it owns transport, retries and timeouts. */
  client: Pick<PublicClient, "readContract" | "getBlock">;
  clauseRegistry: Address;
  nodeRegistry: Address;
};

/** `ChainView` over RPC: ClauseRegistry.getClause, NodeRegistry.isScheduler and getNode, latest block timestamp. */
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
        return await client.readContract({ address: nodeRegistry, abi: nodeRegistryAbi, functionName: "isScheduler", args: [address] });
      } catch (cause) {
        throw unavailable("NodeRegistry.isScheduler", cause);
      }
    },
    async getClause(clauseId: Hex): Promise<RegisteredClause | undefined> {
      try {
        const clause = await client.readContract({ address: clauseRegistry, abi: clauseRegistryViewAbi, functionName: "getClause", args: [clauseId] });
        if (clause.status === 0) return undefined;
        const registered: RegisteredClause = { codeHash: clause.codeHash, configDigest: clause.configDigest, version: clause.version, status: clause.status, model: clause.model };
        if (clause.model !== ExecutionModel.Zk) return registered;
        const zkBinding = await readZkBinding(client, clauseRegistry, clauseId);
        return zkBinding ? { ...registered, zkBinding } : registered;
      } catch (cause) {
        // An unknown clause is an answer, not an outage: decode the custom error rather than match text.
        const reverted = cause instanceof BaseError ? cause.walk((e) => e instanceof ContractFunctionRevertedError) : undefined;
        if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName === "ClauseRegistryUnknownClause") return undefined;
        throw unavailable("ClauseRegistry.getClause", cause);
      }
    },
    async getRegistration(enclaveKey: Address): Promise<NodeRegistration | undefined> {
      try {
        const node = await client.readContract({ address: nodeRegistry, abi: nodeRegistryAbi, functionName: "getNode", args: [enclaveKey] });
        if (node.status === 0) return undefined;
        const { status, teeType, measurement, attestationId, attestedAt, attestedUntil } = node;
        return { status, teeType, measurement: measurement.toLowerCase() as Hex, attestationId: attestationId.toLowerCase() as Hex, attestedAt, attestedUntil };
      } catch (cause) {
        throw unavailable("NodeRegistry.getNode", cause);
      }
    },
  };
}

function unavailable(call: string, cause: unknown): ExecutorError {
  return new ExecutorError("CHAIN_UNAVAILABLE", `${call} failed${cause instanceof BaseError ? `: ${cause.shortMessage}` : ""}`, { cause });
}
