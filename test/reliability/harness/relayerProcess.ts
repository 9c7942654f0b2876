import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { RelayerConfigInput } from "../../../relayer/config/relayerConfig.js";
import { devRelayerConfig } from "../../../relayer/devnet/devRelayerConfig.js";
import { FAULT_KILL_ENV, type FaultCheckpoint } from "../../../relayer/faults/faultPoint.js";
import { spawnNsf, type NsfProcess } from "../../helpers/spawnNsf.js";
import type { SeparateNodeFixture } from "../../relayer/helpers/separateNodeFixture.js";

export type RelayerSetup = { dir: string; configFile: string; databaseFile: string; env: Record<string, string>; input: RelayerConfigInput };

/**
 * A relayer config file for the fixture's network in `dir` (one database for the whole run, so restarts resume
 * it), with the RPC endpoint and node URLs given (a fault proxy's, usually).
 */
export async function writeRelayerSetup(
  f: SeparateNodeFixture,
  dir: string,
  options: { rpcUrl?: string; nodes?: readonly { url: string; enclaveKey: string }[]; batchWindowMs?: number; maxBatchSize?: number; dispatch?: RelayerConfigInput["dispatch"] } = {},
): Promise<RelayerSetup> {
  mkdirSync(dir, { recursive: true });
  const databaseFile = path.join(dir, "relayer.db");
  const { input, env } = devRelayerConfig({
    rpcUrl: options.rpcUrl ?? f.node.url,
    network: f.dev.network,
    nodes: options.nodes ?? f.executors,
    startBlock: await f.client.getBlockNumber(),
    databaseFile,
    inputsDirectory: path.join(dir, "inputs"),
    batchWindowMs: options.batchWindowMs ?? 400,
    ...(options.maxBatchSize ? { maxBatchSize: options.maxBatchSize } : {}),
    pollIntervalMs: 100,
    httpPort: 0,
    logLevel: "info",
  });
  const full: RelayerConfigInput = options.dispatch ? { ...input, dispatch: { ...input.dispatch, ...options.dispatch } } : input;
  const configFile = path.join(dir, "relayer.json");
  writeFileSync(configFile, JSON.stringify(full));
  return { dir, configFile, databaseFile, env, input: full };
}

/** `nsf relayer start` as its own process, optionally armed to SIGKILL itself at a checkpoint; resolves once started. */
export async function startRelayerProcess(setup: RelayerSetup, options: { killAt?: FaultCheckpoint | `${FaultCheckpoint}:${number}`; timeoutMs?: number } = {}): Promise<NsfProcess> {
  const child = spawnNsf(["relayer", "start", "--config", setup.configFile], { env: { ...setup.env, NSF_RELAYER_LOG_LEVEL: "info", [FAULT_KILL_ENV]: options.killAt ?? "" } });
  await child.waitFor('"msg":"relayer started"', options.timeoutMs ?? 90_000);
  return child;
}

/** Polls `condition` every 20 ms until it holds (errors count as "not yet": the database may not exist yet). */
export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000, describe?: () => unknown): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // not yet readable
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? `: ${JSON.stringify(describe(), (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}` : ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
