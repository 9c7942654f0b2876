import path from "node:path";
import { createZkCacVerifier } from "../zk/verifyZkCac.js";
import { fileURLToPath } from "node:url";
import { createPublicClient, http, type Address, type PublicClient } from "viem";
import { createDirectoryCodeSource } from "../verify/createDirectoryCodeSource.js";
import { createGatewayArweaveSource } from "../verify/createGatewayArweaveSource.js";
import { createRpcChainSource } from "../verify/createRpcChainSource.js";
import { createSandboxReplayer } from "../verify/createSandboxReplayer.js";
import { verifyFromPublicData } from "../verify/verifyFromPublicData.js";
import type { ExecutionVerifier } from "./server/ExecutionVerifier.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The explorer's verifier: exactly what `nsf verify <execution id>` runs (relayer/cli/commands/verify.ts) — the RPC
 * chain source, the gateway, the built clause modules by code hash, the sandbox replayer, then the pure checks of
 * relayer/core/verify — composed once here for `nsf explorer`, `nsf dev` and the tests. No check lives here.
 */
export function createExplorerVerifier(parameters: {
  rpcUrl: string;
  gateway: string;
  rollupAnchor: Address;
  jobRouter?: Address;
  clauseRegistry?: Address;
  chainId?: bigint;
  /** Built clause directories for the replay check (default clauses/examples). */
  clauseDirs?: string[];
  fromBlock?: bigint;
}): ExecutionVerifier {
  const client = createPublicClient({ transport: http(parameters.rpcUrl, { timeout: 15_000, retryCount: 1 }), cacheTime: 0 }) as PublicClient;
  const sources = {
    chain: createRpcChainSource({ client, ...(parameters.fromBlock !== undefined ? { fromBlock: parameters.fromBlock } : {}) }),
    arweave: createGatewayArweaveSource({ gateway: parameters.gateway }),
    code: createDirectoryCodeSource(parameters.clauseDirs ?? [path.join(ROOT, "clauses", "examples")]),
  };
  const replay = createSandboxReplayer();
  // zk executions are checked by their proofs (zk.proof), with the committed circuits, loaded on first use.
  const verifyZk = createZkCacVerifier();
  return {
    verify: (jobId) =>
      verifyFromPublicData(
        { kind: "execution", jobId },
        {
          sources,
          rollupAnchor: parameters.rollupAnchor,
          replay,
          verifyZk,
          ...(parameters.jobRouter ? { jobRouter: parameters.jobRouter } : {}),
          ...(parameters.clauseRegistry ? { clauseRegistry: parameters.clauseRegistry } : {}),
          ...(parameters.chainId !== undefined ? { chainId: parameters.chainId } : {}),
        },
      ),
    close: () => replay.close(),
  };
}
