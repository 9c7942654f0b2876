import type { Signer } from "ethers";
import type { Address, Hex } from "viem";
import ParametricPayoutModule from "../../ignition/modules/ParametricPayout.js";
import type { DevStablecoin, ParametricPayout } from "../../typechain-types/index.js";
import type { ExecutionProof } from "../core/batching/executionProof.js";
import { actionToBytes32 } from "../core/formats/output.js";
import { jurisdictionToBytes3 } from "../core/formats/ids.js";
import type { DevConnection } from "./connection.js";
import type { DeployedNetwork } from "./deployNetwork.js";

export type PayoutOutcome = {
  consumer: Address;
  claimTx: Hex;
  claimGas: bigint;
  paid: bigint;
  /** The custom error the second claim of the same execution reverted with (expected: ParametricPayoutAlreadyPaid). */
  secondClaim: string;
};

/**
 * The composability check end to end: a `ParametricPayout` consumer (deployed with Ignition for one clause,
 * tenant and beneficiary, funded with the dev stablecoin) pays only on a proven execution — Merkle inclusion in
 * an anchored batch plus the executor quorum's CAC signatures (RollupAnchor.verifyExecution) — and only once.
 */
export async function provePayout(
  connection: DevConnection,
  parameters: {
    network: DeployedNetwork;
    stablecoin: DevStablecoin;
    clauseId: Hex;
    dao: Address;
    jurisdiction: string;
    action: string;
    beneficiary: Signer;
    claimant: Signer;
    proof: ExecutionProof;
    maxPayout: bigint;
    deploymentId?: string;
  },
): Promise<PayoutOutcome> {
  const { network, stablecoin, proof } = parameters;
  const beneficiary = (await parameters.beneficiary.getAddress()) as Address;
  const deployed = (await connection.ignition.deploy(ParametricPayoutModule, {
    parameters: {
      ParametricPayout: {
        rollupAnchor: network.addresses.rollupAnchor,
        token: await stablecoin.getAddress(),
        clauseRegistry: network.addresses.clauseRegistry,
        clauseId: parameters.clauseId,
        dao: parameters.dao,
        jurisdiction: jurisdictionToBytes3(parameters.jurisdiction),
        beneficiary,
        action: actionToBytes32(parameters.action),
        maxPayout: parameters.maxPayout,
        requireInCountry: true,
      },
    },
    displayUi: false,
    ...(parameters.deploymentId ? { deploymentId: parameters.deploymentId } : {}),
  })) as unknown as { payout: ParametricPayout };
  const payout = deployed.payout.connect(parameters.claimant);
  const consumer = (await payout.getAddress()) as Address;
  // The DAO funds its consumer; DevStablecoin is mintable by anyone (development only).
  await (await stablecoin.mint(consumer, parameters.maxPayout)).wait();

  const args = [proof.batch, proof.leaf, proof.proof, proof.executors, proof.output] as const;
  const before = await stablecoin.balanceOf(beneficiary);
  const receipt = (await (await payout.claim(...args)).wait())!;
  const paid = (await stablecoin.balanceOf(beneficiary)) - before;
  let secondClaim = "accepted";
  try {
    await payout.claim.staticCall(...args);
  } catch (error) {
    secondClaim = revertName(error, payout) ?? "reverted";
  }
  return { consumer, claimTx: receipt.hash as Hex, claimGas: receipt.gasUsed, paid, secondClaim };
}

/** The custom error a consumer call reverted with, by name (ethers' decoded `revert`, else the raw data parsed). */
export function revertName(error: unknown, contract: { interface: { parseError(data: string): { name: string } | null } }): string | undefined {
  const e = error as { revert?: { name?: string }; data?: string };
  if (e.revert?.name) return e.revert.name;
  if (typeof e.data === "string") {
    try {
      return contract.interface.parseError(e.data)?.name;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
