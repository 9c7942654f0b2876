import type { Signer } from "ethers";
import type { Address } from "viem";
import { NsfError } from "../../core/errors/NsfError.js";
import type { DevConnection } from "../../devnet/connection.js";
import { attachDao, type Dao } from "../../devnet/dao.js";
import { attachNetwork, type DeployedNetwork, type NetworkContracts } from "../../devnet/deployNetwork.js";
import { readDevDeployment, type DevDeployment } from "../../devnet/devDeployment.js";

export type DevDeploymentConnection = { deployment: DevDeployment; connection: DevConnection; network: DeployedNetwork; dao: Dao };

const NETWORK_CONTRACTS = ["accessManager", "jurisdictionRegistry", "clauseRegistry", "nodeRegistry", "jobRouter", "rollupAnchor", "disputeResolver"] as const;

/**
 * Connects to a running dev network described by `nsf dev`'s deployment file, with one of its DAOs attached
 * (voters: the node's unlocked accounts holding that DAO's votes). Local development chains only.
 */
export async function connectDevDeployment(options: { deployment: string; dao: string }): Promise<DevDeploymentConnection> {
  const deployment = await readDevDeployment(options.deployment);
  const entry = deployment.daos.find((d) => d.name === options.dao);
  if (!entry) throw new NsfError("NSF_CLI_UNKNOWN_DAO", { shortMessage: `no DAO named ${options.dao} in ${options.deployment}`, details: `known: ${deployment.daos.map((d) => d.name).join(", ")}` });
  for (const name of NETWORK_CONTRACTS) {
    if (!deployment.contracts[name]) throw new NsfError("NSF_DEPLOYMENT_INVALID", { shortMessage: `${options.deployment} lacks contracts.${name}` });
  }
  const { default: hre } = await import("hardhat");
  const connection = (await hre.network.create({ network: "localhost", override: { url: deployment.rpcUrl } })) as unknown as DevConnection;
  let chainId: bigint;
  try {
    chainId = (await connection.ethers.provider.getNetwork()).chainId;
  } catch (cause) {
    throw new NsfError("NSF_CLI_CHAIN_UNREACHABLE", { shortMessage: `the dev network at ${deployment.rpcUrl} does not answer`, details: "Is `nsf dev --keep-running` still running?", cause, retryable: true });
  }
  if (chainId !== BigInt(deployment.chainId)) throw new NsfError("NSF_DEPLOYMENT_INVALID", { shortMessage: `${deployment.rpcUrl} serves chain ${chainId}, the deployment file says ${deployment.chainId}` });
  const network = await attachNetwork(connection, deployment.contracts as Record<keyof NetworkContracts, Address>);
  const candidates = (await connection.ethers.getSigners()) as unknown as Signer[];
  const dao = await attachDao(connection, { name: entry.name, governor: entry.governor, candidates });
  if (dao.voters.length === 0) throw new NsfError("NSF_CLI_NO_VOTERS", { shortMessage: `none of the node's unlocked accounts holds ${entry.name} votes`, details: "These commands run proposals on local development chains only." });
  return { deployment, connection, network, dao };
}
