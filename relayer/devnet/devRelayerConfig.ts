import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RelayerConfigInput } from "../config/relayerConfig.js";
import type { DeployedNetwork } from "./deployNetwork.js";
import { devAccount, devPrivateKey } from "./devKeys.js";
import { FLOOD } from "./setUpDevNetwork.js";

/** The environment variables the dev relayer config names for its keys. */
export const DEV_KEY_ENV = {
  scheduler: "NSF_SCHEDULER_KEY",
  submitter: "NSF_SUBMITTER_KEY",
  coSigners: ["NSF_AGGREGATOR_KEY_0", "NSF_AGGREGATOR_KEY_1", "NSF_AGGREGATOR_KEY_2"],
} as const;

/**
 * The PUBLIC development Arweave wallet (a committed RSA JWK, plainly labelled; never fund it on a real network):
 * `nsf dev` and the tests mint it on arlocal. A real deployment names its own wallet file in `archive.walletFile`.
 */
export const DEV_ARWEAVE_WALLET_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "devArweaveWallet.json");

/** The dev submitter (public key: local chains only); `nsf dev` funds it from an unlocked account. */
export const devSubmitter = () => devAccount("submitter", 0);

export type DevRelayerConfigParameters = {
  rpcUrl: string;
  network: DeployedNetwork;
  nodes: readonly { url: string; enclaveKey: string }[];
  startBlock: bigint;
  databaseFile: string;
  inputsDirectory: string;
  batchWindowMs?: number;
  maxBatchSize?: number;
  pollIntervalMs?: number;
  aggregatorTickMs?: number;
  httpPort?: number;
  logLevel?: RelayerConfigInput["logLevel"];
  /** A local Arweave gateway (arlocal) to archive bundles on, with the dev wallet; absent: no archive. */
  arweaveGatewayUrl?: string;
};

/**
 * A relayer configuration for the local network, and the environment that holds its keys. The configuration
 * names environment variables only (as on a real deployment); the values are the PUBLIC dev keys
 * (relayer/devnet/devKeys.ts) the dev network registered: the scheduler key NodeRegistry accepts, three of the
 * five aggregator keys RollupAnchor's 3-of-5 quorum holds (each run as its own co-signer), and a submitter.
 * Written to `.nsf/dev/relayer.json` by `nsf dev`, so `nsf relayer start --config` and `nsf status --config`
 * can be pointed at the same network.
 */
export function devRelayerConfig(parameters: DevRelayerConfigParameters): { input: RelayerConfigInput; env: Record<string, string> } {
  const { network } = parameters;
  const input: RelayerConfigInput = {
    logLevel: parameters.logLevel ?? "info",
    chain: {
      rpcUrl: parameters.rpcUrl,
      chainId: Number(network.chainId),
      confirmations: 1,
      finalityDepth: 32,
      pollIntervalMs: parameters.pollIntervalMs ?? 200,
      startBlock: parameters.startBlock.toString(),
      registryCacheMs: 500,
      chainTimeCacheMs: 100,
    },
    contracts: {
      jobRouter: network.addresses.jobRouter,
      nodeRegistry: network.addresses.nodeRegistry,
      clauseRegistry: network.addresses.clauseRegistry,
      rollupAnchor: network.addresses.rollupAnchor,
      jurisdictionRegistry: network.addresses.jurisdictionRegistry,
      disputeResolver: network.addresses.disputeResolver,
    },
    scheduler: { keyEnv: DEV_KEY_ENV.scheduler },
    nodes: parameters.nodes.map((n) => ({ url: n.url, enclaveKey: n.enclaveKey })),
    dispatch: { timeoutMs: 10_000, retry: { retries: 1, baseDelayMs: 100, maxDelayMs: 1_000 } },
    inputs: {
      directory: parameters.inputsDirectory,
      waitSeconds: 600,
      // ReliefDAO's standing value for the flood clause: the feed answer fills the rainfall input.
      sensorBindings: [{ clause: FLOOD.id, answerInput: "rainfall_72h_mm_x10", values: { insured_households: FLOOD.insuredHouseholds.toString() } }],
    },
    database: { file: parameters.databaseFile },
    aggregator: {
      coSigners: DEV_KEY_ENV.coSigners.map((keyEnv) => ({ keyEnv })),
      submitter: { keyEnv: DEV_KEY_ENV.submitter },
      batchWindowMs: parameters.batchWindowMs ?? 2_000,
      maxBatchSize: parameters.maxBatchSize ?? 256,
      tickMs: parameters.aggregatorTickMs ?? 100,
      confirmations: 1,
    },
    http: { enabled: true, host: "127.0.0.1", port: parameters.httpPort ?? 0 },
    ...(parameters.arweaveGatewayUrl
      ? { archive: { gatewayUrl: parameters.arweaveGatewayUrl, walletFile: DEV_ARWEAVE_WALLET_FILE, pollMs: 250, retry: { baseDelayMs: 250, maxDelayMs: 5_000 } } }
      : {}),
  };
  const env: Record<string, string> = {
    [DEV_KEY_ENV.scheduler]: devPrivateKey("scheduler", 0),
    [DEV_KEY_ENV.submitter]: devPrivateKey("submitter", 0),
  };
  DEV_KEY_ENV.coSigners.forEach((name, i) => (env[name] = devPrivateKey("aggregator", i)));
  return { input, env };
}
