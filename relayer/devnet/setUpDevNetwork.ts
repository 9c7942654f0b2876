import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Signer } from "ethers";
import type { Address, Hex } from "viem";
import DevAssetsModule from "../../ignition/modules/DevAssets.js";
import type { DevPriceFeed, DevStablecoin } from "../../typechain-types/index.js";
import { clauseIdOf } from "../core/formats/clauseRef.js";
import { PolicyFlag, PriorityClass } from "../core/formats/enums.js";
import { jurisdictionToBytes3, tenantIdOf } from "../core/formats/ids.js";
import { loadBuiltClause } from "../executor/clauseStore/loadBuiltClause.js";
import { bootstrapNetwork, devNetworkRoles, handOverAdmin, type NetworkRoles } from "./bootstrapNetwork.js";
import { buildClauseSpec } from "./clauseSpec.js";
import type { DevConnection } from "./connection.js";
import { deployDao, passProposal, type Dao, type PassedProposal, type ProposalAction } from "./dao.js";
import { deployNetwork, type DeployedNetwork } from "./deployNetwork.js";
import { SIMULATED_DEV_MEASUREMENT } from "./nodes.js";
import { silentProgress, type Progress } from "./progress.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const exampleClauseDir = (name: string): string => path.join(root, "clauses", "examples", name);

/** The flood clause: ReliefDAO, Kenya, 3-of-5 in-country executors, fired by a rainfall feed. */
export const FLOOD = { id: "UNDRR::Disaster::FloodPayout@1.0.0", dir: "flood-payout", jurisdiction: "KEN", quorumK: 3, quorumN: 5, thresholdTenthsMm: 1500n, insuredHouseholds: 1200n } as const;
/** The pandemic alert: HealthDAO, Uganda, 2-of-3 in-country executors, triggered by a DAO decision with an input document. */
export const PANDEMIC = { id: "WHO::Health::PandemicAlert@1.0.0", dir: "pandemic-alert", jurisdiction: "UGA", quorumK: 2, quorumN: 3 } as const;

export type DevClause = { ref: string; clauseId: Hex; codeHash: Hex; configDigest: Hex; owner: Address; proposal: PassedProposal };

export type DevAccounts = {
  deployer: Signer;
  authorities: { KEN: Signer; UGA: Signer };
  beneficiary: Signer;
  /** One operator per executor node (each pays its own registration). */
  operators: Signer[];
  /** Accounts the setup does not use (e.g. to fund the relayer's submitter). */
  spare: Signer[];
};

export type DevNetwork = {
  connection: DevConnection;
  network: DeployedNetwork;
  roles: NetworkRoles;
  accounts: DevAccounts;
  /** The block before the first deployment transaction: where a relayer starts reading. */
  startBlock: bigint;
  daos: { network: Dao; relief: Dao; health: Dao };
  tenants: { relief: { dao: Address; jurisdiction: "KEN"; tenantId: Hex }; health: { dao: Address; jurisdiction: "UGA"; tenantId: Hex } };
  feed: DevPriceFeed;
  feedAddress: Address;
  stablecoin: DevStablecoin;
  sensorTriggerId: bigint;
  clauses: { flood: DevClause; pandemic: DevClause };
};

export type SetUpDevNetworkOptions = {
  progress?: Progress;
  /** Ignition journal id (ignition/deployments/<id>) on a separately started node. */
  deploymentId?: string;
  /** Seconds between two firings of the rainfall trigger (0 lets a benchmark fire it every round). */
  sensorCooldownSeconds?: number;
  executorCount?: number;
};

/**
 * The local network `nsf dev` runs on, built the way a real one is: contracts deployed with Ignition; three
 * DAOs (OpenZeppelin Governor + Timelock: the network DAO, ReliefDAO, HealthDAO); validators, aggregators,
 * scheduler, jurisdiction authorities (KEN, UGA) and tenants configured by the deployer, whose admin role then
 * moves to the network DAO's timelock; and each tenant DAO's clause registered through a real proposal of that
 * DAO (propose → vote → queue → execute): ReliefDAO the flood payout with its rainfall sensor trigger,
 * HealthDAO the pandemic alert. Development only: simulated TEEs are allowed, the feed and stablecoin are
 * settable/mintable by anyone, and the role keys are the public dev keys.
 */
