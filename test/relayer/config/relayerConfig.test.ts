import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { loadRelayerConfig, resolveRelayerConfig } from "../../../relayer/config/relayerConfig.js";

const KEY = `0x${"4b".repeat(32)}`;
const A = "0x00000000000000000000000000000000000000a1";
const base = () => ({
  chain: { rpcUrl: "http://127.0.0.1:8545", chainId: 31337 },
  contracts: { jobRouter: A, nodeRegistry: A, clauseRegistry: A, rollupAnchor: A, jurisdictionRegistry: A },
  nodes: [{ url: "http://127.0.0.1:8650", enclaveKey: "0x00000000000000000000000000000000000000b1" }],
  database: { file: "/tmp/relayer.db" },
});
const env = { NSF_SCHEDULER_KEY: KEY };
const codeAndDetails = (fn: () => unknown): { code: string; details: string } => {
  try {
    fn();
  } catch (error) {
    return error as { code: string; details: string };
  }
  throw new Error("expected an error");
};

describe("relayer/config/relayerConfig", () => {
  it("validates, resolves defaults and bigints, and deep-freezes", () => {
    const config = resolveRelayerConfig(base(), env);
    expect(config.chain.chainId).to.equal(31337n);
    expect(config.chain.confirmations).to.equal(2);
    expect(config.chain.startBlock).to.equal(0n);
    expect(config.dispatch.lateGraceMs).to.equal(config.dispatch.timeoutMs);
    expect(config.nodes[0]!.enclaveKey).to.equal("0x00000000000000000000000000000000000000B1");
    expect(Object.isFrozen(config.chain)).to.equal(true);
    expect(Object.isFrozen(config.nodes[0])).to.equal(true);
  });

  it("reads the scheduler key only from the named environment variable and never prints it", () => {
    const config = resolveRelayerConfig({ ...base(), scheduler: { keyEnv: "MY_KEY" } }, { MY_KEY: KEY });
    expect(config.scheduler.key.reveal()).to.equal(KEY);
    expect(JSON.stringify(config, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).to.include("[redacted]").and.not.include(KEY.slice(2));
    expect(inspect(config, { depth: 10 })).to.not.include(KEY.slice(2));
    expect(String(config.scheduler.key)).to.equal("[redacted]");
    const missing = codeAndDetails(() => resolveRelayerConfig(base(), {}));
    expect(missing.code).to.equal("NSF_CONFIG_INVALID");
    expect(missing.details).to.match(/^scheduler\.keyEnv: environment variable NSF_SCHEDULER_KEY is not set/);
    expect(codeAndDetails(() => resolveRelayerConfig(base(), { NSF_SCHEDULER_KEY: "0x1234" })).details).to.not.include("0x1234");
  });

  it("reports every schema problem with its zod path under NSF_CONFIG_INVALID", () => {
    const bad = { ...base(), chain: { rpcUrl: "not a url", chainId: -1 }, nodes: [], surprise: 1 };
    const error = codeAndDetails(() => resolveRelayerConfig(bad, env));
    expect(error.code).to.equal("NSF_CONFIG_INVALID");
    expect(error.details).to.include("chain.rpcUrl");
    expect(error.details).to.include("chain.chainId");
    expect(error.details).to.include("nodes");
    expect(error.details).to.include("(config)");
  });

  it("refuses a reorg window shorter than the confirmation depth, duplicate nodes, and half-tenant sensor bindings", () => {
    expect(codeAndDetails(() => resolveRelayerConfig({ ...base(), chain: { ...base().chain, confirmations: 10, finalityDepth: 5 } }, env)).details).to.match(/^chain\.finalityDepth/);
    const twice = { ...base(), nodes: [base().nodes[0]!, { ...base().nodes[0]!, url: "http://127.0.0.1:1" }] };
    expect(codeAndDetails(() => resolveRelayerConfig(twice, env)).details).to.match(/^nodes\.1\.enclaveKey/);
    const binding = { clause: "UNDRR::Disaster::FloodPayout@1.0.0", dao: A, answerInput: "rainfall_72h_mm_x10", values: {} };
    expect(codeAndDetails(() => resolveRelayerConfig({ ...base(), inputs: { sensorBindings: [binding] } }, env)).details).to.match(/^inputs\.sensorBindings\.0/);
    const badClause = { ...binding, clause: "nope", dao: undefined };
    expect(codeAndDetails(() => resolveRelayerConfig({ ...base(), inputs: { sensorBindings: [badClause] } }, env)).details).to.match(/^inputs\.sensorBindings\.0\.clause/);
  });

  it("layers the environment (NSF_RELAYER_*) over the file", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nsf-config-"));
    const file = path.join(dir, "relayer.json");
    writeFileSync(file, JSON.stringify(base()));
    const config = await loadRelayerConfig({ file, env: { ...env, NSF_RELAYER_RPC_URL: "http://10.0.0.1:8545", NSF_RELAYER_DATABASE: "/var/nsf/r.db" } });
    expect(config.chain.rpcUrl).to.equal("http://10.0.0.1:8545");
    expect(config.database.file).to.equal("/var/nsf/r.db");
    const unreadable = await loadRelayerConfig({ file: path.join(dir, "missing.json"), env }).catch((e: unknown) => e);
    expect(unreadable).to.have.property("code", "NSF_CONFIG_INVALID");
  });
});
