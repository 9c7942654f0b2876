import { createCommon } from "../../common/Common.js";
import { releaseSnarkjsCurve } from "../../zk/releaseSnarkjsCurve.js";
import { loadRelayerConfig } from "../../config/relayerConfig.js";
import { createRelayer } from "../../relayer/createRelayer.js";
import { holdLeadership } from "../../relayer/holdLeadership.js";

export type RelayerStartOptions = { config: string };

/**
 * `nsf relayer start --config <file>`: the relayer daemon (ADR 0007) against whatever EVM JSON-RPC endpoint the
 * config names. Config = file + `NSF_RELAYER_*` environment overrides, validated by the zod schema; keys only from
 * the environment variables the config names. Runs until SIGINT/SIGTERM, then stops the pipeline (in-flight
 * attempts are left for the next start to abandon and redo), the aggregator, the endpoint and the database.
 * With `lease` in the config, the instance first waits to hold the leadership lease in the database file (ADR 0018).
 * A bad config or an unreachable / wrong chain is a typed error before anything starts (exit code 1), and so is a
 * fatal failure of the pipeline loop after it started.
 */
export async function runRelayerStart(options: RelayerStartOptions): Promise<void> {
  const config = await loadRelayerConfig({ file: options.config });
  const shutdown = new AbortController();
  const common = createCommon({ logLevel: config.logLevel, shutdown: shutdown.signal });
  const onSignal = (signal: NodeJS.Signals) => {
    common.logger.info({ signal }, "signal received: stopping");
    shutdown.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  // With a lease, nothing touches the database before this instance leads (a standby waits here).
  const leadership = config.lease ? await holdLeadership({ file: config.database.file, ttlMs: config.lease.ttlMs, logger: common.logger.child({ component: "lease" }), signal: shutdown.signal }) : undefined;
  if (config.lease && !leadership) return; // stopped while standing by
  void leadership?.lost.then((reason) => {
    // Fencing: a leader that lost its lease stops acting at once, without cleanup; its successor owns the work.
    common.logger.fatal({ reason }, "lease lost: exiting at once");
    process.exit(1);
  });
  const relayer = await createRelayer({ common, config });
  await relayer.start();
  const { error } = await relayer.stopped;
  // zk CACs verified on the way leave snarkjs's worker threads running; end them so the process exits.
  await releaseSnarkjsCurve();
  leadership?.release();
  // A fatal failure of the loop ends the command with its error (exit code 1), so a supervisor restarts it.
  if (error) throw error;
}
