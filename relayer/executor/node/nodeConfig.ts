import { readFile } from "node:fs/promises";
import { ZK_CIRCUIT_NAMES, type ZkCircuitName } from "../../zk/zkCircuits.js";
import { z } from "zod";
import { getAddress, toBytes, type Address, type Hex } from "viem";
import { sha256Of } from "../../core/formats/ids.js";
import { devAccount, devPrivateKey } from "../../devnet/devKeys.js";
import { ExecutorError } from "../errors/ExecutorError.js";
import { DEFAULT_MAX_PAYLOAD_BYTES } from "./createJobExecutor.js";

/**
 * `nsf node` configuration: one zod schema, validated, then resolved (defaults, dev keys), then frozen.
 * Sources, lowest precedence first: defaults, the JSON file given with `--config`, environment variables
 * (`NSF_NODE_*`, read here and nowhere else), command-line flags.
 */
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "32-byte hex");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address").transform((a) => getAddress(a));

/** The simulated enclave's default measurement; the devnet registers the same value (relayer/devnet/nodes.ts). */
export const DEV_SIMULATED_MEASUREMENT: Hex = sha256Of(toBytes("NSF simulated enclave runtime (UNSAFE FOR PRODUCTION) v1"));
/** Placeholder contract addresses for the in-memory chain (nothing is deployed there). */
export const DEV_DEPLOYMENTS = {
  jobRouter: getAddress("0x000000000000000000000000000000000000a001"),
  rollupAnchor: getAddress("0x000000000000000000000000000000000000a002"),
  nodeRegistry: getAddress("0x000000000000000000000000000000000000a003"),
  clauseRegistry: getAddress("0x000000000000000000000000000000000000a004"),
};
export const DEFAULT_CLAUSE_DIRS = ["flood-payout", "pandemic-alert", "food-toxin", "emissions-penalty"].map((n) => `clauses/examples/${n}`);

export const NodeConfigSchema = z.strictObject({
  host: z.string().default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(8650),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  chain: z
    .discriminatedUnion("mode", [
      z.strictObject({
        /** DEVELOPMENT: an in-memory chain following the wall clock, every local clause registered and active. */
        mode: z.literal("memory"),
        chainId: z.number().int().positive().default(31337),
        /** Scheduler keys the fake NodeRegistry accepts; defaults to the public dev scheduler key. */
        schedulers: z.array(address).optional(),
      }),
      z.strictObject({ mode: z.literal("rpc"), rpcUrl: z.string().url() }),
    ])
    .default({ mode: "memory", chainId: 31337 }),
  deployments: z
    .strictObject({ jobRouter: address, rollupAnchor: address, nodeRegistry: address, clauseRegistry: address })
    .optional(),
  /** Clause directories holding `build/manifest.json` (the output of `nsf clause build`). */
  clauses: z.array(z.string()).min(1).default(DEFAULT_CLAUSE_DIRS),
  /** zk clause versions this node proves (ADR 0016): a committed circuit and the directory of its WASM twin. */
  zkClauses: z.array(z.strictObject({ circuit: z.enum(ZK_CIRCUIT_NAMES as [ZkCircuitName, ...ZkCircuitName[]]), twin: z.string() })).default([]),
  tee: z
    .strictObject({
      backend: z.literal("simulated"),
      measurement: hex32.default(DEV_SIMULATED_MEASUREMENT),
      /** The dev attestation root's key; defaults to the public dev key validators pin in development. */
      devRootKey: hex32.optional(),
    })
    .default({ backend: "simulated", measurement: DEV_SIMULATED_MEASUREMENT }),
  attestation: z
    .strictObject({
      /** Nonce of the registration evidence produced at start-up. */
      nonce: hex32.default(`0x${"00".repeat(32)}`),
      /** The attestation id NodeRegistry holds for this node; defaults to the start-up evidence's. */
      attestationId: hex32.optional(),
    })
    .default({ nonce: `0x${"00".repeat(32)}` }),
  sandbox: z
    .strictObject({
      /** Wall-clock guard per run (second line behind step metering). */
      wallClockMs: z.number().int().positive().default(2000),
      workers: z.number().int().min(1).max(64).default(1),
    })
    .default({ wallClockMs: 2000, workers: 1 }),
  maxPayloadBytes: z.number().int().positive().max(16 * 1024 * 1024).default(DEFAULT_MAX_PAYLOAD_BYTES),
});

