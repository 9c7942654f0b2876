import { BaseError, ContractFunctionRevertedError, type Address, type Hex, type PublicClient } from "viem";
import { clauseRegistryViewAbi } from "../core/abi/contractAbis.js";

export type ZkBinding = { circuitHash: Hex; vkeyHash: Hex; verifier: Address };

/**
 * `ClauseRegistry.getZkBinding` (docs/FORMATS.md §18) for a clause version of model Zk; undefined while its owner
 * has not bound a circuit (`ClauseRegistryZkBindingNotSet` is an answer, not an outage). Other failures are
 * thrown as they come, for each reader to type as its own chain-unavailable error.
 */
export async function readZkBinding(client: Pick<PublicClient, "readContract">, clauseRegistry: Address, clauseId: Hex, blockNumber?: bigint): Promise<ZkBinding | undefined> {
  try {
    const binding = await client.readContract({ address: clauseRegistry, abi: clauseRegistryViewAbi, functionName: "getZkBinding", args: [clauseId], ...(blockNumber !== undefined ? { blockNumber } : {}) });
    return { circuitHash: binding.circuitHash.toLowerCase() as Hex, vkeyHash: binding.vkeyHash.toLowerCase() as Hex, verifier: binding.verifier };
  } catch (cause) {
    const reverted = cause instanceof BaseError ? cause.walk((e) => e instanceof ContractFunctionRevertedError) : undefined;
    if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName === "ClauseRegistryZkBindingNotSet") return undefined;
    throw cause;
  }
}
