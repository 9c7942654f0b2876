#!/usr/bin/env node
import { Command, InvalidArgumentError } from "commander";
import { NsfError } from "../core/errors/NsfError.js";

/**
 * `nsf`: parses arguments and dispatches, nothing else. Each command's module is its composition root
 * and is loaded only when that command runs.
 */
const integer = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("not an integer");
  return n;
};
const between = (min: number, max: number) => (value: string): number => {
  const n = integer(value);
  if (n < min || n > max) throw new InvalidArgumentError(`must be between ${min} and ${max}`);
  return n;
};
const collect = (value: string, previous: string[]): string[] => [...previous, value];

const program = new Command().name("nsf").description("NSF clause orchestration: local network, relayer, executor node, clause tooling").showHelpAfterError();

program
  .command("dev")
  .description("run the whole network locally, end to end: hardhat node, contracts, DAOs, clauses, executor nodes, relayer, a sensor and a DAO trigger, anchors, a proven payout")
  .option("--out <dir>", "where this run's files go (relayer database, input documents, config, logs, summary.json)", ".nsf/dev")
  .option("--executors <n>", "executor nodes to start (5 to 12)", between(5, 12), 7)
  .option("--block-time-ms <ms>", "interval mining of the local node (besides a block per transaction)", integer, 1000)
  .option("--batch-window-ms <ms>", "the aggregator's batch window", integer, 2000)
  .option("--timeout <seconds>", "give up waiting for the anchors after this long", integer, 180)
  .option("--keep-running", "after the summary, keep the network up until Ctrl-C", false)
  .action(async (options: { out: string; executors: number; blockTimeMs: number; batchWindowMs: number; timeout: number; keepRunning: boolean }) => {
    await (await import("./commands/dev.js")).runDev({ ...options, timeoutSeconds: options.timeout });
  });

const clause = program.command("clause").description("clause tooling");
clause
  .command("build")
  .description("compile clause directories (clause.json + assembly/) to build/<name>.wasm and build/manifest.json with its sha-256 code hash")
  .argument("<dir...>", "clause directories")
  .action(async (dirs: string[]) => (await import("./commands/clauseBuild.js")).runClauseBuild(dirs));

program
  .command("node")
  .description("run an executor node (HTTP API: health, attestation evidence, tenant payload keys, execute)")
  .option("-c, --config <file>", "JSON config file (see relayer/executor/node/nodeConfig.ts)")
  .option("-p, --port <port>", "listen port (default 8650)", integer)
  .option("--host <host>", "listen address (default 127.0.0.1)")
  .option("--log-level <level>", "pino log level")
  .option("--clause <dir>", "clause directory with a build/ (repeatable; default: the four examples)", collect, [])
  .action(async (options: { config?: string; port?: number; host?: string; logLevel?: "info"; clause: string[] }) =>
    (await import("./commands/node.js")).runNodeCommand({ ...options, clauses: options.clause }),
  );

const job = program.command("job").description("development scheduler");
job
  .command("submit")
  .description("sign, seal and send one DAO-triggered job to a node, verify and print the CAC")
  .requiredOption("--node <url>", "node URL, e.g. http://127.0.0.1:8650")
  .option("--clause <dir>", "clause directory with a build/", "clauses/examples/flood-payout")
  .option("--set <name=value>", "an input value (repeatable)", collect, [])
  .option("--dao <address>", "the tenant's DAO timelock", "0x00000000000000000000000000000000000d4001")
  .option("--jurisdiction <iso3>", "the tenant's jurisdiction (ISO 3166-1 alpha-3)", "KEN")
  .option("--scheduler-key <hex>", "scheduler private key (default: the public dev scheduler key)")
  .option("--chain-id <id>", "chain id", integer, 31337)
  .option("--job-router <address>", "JobRouter (default: the dev placeholder)")
  .option("--node-registry <address>", "NodeRegistry (default: the dev placeholder)")
  .option("--ttl <seconds>", "token lifetime", integer, 600)
  .option("--attempt <n>", "attempt number", integer, 1)
  .action(async (options) => (await import("./commands/jobSubmit.js")).runJobSubmit(options));

try {
  await program.parseAsync();
} catch (error) {
  // Typed errors print their code and message; anything else is a bug and keeps its stack.
  if (error instanceof NsfError) {
    process.stderr.write(`nsf: ${error.code}: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
