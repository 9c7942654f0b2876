import { readFile } from "node:fs/promises";
import { z } from "zod";
import { getAddress, type Address } from "viem";
import { NsfError } from "../core/errors/NsfError.js";
import type { DevNetwork } from "./setUpDevNetwork.js";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address").transform((a) => getAddress(a));

/**
 * `nsf.dev-deployment/1`: where a running dev network is (`<out>/deployment.json`, written by `nsf dev`), so the
 * other commands (`nsf clause register|trigger`, `nsf status`) can act on it without repeating addresses.
 */
export const DevDeploymentSchema = z.strictObject({
  schema: z.literal("nsf.dev-deployment/1"),
  rpcUrl: z.string().url(),
  chainId: z.number().int().positive(),
  contracts: z.record(z.string(), address),
  daos: z.array(z.strictObject({ name: z.string().min(1), governor: address, timelock: address, jurisdiction: z.string().regex(/^[A-Z]{3}$/).nullable() })),
  /** The relayer's input-document directory (`inputs.directory`). */
  inputsDirectory: z.string().min(1),
  relayerConfig: z.string().min(1),
  statusUrl: z.string().url().nullable(),
});

export type DevDeployment = z.infer<typeof DevDeploymentSchema>;

export async function devDeploymentOf(dev: DevNetwork, parameters: { rpcUrl: string; inputsDirectory: string; relayerConfig: string; statusUrl: string | undefined }): Promise<DevDeployment> {
  const daos = [
    { name: "NetworkDAO", dao: dev.daos.network, jurisdiction: null },
    { name: "ReliefDAO", dao: dev.daos.relief, jurisdiction: "KEN" },
    { name: "HealthDAO", dao: dev.daos.health, jurisdiction: "UGA" },
  ];
  return {
    schema: "nsf.dev-deployment/1",
    rpcUrl: parameters.rpcUrl,
    chainId: Number(dev.network.chainId),
    contracts: { ...dev.network.addresses, feed: dev.feedAddress, stablecoin: (await dev.stablecoin.getAddress()) as Address },
    daos: await Promise.all(daos.map(async (d) => ({ name: d.name, governor: (await d.dao.governor.getAddress()) as Address, timelock: d.dao.timelockAddress, jurisdiction: d.jurisdiction }))),
    inputsDirectory: parameters.inputsDirectory,
    relayerConfig: parameters.relayerConfig,
    statusUrl: parameters.statusUrl ?? null,
  };
}

export async function readDevDeployment(file: string): Promise<DevDeployment> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    throw new NsfError("NSF_DEPLOYMENT_INVALID", { shortMessage: `cannot read ${file} as JSON`, details: "Run `nsf dev --keep-running` first; it writes <out>/deployment.json.", cause });
  }
  const parsed = DevDeploymentSchema.safeParse(raw);
  if (!parsed.success) {
    throw new NsfError("NSF_DEPLOYMENT_INVALID", { shortMessage: `${file} is not an nsf.dev-deployment/1 document`, details: parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`).join("; ") });
  }
  return parsed.data;
}
