import { BaseError, type Address, type Hex, type PublicClient } from "viem";
import { nodeRegistryAbi } from "../../core/abi/contractAbis.js";
import { ExecutorError } from "../errors/ExecutorError.js";

/**
 * Reads the hardware TEE policy id governance recorded (`NodeRegistry.teePolicy()`, set through the access manager
 * like every other NodeRegistry parameter). Read on every assessment, so a policy change takes effect at once.
 */
export function createGovernedTeePolicyReader(parameters: { client: Pick<PublicClient, "readContract">; nodeRegistry: Address }): () => Promise<Hex> {
  const { client, nodeRegistry } = parameters;
  return async () => {
    try {
      return (await client.readContract({ address: nodeRegistry, abi: nodeRegistryAbi, functionName: "teePolicy" })).toLowerCase() as Hex;
    } catch (cause) {
      throw new ExecutorError("CHAIN_UNAVAILABLE", `NodeRegistry.teePolicy failed${cause instanceof BaseError ? `: ${cause.shortMessage}` : ""}`, { cause });
    }
  };
}
