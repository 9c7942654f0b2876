import { keccak256, toBytes, type Account, type Address, type Chain, type PublicClient, type Transport, type WalletClient } from "viem";
import { jobRouterAbi } from "../core/abi/contractAbis.js";
import type { FaultReporter } from "../pipeline/FaultReporter.js";

/**
 * The on-chain FaultReporter: `JobRouter.reportFailure(jobId, keccak256(code), suspend = true)` from an account
 * network governance granted the failure-reporter role (AccessManager, `Roles.FaultReporter`). It waits for the
 * receipt, so a reverted report (no role, job already expired) surfaces as an error to the caller.
 */
export function createChainFaultReporter(parameters: {
  wallet: WalletClient<Transport, Chain, Account>;
  client: Pick<PublicClient, "waitForTransactionReceipt">;
  jobRouter: Address;
}): FaultReporter {
  return {
    async reportWorkloadFault(fault) {
      const hash = await parameters.wallet.writeContract({
        address: parameters.jobRouter,
        abi: jobRouterAbi,
        functionName: "reportFailure",
        args: [fault.jobId, keccak256(toBytes(fault.code)), true],
      });
      const receipt = await parameters.client.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`JobRouter.reportFailure reverted in ${hash}`);
    },
  };
}
