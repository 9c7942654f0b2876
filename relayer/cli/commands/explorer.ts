import { getAddress, type Address } from "viem";
import { createCommon } from "../../common/Common.js";
import { NsfError } from "../../core/errors/NsfError.js";
import { readDevDeployment } from "../../devnet/devDeployment.js";
import { createExplorerVerifier } from "../../explorer/createExplorerVerifier.js";
import { createGatewayArweaveSource } from "../../verify/createGatewayArweaveSource.js";
import { explorerContractsOf, startExplorer } from "../../explorer/startExplorer.js";

export type ExplorerOptions = {
  rpc?: string;
  gateway: string;
  deployment?: string;
  anchor?: string;
  jobRouter?: string;
  clauseRegistry?: string;
  nodeRegistry?: string;
  disputeResolver?: string;
  jurisdictionRegistry?: string;
  metricsUrl?: string;
  explorerBaseUrl?: string;
  host: string;
  port: number;
  fromBlock?: number;
};

const addressOption = (name: string, value: string | undefined): Address | undefined => {
  if (value === undefined) return undefined;
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new NsfError("NSF_CLI_INVALID_ARGUMENT", { shortMessage: `--${name} must be an address (0x + 40 hex digits), got ${value}` });
  return getAddress(value);
};

/** An http(s) URL option, or a typed error naming the option (a typo must not start an explorer that can read nothing). */
const urlOption = (name: string, value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new NsfError("NSF_CLI_INVALID_ARGUMENT", { shortMessage: `--${name} must be an http(s) URL, got ${value}` });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new NsfError("NSF_CLI_INVALID_ARGUMENT", { shortMessage: `--${name} must be an http(s) URL, got ${value}` });
  return value;
};

/**
 * `nsf explorer`: the read-only proof explorer (docs/adr/0017-proof-explorer.md) on public data only — an RPC endpoint
 * and an Arweave gateway (and, for the network overview, a relayer's /metrics if given). Contracts come from a
 * deployment file (`nsf dev` writes one) or from the address options; the explicit options win. Runs until Ctrl-C.
 */
export async function runExplorer(options: ExplorerOptions): Promise<void> {
  const deployment = options.deployment ? await readDevDeployment(options.deployment) : undefined;
  const rpcUrl = urlOption("rpc", options.rpc ?? deployment?.rpcUrl);
  if (!rpcUrl) throw new NsfError("NSF_CLI_INVALID_ARGUMENT", { shortMessage: "give --rpc <url> or --deployment <file>" });
  urlOption("gateway", options.gateway);
  urlOption("metrics-url", options.metricsUrl);
  urlOption("explorer-base-url", options.explorerBaseUrl);
  const contracts: Record<string, Address> = { ...(deployment?.contracts ?? {}) };
  // contract name → [the option that sets it, its value]
  const overrides = {
    rollupAnchor: ["anchor", options.anchor],
    jobRouter: ["job-router", options.jobRouter],
    clauseRegistry: ["clause-registry", options.clauseRegistry],
    nodeRegistry: ["node-registry", options.nodeRegistry],
    disputeResolver: ["dispute-resolver", options.disputeResolver],
    jurisdictionRegistry: ["jurisdiction-registry", options.jurisdictionRegistry],
  } as const;
  for (const [name, [option, value]] of Object.entries(overrides)) {
    const a = addressOption(option, value);
    if (a) contracts[name] = a;
  }
  const missing = ["rollupAnchor", "jobRouter", "clauseRegistry", "nodeRegistry"].filter((n) => !contracts[n]);
  if (missing.length > 0) {
    throw new NsfError("NSF_CLI_INVALID_ARGUMENT", { shortMessage: `contract addresses missing: ${missing.join(", ")}`, details: "Give --deployment <file> (nsf dev writes .nsf/dev/deployment.json) or --anchor, --job-router, --clause-registry and --node-registry." });
  }
  const common = createCommon({ logLevel: "warn" });
  const explorer = await startExplorer({
    common,
    rpcUrl,
    gateway: options.gateway,
    archive: createGatewayArweaveSource({ gateway: options.gateway }),
    verify: createExplorerVerifier({
      rpcUrl,
      gateway: options.gateway,
      rollupAnchor: contracts.rollupAnchor!,
      jobRouter: contracts.jobRouter!,
      clauseRegistry: contracts.clauseRegistry!,
      ...(deployment ? { chainId: BigInt(deployment.chainId) } : {}),
      ...(options.fromBlock !== undefined ? { fromBlock: BigInt(options.fromBlock) } : {}),
    }),
    contracts: explorerContractsOf(contracts),
    host: options.host,
    port: options.port,
    ...(options.metricsUrl ? { metricsUrl: options.metricsUrl } : {}),
    ...(options.explorerBaseUrl ? { explorerBaseUrl: options.explorerBaseUrl } : {}),
    ...(options.fromBlock !== undefined ? { fromBlock: BigInt(options.fromBlock) } : {}),
  });
  process.stdout.write(`explorer ${explorer.url}  (RPC ${new URL(rpcUrl).origin}, gateway ${options.gateway}${explorer.pageBuilt ? ", page built" : ""}); Ctrl-C stops it\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await explorer.close();
}
