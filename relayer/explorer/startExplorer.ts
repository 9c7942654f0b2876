import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Address } from "viem";
import type { Common } from "../common/Common.js";
import { buildExplorerPage } from "./buildExplorerPage.js";
import type { ArweaveSource } from "../verify/ArweaveSource.js";
import { createBundleIndex } from "./server/createBundleIndex.js";
import { createExplorerServer, type ExplorerServer } from "./server/createExplorerServer.js";
import type { ExecutionVerifier } from "./server/ExecutionVerifier.js";
import { createExplorerChain, loadExplorerAbis, type ExplorerContracts } from "./server/explorerChain.js";
import { createRelayerMetricsReader } from "./server/readRelayerMetrics.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export type StartExplorerParameters = {
  common: Common;
  rpcUrl: string;
  gateway: string;
  archive: ArweaveSource;
  /** The verification core, composed (createExplorerVerifier); closed with the server. */
  verify: ExecutionVerifier;
  contracts: ExplorerContracts;
  metricsUrl?: string;
  explorerBaseUrl?: string;
  host?: string;
  port?: number;
  fromBlock?: bigint;
  /** Where the built page goes (default `.nsf/explorer-web` under the repository). */
  pageDir?: string;
  notes?: string[];
};

/** Builds the page if needed and starts the explorer's server: `nsf explorer`'s and `nsf dev`'s composition. */
export async function startExplorer(parameters: StartExplorerParameters): Promise<ExplorerServer & { pageBuilt: boolean }> {
  const page = await buildExplorerPage({ outDir: parameters.pageDir ?? path.join(ROOT, ".nsf", "explorer-web") });
  const chain = createExplorerChain({ rpcUrl: parameters.rpcUrl, contracts: parameters.contracts, abis: loadExplorerAbis(ROOT), ...(parameters.fromBlock !== undefined ? { fromBlock: parameters.fromBlock } : {}) });
  const server = await createExplorerServer({
    common: parameters.common,
    chain,
    index: createBundleIndex({ chain, archive: parameters.archive }),
    verify: parameters.verify,
    ...(parameters.metricsUrl ? { metrics: createRelayerMetricsReader({ url: parameters.metricsUrl }) } : {}),
    staticDir: page.outDir,
    gateway: parameters.gateway,
    ...(parameters.explorerBaseUrl ? { explorerBaseUrl: parameters.explorerBaseUrl } : {}),
    ...(parameters.notes ? { notes: parameters.notes } : {}),
    ...(parameters.host ? { host: parameters.host } : {}),
    ...(parameters.port !== undefined ? { port: parameters.port } : {}),
  });
  return {
    ...server,
    pageBuilt: page.built,
    close: async () => {
      await server.close();
      await parameters.verify.close();
    },
  };
}

/** The explorer's contract set from a deployment's `contracts` record (the names `nsf dev` writes). */
export function explorerContractsOf(contracts: Record<string, Address>): ExplorerContracts {
  return {
    clauseRegistry: contracts.clauseRegistry!,
    nodeRegistry: contracts.nodeRegistry!,
    jobRouter: contracts.jobRouter!,
    rollupAnchor: contracts.rollupAnchor!,
    disputeResolver: contracts.disputeResolver ?? null,
    jurisdictionRegistry: contracts.jurisdictionRegistry ?? null,
  };
}
