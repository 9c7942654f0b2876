import type { Signer } from "ethers";
import type { Address, Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { TeeType } from "../core/formats/enums.js";
import { jurisdictionToBytes3, tenantIdOf } from "../core/formats/ids.js";
import type { DevConnection } from "./connection.js";
import type { DeployedNetwork } from "./deployNetwork.js";
import { devAccounts } from "./devKeys.js";

export type NetworkRoles = {
  /** Attestation validators (dev keys), ascending. */
  validators: PrivateKeyAccount[];
  validatorThreshold: number;
  /** Aggregator co-signers (dev keys), ascending. */
  aggregators: PrivateKeyAccount[];
  aggregatorThreshold: number;
  /** Signs job tokens (dev key). */
  scheduler: PrivateKeyAccount;
};

export function devNetworkRoles(): NetworkRoles {
  return {
    validators: devAccounts("attestation-validator", 3),
    validatorThreshold: 2,
    aggregators: devAccounts("aggregator", 5),
    aggregatorThreshold: 3,
    scheduler: devAccounts("scheduler", 1)[0]!,
  };
}

export type BootstrapOptions = {
  roles: NetworkRoles;
  /** Measurements governance allows at start. */
  measurements: Hex[];
  /** Development chains only: accept the simulated TEE type. */
  allowSimulatedTee: boolean;
  /** Authority signer per ISO alpha-3 code. */
  authorities: Record<string, Signer>;
  /** Tenants to admit (each by its jurisdiction's authority) with their job quota per epoch. */
  tenants: { dao: Address; jurisdiction: string; jobsPerEpoch: number }[];
};

/**
 * The first configuration of a fresh network, done by the deployer while it still holds the access
 * manager's admin role; `handOverAdmin` then moves that role to the network DAO's timelock.
 */
export async function bootstrapNetwork(network: DeployedNetwork, options: BootstrapOptions): Promise<void> {
  const { nodeRegistry, rollupAnchor, jurisdictionRegistry, jobRouter } = network.contracts;
  const { roles } = options;
  const wait = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();

  if (options.allowSimulatedTee) await wait(nodeRegistry.setTeeTypeAllowed(TeeType.Simulated, true));
  for (const measurement of options.measurements) await wait(nodeRegistry.setMeasurementAllowed(measurement, true));
  await wait(nodeRegistry.setValidatorConfig(roles.validators.map((a) => a.address), roles.validatorThreshold));
  await wait(nodeRegistry.setScheduler(roles.scheduler.address, true));
  await wait(rollupAnchor.setConfig(roles.aggregators.map((a) => a.address), roles.aggregatorThreshold));

  for (const [iso, authority] of Object.entries(options.authorities)) {
    await wait(jurisdictionRegistry.setJurisdictionAuthority(jurisdictionToBytes3(iso), await authority.getAddress()));
  }
  for (const tenant of options.tenants) {
    const authority = options.authorities[tenant.jurisdiction];
    if (!authority) throw new Error(`no authority configured for ${tenant.jurisdiction}`);
    await wait(jurisdictionRegistry.connect(authority).admitTenant(tenant.dao, jurisdictionToBytes3(tenant.jurisdiction)));
    await wait(jobRouter.setTenantQuota(tenantIdOf(tenant.dao, tenant.jurisdiction), tenant.jobsPerEpoch));
  }
}

/** Gives the network DAO's timelock the admin role and renounces the deployer's: governance from here on. */
export async function handOverAdmin(connection: DevConnection, network: DeployedNetwork, networkTimelock: Address): Promise<void> {
  const { accessManager } = network.contracts;
  const [deployer] = await connection.ethers.getSigners();
  await (await accessManager.grantRole(0n, networkTimelock, 0)).wait();
  await (await accessManager.renounceRole(0n, await deployer!.getAddress())).wait();
}
