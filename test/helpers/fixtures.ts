import type { Signer } from "ethers";
import type { Address, Hex } from "viem";
import { clauseIdOf, packClauseVersion, parseClauseId } from "../../relayer/core/formats/clauseRef.js";
import { ExecutionModel, PriorityClass } from "../../relayer/core/formats/enums.js";
import { jurisdictionToBytes3, tenantIdOf } from "../../relayer/core/formats/ids.js";
import { bootstrapNetwork, devNetworkRoles, type NetworkRoles } from "../../relayer/devnet/bootstrapNetwork.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { deployDao, type Dao } from "../../relayer/devnet/dao.js";
import { deployNetwork, type DeployedNetwork } from "../../relayer/devnet/deployNetwork.js";
import { devAccounts } from "../../relayer/devnet/devKeys.js";
import { registerDevNode, SIMULATED_DEV_MEASUREMENT, type DevNode } from "../../relayer/devnet/nodes.js";
import type { DevPriceFeed } from "../../typechain-types/index.js";

export const ZERO32 = `0x${"00".repeat(32)}` as Hex;
export const KEN = jurisdictionToBytes3("KEN");
export const UGA = jurisdictionToBytes3("UGA");

export type Actors = {
  deployer: Signer;
  kenAuthority: Signer;
  ugaAuthority: Signer;
  submitter: Signer;
  beneficiary: Signer;
  stranger: Signer;
  operators: Signer[];
  voters: Signer[];
};

export type BaseFixture = {
  connection: DevConnection;
  network: DeployedNetwork;
  roles: NetworkRoles;
  actors: Actors;
  /** ReliefDAO: a real Governor + Timelock, tenant of KEN. */
  relief: Dao;
  /** The ReliefDAO timelock as an impersonated signer: unit tests act "as an executed proposal" directly. */
  reliefTimelock: Signer;
  /** A second DAO timelock (impersonated EOA-like address with no governor), tenant of UGA and KEN. */
  otherDao: Signer;
};

export async function chainTime(connection: DevConnection): Promise<bigint> {
  return BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp);
}

export async function impersonate(connection: DevConnection, address: Address): Promise<Signer> {
  await connection.networkHelpers.impersonateAccount(address);
  await connection.networkHelpers.setBalance(address, 10n ** 20n);
  return connection.ethers.getSigner(address);
}

/**
 * A bootstrapped network on the in-process chain. The deployer keeps the access-manager admin role
 * (unit tests call governance functions directly); `bootstrapNetwork`/`handOverAdmin` are exercised
 * by the demo and the governance tests.
 */
export async function baseFixture(connection: DevConnection, options: { deploymentId?: string } = {}): Promise<BaseFixture> {
  const signers = await connection.ethers.getSigners();
  const [deployer, kenAuthority, ugaAuthority, submitter, beneficiary, stranger, ...rest] = signers as Signer[];
  const actors: Actors = {
    deployer: deployer!,
    kenAuthority: kenAuthority!,
    ugaAuthority: ugaAuthority!,
    submitter: submitter!,
    beneficiary: beneficiary!,
    stranger: stranger!,
    operators: rest.slice(0, 5),
    voters: rest.slice(5, 8),
  };
  // On a separately started node Ignition keeps a journal: a test passes its own id (and removes it).
  const network = await deployNetwork(connection, options.deploymentId ? { deploymentId: options.deploymentId } : {});
  const relief = await deployDao(connection, { name: "ReliefDAO", voters: actors.voters });
  const otherDaoAddress = (await rest[8]!.getAddress()) as Address;
  const roles = devNetworkRoles();
  await bootstrapNetwork(network, {
    roles,
    measurements: [SIMULATED_DEV_MEASUREMENT],
    allowSimulatedTee: true,
    authorities: { KEN: actors.kenAuthority, UGA: actors.ugaAuthority },
    tenants: [
      { dao: relief.timelockAddress, jurisdiction: "KEN", jobsPerEpoch: 1000 },
      { dao: otherDaoAddress, jurisdiction: "UGA", jobsPerEpoch: 1000 },
      { dao: otherDaoAddress, jurisdiction: "KEN", jobsPerEpoch: 1000 },
    ],
  });
  const reliefTimelock = await impersonate(connection, relief.timelockAddress);
  return { connection, network, roles, actors, relief, reliefTimelock, otherDao: rest[8]! };
}

export const FLOOD_ID = "UNDRR::Disaster::FloodPayout@1.0.0";
export const FLOOD_CODE_HASH = `0x${"ab".repeat(32)}` as Hex;

/** A valid ClauseSpec for `id`, to be tweaked by tests. */
export function clauseSpec(id: string, overrides: Partial<Record<string, unknown>> = {}) {
  const ref = parseClauseId(id);
  return {
    namespace_: ref.namespace,
    domain: ref.domain,
    name: ref.name,
    major: ref.major,
    minor: ref.minor,
    patch: ref.patch,
    fork: ref.fork,
    parent: ZERO32,
    codeHash: FLOOD_CODE_HASH,
    model: ExecutionModel.Quorum,
    quorumK: 3,
    quorumN: 5,
    priority: PriorityClass.Disaster,
    policyFlags: 0,
    validFrom: 0n,
    validUntil: 0n,
    jurisdictions: [KEN],
    ...overrides,
  };
}

export type ClauseFixture = BaseFixture & {
  clauseId: Hex;
  clauseVersion: number;
  configDigest: Hex;
  tenantId: Hex;
  nodes: DevNode[];
  feed: DevPriceFeed;
  sensorTriggerId: bigint;
};

/** Base + the flood clause registered by ReliefDAO's timelock, five attested nodes (4 KEN, 1 UGA), a feed and a sensor trigger. */
export async function clauseFixture(connection: DevConnection): Promise<ClauseFixture> {
  const base = await baseFixture(connection);
  const { network, reliefTimelock, actors, roles } = base;
  await (await network.contracts.clauseRegistry.connect(reliefTimelock).registerClause(clauseSpec(FLOOD_ID))).wait();
  const clauseId = clauseIdOf(FLOOD_ID);
  const clause = await network.contracts.clauseRegistry.getClause(clauseId);
  const now = await chainTime(connection);
  const enclaves = devAccounts("simulated-enclave", 5);
  const nodes: DevNode[] = [];
  for (const [i, enclave] of enclaves.entries()) {
    nodes.push(
      await registerDevNode(network, roles, { enclave, operator: actors.operators[i]!, jurisdiction: i < 4 ? "KEN" : "UGA", sovereign: i < 2 }, now),
    );
  }
  const feed = (await connection.ethers.deployContract("DevPriceFeed", [1, 800n])) as unknown as DevPriceFeed;
  await (
    await network.contracts.jobRouter
      .connect(reliefTimelock)
      .registerSensorTrigger(clauseId, KEN, await feed.getAddress(), 1500n, true, 3600, 86_400, 3600)
  ).wait();
  return {
    ...base,
    clauseId,
    clauseVersion: packClauseVersion(parseClauseId(FLOOD_ID)),
    configDigest: clause.configDigest as Hex,
    tenantId: tenantIdOf(base.relief.timelockAddress, "KEN"),
    nodes,
    feed,
    sensorTriggerId: 0n,
  };
}
