import { createCommon } from "../../common/Common.js";
import { releaseSnarkjsCurve } from "../../zk/releaseSnarkjsCurve.js";
import { loadNodeConfig, type NodeConfigInput } from "../../executor/node/nodeConfig.js";
import { startNode } from "../../executor/node/startNode.js";

export type NodeCommandOptions = { config?: string; port?: number; host?: string; logLevel?: NodeConfigInput["logLevel"]; clauses?: string[] };

/** `nsf node`: starts the executor node and runs until SIGINT/SIGTERM. */
export async function runNodeCommand(options: NodeCommandOptions): Promise<void> {
  const config = await loadNodeConfig({
    file: options.config,
    flags: { port: options.port, host: options.host, logLevel: options.logLevel, clauses: options.clauses?.length ? options.clauses : undefined },
  });
  const shutdown = new AbortController();
  const common = createCommon({ logLevel: config.logLevel, shutdown: shutdown.signal });
  const node = await startNode({ config, common });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  shutdown.abort();
  await node.close();
  // A node that proved keeps snarkjs's worker threads; end them so the process exits.
  await releaseSnarkjsCurve();
}