export async function setUpDevNetwork(connection: DevConnection, options: SetUpDevNetworkOptions = {}): Promise<DevNetwork> {
  const progress = options.progress ?? silentProgress;
  const deploymentId = options.deploymentId;
  const { ethers } = connection;
  const signers = (await ethers.getSigners()) as unknown as Signer[];
  const executorCount = options.executorCount ?? 7;
  const need = 4 + executorCount + 3 + 3 + 2;
  if (signers.length < need) throw new Error(`the local node offers ${signers.length} unlocked accounts; ${need} are needed`);
  const [deployer, ken, uga, beneficiary, ...rest] = signers as [Signer, Signer, Signer, Signer, ...Signer[]];
  const operators = rest.splice(0, executorCount);
  const reliefVoters = rest.splice(0, 3);
  const healthVoters = rest.splice(0, 3);
  const networkVoters = rest.splice(0, 2);
  const accounts: DevAccounts = { deployer, authorities: { KEN: ken, UGA: uga }, beneficiary, operators, spare: rest };
  const roles = devNetworkRoles();
  const startBlock = BigInt(await ethers.provider.getBlockNumber());

  progress.step("Deploying the network with Hardhat Ignition");
  const network = await deployNetwork(connection, deploymentId ? { deploymentId } : {});
  for (const [name, address] of Object.entries(network.addresses)) progress.detail(`${name.padEnd(22)} ${address}`);

  progress.step("Creating three DAOs (network governance; ReliefDAO in Kenya; HealthDAO in Uganda) and bootstrapping the network");
  const daoOptions = deploymentId ? { deploymentId } : {};
  const networkDao = await deployDao(connection, { name: "NetworkDAO", voters: networkVoters, ...daoOptions });
  const relief = await deployDao(connection, { name: "ReliefDAO", voters: reliefVoters, ...daoOptions });
  const health = await deployDao(connection, { name: "HealthDAO", voters: healthVoters, ...daoOptions });
  await bootstrapNetwork(network, {
    roles,
    measurements: [SIMULATED_DEV_MEASUREMENT],
    allowSimulatedTee: true,
    authorities: { KEN: ken, UGA: uga },
    tenants: [
      { dao: relief.timelockAddress, jurisdiction: "KEN", jobsPerEpoch: 1_000 },
      { dao: health.timelockAddress, jurisdiction: "UGA", jobsPerEpoch: 1_000 },
    ],
  });
  await handOverAdmin(connection, network, networkDao.timelockAddress);
  progress.detail(`ReliefDAO timelock ${relief.timelockAddress} admitted in KEN by KEN's authority`);
  progress.detail(`HealthDAO timelock ${health.timelockAddress} admitted in UGA by UGA's authority`);
  progress.detail(`attestation validators 2-of-3, aggregators 3-of-5, simulated TEE allowed (development chain only)`);
  progress.detail(`network admin handed to NetworkDAO timelock ${networkDao.timelockAddress}; the deployer renounced it`);

  const assets = (await connection.ignition.deploy(DevAssetsModule, {
    parameters: { DevAssets: { decimals: 1n, initialAnswer: 800n } },
    displayUi: false,
    ...(deploymentId ? { deploymentId } : {}),
  })) as unknown as { feed: DevPriceFeed; stablecoin: DevStablecoin };
  const feedAddress = (await assets.feed.getAddress()) as Address;

  const registry = network.contracts.clauseRegistry;
  const router = network.contracts.jobRouter;

  progress.step(`ReliefDAO proposal: register ${FLOOD.id} and its rainfall trigger`);
  const floodBuild = await loadBuiltClause(exampleClauseDir(FLOOD.dir));
  const floodId = clauseIdOf(FLOOD.id);
  const floodSpec = buildClauseSpec(FLOOD.id, floodBuild.manifest.codeHash as Hex, { jurisdictions: [FLOOD.jurisdiction], quorumK: FLOOD.quorumK, quorumN: FLOOD.quorumN, policyFlags: PolicyFlag.InCountry, priority: PriorityClass.Disaster });
  const floodActions: ProposalAction[] = [
    { target: network.addresses.clauseRegistry, data: registry.interface.encodeFunctionData("registerClause", [floodSpec]) as Hex },
    {
      target: network.addresses.jobRouter,
      data: router.interface.encodeFunctionData("registerSensorTrigger", [
        floodId,
        jurisdictionToBytes3(FLOOD.jurisdiction),
        feedAddress,
        FLOOD.thresholdTenthsMm,
        true,
        3600, // the round must be at most an hour old when the trigger fires
        options.sensorCooldownSeconds ?? 86_400,
        3600, // the job must be settled within an hour
      ]) as Hex,
    },
  ];
  const floodProposal = await passProposal(
    connection,
    relief,
    floodActions,
    `Register ${FLOOD.id} (3-of-5 in-country executors, KEN) and fire it when 72 h rainfall reaches ${Number(FLOOD.thresholdTenthsMm) / 10} mm`,
  );
  const flood = await describeClause(network, FLOOD.id, floodProposal);
  progress.detail(`proposal ${short(floodProposal.proposalId)} proposed → voted (3 for) → queued → executed (tx ${floodProposal.transactions.execute})`);
  progress.detail(`clause ${FLOOD.id}: code hash ${flood.codeHash}, owner ${flood.owner} (ReliefDAO timelock)`);

  progress.step(`HealthDAO proposal: register ${PANDEMIC.id}`);
  const pandemicBuild = await loadBuiltClause(exampleClauseDir(PANDEMIC.dir));
  const pandemicSpec = buildClauseSpec(PANDEMIC.id, pandemicBuild.manifest.codeHash as Hex, { jurisdictions: [PANDEMIC.jurisdiction], quorumK: PANDEMIC.quorumK, quorumN: PANDEMIC.quorumN, policyFlags: PolicyFlag.InCountry, priority: PriorityClass.Disaster });
  const pandemicProposal = await passProposal(
    connection,
    health,
    [{ target: network.addresses.clauseRegistry, data: registry.interface.encodeFunctionData("registerClause", [pandemicSpec]) as Hex }],
    `Register ${PANDEMIC.id} (2-of-3 in-country executors, UGA), run on HealthDAO's decision`,
  );
  const pandemic = await describeClause(network, PANDEMIC.id, pandemicProposal);
  progress.detail(`proposal ${short(pandemicProposal.proposalId)} proposed → voted (3 for) → queued → executed (tx ${pandemicProposal.transactions.execute})`);
  progress.detail(`clause ${PANDEMIC.id}: code hash ${pandemic.codeHash}, owner ${pandemic.owner} (HealthDAO timelock)`);

  return {
    connection,
    network,
    roles,
    accounts,
    startBlock,
    daos: { network: networkDao, relief, health },
    tenants: {
      relief: { dao: relief.timelockAddress, jurisdiction: "KEN", tenantId: tenantIdOf(relief.timelockAddress, "KEN") },
      health: { dao: health.timelockAddress, jurisdiction: "UGA", tenantId: tenantIdOf(health.timelockAddress, "UGA") },
    },
    feed: assets.feed,
    feedAddress,
    stablecoin: assets.stablecoin,
    sensorTriggerId: 0n,
    clauses: { flood, pandemic },
  };
}

async function describeClause(network: DeployedNetwork, ref: string, proposal: PassedProposal): Promise<DevClause> {
  const clauseId = clauseIdOf(ref);
  const clause = await network.contracts.clauseRegistry.getClause(clauseId);
  return { ref, clauseId, codeHash: clause.codeHash as Hex, configDigest: clause.configDigest as Hex, owner: clause.owner as Address, proposal };
}

export const short = (value: bigint | string): string => {
  const text = typeof value === "bigint" ? value.toString() : value;
  return text.length > 14 ? `${text.slice(0, 10)}…` : text;
};
