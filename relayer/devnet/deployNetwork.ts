import type { Address } from "viem";
import NsfNetwork from "../../ignition/modules/NsfNetwork.js";
import type {
  ClauseRegistry,
  DisputeResolver,
  JobRouter,
  JurisdictionRegistry,
  NSFAccessManager,
  NodeRegistry,
  RollupAnchor,
} from "../../typechain-types/index.js";
import type { DevConnection } from "./connection.js";

export type NetworkContracts = {
  accessManager: NSFAccessManager;
  jurisdictionRegistry: JurisdictionRegistry;
  clauseRegistry: ClauseRegistry;
  nodeRegistry: NodeRegistry;
  jobRouter: JobRouter;
  rollupAnchor: RollupAnchor;
  disputeResolver: DisputeResolver;
};

export type DeployedNetwork = {
  chainId: bigint;
  contracts: NetworkContracts;
  addresses: Record<keyof NetworkContracts, Address>;
};

export type DeployNetworkOptions = {
  maxAttestationSeconds?: bigint;
  epochSeconds?: bigint;
  maxJobWindowSeconds?: bigint;
  /** Ignition's journal id on a non-simulated network (ignition/deployments/<id>); default chain-<chainId>. */
  deploymentId?: string;
};

/** Deploys (or, on a chain Ignition already deployed to, reuses) the network contracts. */
export async function deployNetwork(connection: DevConnection, options: DeployNetworkOptions = {}): Promise<DeployedNetwork> {
  const { deploymentId, ...moduleOptions } = options;
  const parameters: Record<string, bigint> = {};
  for (const [key, value] of Object.entries(moduleOptions)) if (value !== undefined) parameters[key] = value;
  const deployed = await connection.ignition.deploy(NsfNetwork, {
    parameters: { NsfNetwork: parameters },
    displayUi: false,
    ...(deploymentId ? { deploymentId } : {}),
  });
  const contracts = deployed as unknown as NetworkContracts;
  const addresses = {} as Record<keyof NetworkContracts, Address>;
  for (const [name, contract] of Object.entries(contracts)) {
    addresses[name as keyof NetworkContracts] = (await contract.getAddress()) as Address;
  }
  const { chainId } = await connection.ethers.provider.getNetwork();
  return { chainId, contracts, addresses };
}

const ARTIFACTS: Record<keyof NetworkContracts, string> = {
  accessManager: "NSFAccessManager",
  jurisdictionRegistry: "JurisdictionRegistry",
  clauseRegistry: "ClauseRegistry",
  nodeRegistry: "NodeRegistry",
  jobRouter: "JobRouter",
  rollupAnchor: "RollupAnchor",
  disputeResolver: "DisputeResolver",
};

/** The network contracts already deployed at `addresses` (e.g. read from a dev deployment file). */
export async function attachNetwork(connection: DevConnection, addresses: Record<keyof NetworkContracts, Address>): Promise<DeployedNetwork> {
  const contracts = {} as Record<keyof NetworkContracts, unknown>;
  for (const [name, artifact] of Object.entries(ARTIFACTS) as [keyof NetworkContracts, string][]) {
    contracts[name] = await connection.ethers.getContractAt(artifact, addresses[name]);
  }
  const { chainId } = await connection.ethers.provider.getNetwork();
  return { chainId, contracts: contracts as NetworkContracts, addresses };
}