export type NodeConfigInput = z.input<typeof NodeConfigSchema>;

export type NodeConfig = Readonly<{
  host: string;
  port: number;
  logLevel: z.infer<typeof NodeConfigSchema>["logLevel"];
  chain: { mode: "memory"; chainId: bigint; schedulers: readonly Address[] } | { mode: "rpc"; rpcUrl: string };
  deployments: { jobRouter: Address; rollupAnchor: Address; nodeRegistry: Address; clauseRegistry: Address };
  clauses: readonly string[];
  zkClauses: readonly { circuit: ZkCircuitName; twin: string }[];
  tee: { backend: "simulated"; measurement: Hex; devRootKey: Hex };
  attestation: { nonce: Hex; attestationId: Hex | undefined };
  sandbox: { wallClockMs: number; workers: number };
  maxPayloadBytes: number;
}>;

/** Validates and resolves; every problem is reported at once as NSF_CONFIG_INVALID. */
export function resolveNodeConfig(input: unknown): NodeConfig {
  const result = NodeConfigSchema.safeParse(input);
  if (!result.success) {
    throw new ExecutorError("CONFIG_INVALID", result.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; "));
  }
  const c = result.data;
  if (c.chain.mode === "rpc" && !c.deployments) throw new ExecutorError("CONFIG_INVALID", "deployments: required with chain.mode = rpc");
  const resolved: NodeConfig = {
    host: c.host,
    port: c.port,
    logLevel: c.logLevel,
    chain:
      c.chain.mode === "memory"
        ? { mode: "memory", chainId: BigInt(c.chain.chainId), schedulers: Object.freeze(c.chain.schedulers ?? [devAccount("scheduler", 0).address]) }
        : { mode: "rpc", rpcUrl: c.chain.rpcUrl },
    deployments: (c.deployments ?? DEV_DEPLOYMENTS) as NodeConfig["deployments"],
    clauses: Object.freeze([...c.clauses]),
    zkClauses: Object.freeze(c.zkClauses.map((z) => ({ ...z }))),
    tee: { backend: "simulated", measurement: c.tee.measurement.toLowerCase() as Hex, devRootKey: (c.tee.devRootKey ?? devPrivateKey("dev-attestation-root", 0)) as Hex },
    attestation: { nonce: c.attestation.nonce.toLowerCase() as Hex, attestationId: c.attestation.attestationId?.toLowerCase() as Hex | undefined },
    sandbox: c.sandbox,
    maxPayloadBytes: c.maxPayloadBytes,
  };
  return deepFreeze(resolved);
}

/** File, then environment, then flags (shallow merge per top-level key; flags win). */
export async function loadNodeConfig(options: { file?: string; flags?: NodeConfigInput; env?: NodeJS.ProcessEnv } = {}): Promise<NodeConfig> {
  let fromFile: Record<string, unknown> = {};
  if (options.file) {
    try {
      fromFile = JSON.parse(await readFile(options.file, "utf8")) as Record<string, unknown>;
    } catch (cause) {
      throw new ExecutorError("CONFIG_INVALID", `cannot read ${options.file} as JSON`, { cause });
    }
  }
  const env = options.env ?? process.env;
  const fromEnv: Record<string, unknown> = {};
  if (env.NSF_NODE_PORT) fromEnv.port = Number(env.NSF_NODE_PORT);
  if (env.NSF_NODE_HOST) fromEnv.host = env.NSF_NODE_HOST;
  if (env.NSF_NODE_LOG_LEVEL) fromEnv.logLevel = env.NSF_NODE_LOG_LEVEL;
  if (env.NSF_NODE_RPC_URL) fromEnv.chain = { mode: "rpc", rpcUrl: env.NSF_NODE_RPC_URL };
  const defined = Object.fromEntries(Object.entries(options.flags ?? {}).filter(([, v]) => v !== undefined));
  return resolveNodeConfig({ ...fromFile, ...fromEnv, ...defined });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
