import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { network as hardhatNetwork } from "hardhat";
import { createPublicClient, http, parseEther, type Hex, type PublicClient } from "viem";
import { createCommon, type Common } from "../../../relayer/common/Common.js";
import type { DevConnection } from "../../../relayer/devnet/connection.js";
import { devSubmitter } from "../../../relayer/devnet/devRelayerConfig.js";
import { startLocalNode, type LocalNode } from "../../../relayer/devnet/localNode.js";
import { exampleClauseDir, setUpDevNetwork, type DevNetwork } from "../../../relayer/devnet/setUpDevNetwork.js";
import { startDevExecutors, type DevExecutor } from "../../../relayer/devnet/startDevExecutors.js";
import { performSensorUpkeep } from "../../../relayer/devnet/triggers.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export type SeparateNodeFixture = {
  node: LocalNode;
  connection: DevConnection;
  client: PublicClient;
  dev: DevNetwork;
  executors: DevExecutor[];
  common: Common;
  /** Moves the rainfall feed over the threshold (a new round each time) and fires the trigger through upkeep. */
  fireFlood(answer?: bigint): Promise<Hex>;
  close(): Promise<void>;
};

/**
 * A `hardhat node` started as its own process (relayer/devnet/localNode.ts), interval mining besides automine,
 * the dev network set up on it (Ignition, DAOs, clauses through proposals; the rainfall trigger without cooldown),
 * five real executor nodes in this process registered through the validators, and the dev submitter funded.
 */
export async function separateNodeFixture(options: { blockTimeMs?: number; /** Default 5. */ executorCount?: number; /** Per executor; default KEN, UGA alternating. */ jurisdictions?: readonly string[] } = {}): Promise<SeparateNodeFixture> {
  const node = await startLocalNode({ cwd: ROOT });
  const deploymentId = `test-separate-node-${node.port}`;
  try {
    await fetch(node.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_setIntervalMining", params: [options.blockTimeMs ?? 500] }) });
    const connection = (await hardhatNetwork.create({ network: "localhost", override: { url: node.url } })) as unknown as DevConnection;
    const dev = await setUpDevNetwork(connection, { deploymentId, executorCount: options.executorCount ?? 5, sensorCooldownSeconds: 0 });
    const client = createPublicClient({ transport: http(node.url), cacheTime: 0 }) as PublicClient;
    const common = createCommon({ logLevel: "silent" });
    const executors = await startDevExecutors({
      common,
      rpcUrl: node.url,
      network: dev.network,
      roles: dev.roles,
      plan: dev.accounts.operators.map((operator, i) => ({ operator, jurisdiction: options.jurisdictions?.[i] ?? (i % 2 === 1 ? "UGA" : "KEN") })),
      clauseDirs: ["flood-payout", "pandemic-alert", "food-toxin", "emissions-penalty"].map(exampleClauseDir),
      chainTime: async () => (await client.getBlock({ blockTag: "latest" })).timestamp,
    });
    await (await dev.accounts.spare[0]!.sendTransaction({ to: devSubmitter().address, value: parseEther("100") })).wait();
    let answer = 1_800n;
    return {
      node,
      connection,
      client,
      dev,
      executors,
      common,
      async fireFlood(value) {
        answer += 1n;
        await (await dev.feed.updateAnswer(value ?? answer)).wait();
        return (await performSensorUpkeep(dev.network.contracts.jobRouter, dev.sensorTriggerId)).jobId;
      },
      async close() {
        await Promise.all(executors.map((e) => e.close()));
        await node.stop();
        rmSync(path.join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
      },
    };
  } catch (error) {
    await node.stop();
    rmSync(path.join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
    throw error;
  }
}
