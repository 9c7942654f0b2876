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

const relayer = program.command("relayer").description("the relayer daemon: watch, schedule, dispatch, aggregate, anchor");
relayer
  .command("start")
  .description("run the relayer against the chain and nodes a config file names (keys from the environment variables it names); /metrics and /status on its http endpoint")
  .requiredOption("-c, --config <file>", "relayer config (JSON; schema in relayer/config/relayerConfig.ts; NSF_RELAYER_* variables override it)")
  .action(async (options: { config: string }) => (await import("./commands/relayerStart.js")).runRelayerStart(options));

program
  .command("status")
  .description("what the chain (RollupAnchor) and a relayer (its /status endpoint) say: batches and results anchored, jobs by state, jobs in flight, recent batches")
  .option("-c, --config <file>", "a relayer config: its RPC endpoint, contracts and http endpoint (no keys needed)")
  .option("--url <url>", "a relayer's status endpoint, e.g. http://127.0.0.1:9464")
  .option("--json", "print JSON", false)
  .action(async (options: { config?: string; url?: string; json: boolean }) => (await import("./commands/status.js")).runStatus(options));

program
  .command("explorer")
  .description("the read-only proof explorer (web page + JSON API) on public data only: an RPC endpoint and an Arweave gateway; execution, clause, node, tenant and network pages")
  .option("--rpc <url>", "EVM JSON-RPC endpoint (default: the deployment's)")
  .option("--gateway <url>", "Arweave gateway (GET /<id>, POST /graphql)", "http://127.0.0.1:1984")
  .option("--deployment <file>", "a deployment file with the contract addresses (nsf dev writes .nsf/dev/deployment.json)")
  .option("--anchor <address>", "the RollupAnchor to trust (overrides the deployment's)")
  .option("--job-router <address>", "JobRouter")
  .option("--clause-registry <address>", "ClauseRegistry")
  .option("--node-registry <address>", "NodeRegistry")
  .option("--dispute-resolver <address>", "DisputeResolver (equivocation evidence)")
  .option("--jurisdiction-registry <address>", "JurisdictionRegistry (tenants)")
  .option("--metrics-url <url>", "a relayer's /metrics, for queue depth and latency on the network page")
  .option("--explorer-base-url <url>", "block explorer for deep links, e.g. https://etherscan.io")
  .option("--from-block <n>", "first block to read events from", integer)
  .option("--host <host>", "listen address", "127.0.0.1")
  .option("-p, --port <port>", "listen port (0: any free port)", between(0, 65535), 8680)
  .action(async (options) => (await import("./commands/explorer.js")).runExplorer(options));

program
  .command("verify")
  .description("verify an execution from public data only (an RPC endpoint and an Arweave gateway, never a relayer's database): anchor, aggregator signatures, bundle, CACs, executor quorum and attestation, clause version and code, Merkle inclusion, replay. Exit 0 valid, 1 invalid, 2 could not verify")
  .argument("<target>", "an execution id (0x…32 bytes), an anchor transaction hash (0x…32 bytes) or an Arweave transaction id (43 characters)")
  .option("--rpc <url>", "JSON-RPC endpoint of the chain (default: the deployment file's)")
  .option("--gateway <url>", "Arweave gateway (default http://127.0.0.1:1984, the local arlocal)")
  .option("--anchor <address>", "the RollupAnchor you trust (default: the deployment file's)")
  .option("--deployment <file>", "a deployment file (nsf.dev-deployment/1, e.g. .nsf/dev/deployment.json): RPC, chain id and contracts")
  .option("--chain-id <id>", "the chain id you expect", integer)
  .option("--job-router <address>", "narrows the JobRequested search to this JobRouter")
  .option("--clause-registry <address>", "the ClauseRegistry (default: the one the job's JobRouter names)")
  .option("--clauses <dir>", "built clause directories to find the registered module in, by code hash (repeatable; default clauses/examples)", collect, [])
  .option("--from-block <n>", "oldest block to search events from (default 0)", integer)
  .option("--json", "print the report as JSON (nsf.verify-report/1)", false)
  .action(async (target: string, options) => (await import("./commands/verify.js")).runVerify(target, options));

const clause = program.command("clause").description("clause tooling");
clause
  .command("build")
  .description("compile clause directories (clause.json + assembly/) to build/<name>.wasm and build/manifest.json with its sha-256 code hash")
  .argument("<dir...>", "clause directories")
  .action(async (dirs: string[]) => (await import("./commands/clauseBuild.js")).runClauseBuild(dirs));
clause
  .command("register")
  .description("LOCAL DEV CHAINS ONLY: register a built clause through a real proposal of a DAO of a running `nsf dev` network (votes with the node's unlocked accounts; skips voting period and timelock delay with evm_mine/evm_increaseTime)")
  .requiredOption("--deployment <file>", "the dev network's deployment file (written by nsf dev)", ".nsf/dev/deployment.json")
  .requiredOption("--dao <name>", "the proposing DAO, e.g. HealthDAO")
  .requiredOption("--clause <dir>", "clause directory with a build/ (nsf clause build)")
  .requiredOption("--jurisdiction <iso3>", "a jurisdiction the clause may run in (repeatable)", collect, [])
  .option("--quorum <k/n>", "executor quorum", "3/5")
  .option("--no-in-country", "allow executors outside the job's jurisdiction (default: in-country only)")
  .option("--priority <class>", "disaster | finance | planning", "disaster")
  .action(async (options) => {
    await (await import("./commands/clauseRegister.js")).runClauseRegister(options);
  });
clause
  .command("trigger")
  .description("LOCAL DEV CHAINS ONLY: a DAO-triggered job — writes the input document where the relayer reads it and passes a proposal calling JobRouter.requestJob with its hash")
  .requiredOption("--deployment <file>", "the dev network's deployment file (written by nsf dev)", ".nsf/dev/deployment.json")
  .requiredOption("--dao <name>", "the DAO deciding, e.g. HealthDAO")
  .requiredOption("--clause <id>", "clause id, e.g. WHO::Health::PandemicAlert@1.0.0")
  .requiredOption("--jurisdiction <iso3>", "the tenant's jurisdiction")
  .option("--set <name=value>", "an input value of the document (repeatable)", collect, [])
  .option("--memo <text>", "a memo in the input document")
  .option("--inputs <dir>", "the relayer's inputs.directory (default: the deployment's)")
  .action(async (options) => {
    await (await import("./commands/clauseTrigger.js")).runClauseTrigger(options);
  });

program
  .command("node")
  .description("run an executor node (HTTP API: health, attestation evidence, tenant payload keys, execute); `nsf node start` is the same")
  .argument("[action]", "`start` (the default and only action)", (value: string) => {
    if (value !== "start") throw new InvalidArgumentError("the only node action is `start`");
    return value;
  })
  .option("-c, --config <file>", "JSON config file (see relayer/executor/node/nodeConfig.ts)")
  .option("-p, --port <port>", "listen port (default 8650)", integer)
  .option("--host <host>", "listen address (default 127.0.0.1)")
  .option("--log-level <level>", "pino log level")
  .option("--clause <dir>", "clause directory with a build/ (repeatable; default: the four examples)", collect, [])
  .action(async (_action: string | undefined, options: { config?: string; port?: number; host?: string; logLevel?: "info"; clause: string[] }) =>
    (await import("./commands/node.js")).runNodeCommand({ ...options, clauses: options.clause }),
  );

const audit = program.command("audit").description("per-tenant audit logs: hash-chained, heads anchored with the batches");
audit
  .command("export")
  .description("one tenant's audit entries with the proofs tying its head to anchored batches (batch seq, bundle hash, Arweave id); nothing of other tenants")
  .requiredOption("-c, --config <file>", "the relayer's config (its database file, chain id and RollupAnchor; no keys needed)")
  .requiredOption("--tenant <id>", "tenant id (0x + 64 hex, H(dao, jurisdiction))")
  .option("-o, --out <file>", "write the export here (default: stdout)")
  .action(async (options: { config: string; tenant: string; out?: string }) => (await import("./commands/audit.js")).runAuditExport(options));
audit
  .command("verify")
  .description("recompute an exported audit log's chain and check its anchored heads; exit 0 valid, 1 invalid (names the first bad entry), 2 unreadable")
  .argument("<export>", "a file written by nsf audit export")
  .option("--json", "print JSON", false)
  .option("--gateway <url>", "also fetch each anchored batch's bundle from this Arweave gateway and check it hashes to the export's bundle hash and lists the head")
  .action(async (file: string, options: { json: boolean; gateway?: string }) => (await import("./commands/audit.js")).runAuditVerify(file, options));

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
  if (error instanceof NsfError) process.stderr.write(`nsf: ${error.code}: ${error.message}\n`);
  else process.stderr.write(`nsf: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
// The command has finished (long-running ones return only after their shutdown): sockets or pollers a library
// left open (HTTP keep-alive, provider polling) must not keep the process alive.
process.exit(process.exitCode ?? 0);
