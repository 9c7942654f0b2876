import { expect } from "chai";
import { inspect } from "node:util";
import { loadRelayerConfig, resolveRelayerConfig } from "../../../relayer/config/relayerConfig.js";

const A = "0x00000000000000000000000000000000000000a1";
const key = (byte: string) => `0x${byte.repeat(32)}`;
const base = () => ({
  chain: { rpcUrl: "https://rpc.example.org/v1/SECRET-PROVIDER-KEY", chainId: 31337 },
  contracts: { jobRouter: A, nodeRegistry: A, clauseRegistry: A, rollupAnchor: A, jurisdictionRegistry: A },
  nodes: [{ url: "http://127.0.0.1:8650", enclaveKey: "0x00000000000000000000000000000000000000b1" }],
  database: { file: "/tmp/relayer.db" },
  aggregator: { coSigners: [{ keyEnv: "AGG_0" }, { keyEnv: "AGG_1" }], submitter: { keyEnv: "SUBMITTER" } },
});
const env = { NSF_SCHEDULER_KEY: key("11"), AGG_0: key("22"), AGG_1: key("33"), SUBMITTER: key("44") };
const failure = (fn: () => unknown): { code: string; details: string } => {
  try {
    fn();
  } catch (error) {
    return error as { code: string; details: string };
  }
  throw new Error("expected an error");
};

describe("relayer/config/relayerConfig: aggregator and http sections", () => {
  it("resolves co-signer and submitter keys from the variables the config names, with defaults, and never prints them", () => {
    const config = resolveRelayerConfig(base(), env);
    const aggregator = config.aggregator!;
    expect(aggregator.coSigners.map((c) => c.key.reveal())).to.deep.equal([key("22"), key("33")]);
    expect(aggregator.submitter.key.reveal()).to.equal(key("44"));
    expect(aggregator.batchWindowMs).to.equal(5_000);
    expect(aggregator.fees.maxFeePerGasCap).to.equal(200_000_000_000n);
    expect(config.http).to.deep.equal({ enabled: true, host: "127.0.0.1", port: 9464 });
    const printed = inspect(config, { depth: 10 }) + JSON.stringify(config, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    for (const byte of ["22", "33", "44"]) expect(printed).to.not.include(byte.repeat(32));
  });

  it("is optional for part A alone", () => {
    const { aggregator: _omitted, ...partA } = base();
    expect(resolveRelayerConfig(partA, { NSF_SCHEDULER_KEY: key("11") }).aggregator).to.equal(undefined);
  });

  it("refuses a missing or malformed key with the path and the variable, never the value", () => {
    const missing = failure(() => resolveRelayerConfig(base(), { ...env, AGG_1: undefined }));
    expect(missing.code).to.equal("NSF_CONFIG_INVALID");
    expect(missing.details).to.match(/^aggregator\.coSigners\.1\.keyEnv: environment variable AGG_1 is not set/);
    const malformed = failure(() => resolveRelayerConfig(base(), { ...env, SUBMITTER: "0xdeadbeef" }));
    expect(malformed.details).to.match(/^aggregator\.submitter\.keyEnv: environment variable SUBMITTER is not a 32-byte hex private key/);
    expect(malformed.details).to.not.include("deadbeef");
  });

  it("refuses one key in two roles or two co-signers (DESIGN.md §2: keys are never shared)", () => {
    const twoCoSigners = failure(() => resolveRelayerConfig(base(), { ...env, AGG_1: key("22") }));
    expect(twoCoSigners.code).to.equal("NSF_CONFIG_INVALID");
    expect(twoCoSigners.details).to.match(/^aggregator\.coSigners\.1\.keyEnv: AGG_1 holds the same key as aggregator\.coSigners\.0\.keyEnv \(AGG_0\)/);
    const schedulerAsSubmitter = failure(() => resolveRelayerConfig(base(), { ...env, SUBMITTER: key("11") }));
    expect(schedulerAsSubmitter.details).to.match(/^aggregator\.submitter\.keyEnv: SUBMITTER holds the same key as scheduler \(NSF_SCHEDULER_KEY\)/);
  });

  it("validates the sections' shapes with their zod paths", () => {
    const bad = { ...base(), aggregator: { coSigners: [], batchWindowMs: -1, fees: { maxFeePerGasCapWei: "1e9" } }, http: { port: 70_000 } };
    const error = failure(() => resolveRelayerConfig(bad, env));
    expect(error.code).to.equal("NSF_CONFIG_INVALID");
    for (const path of ["aggregator.coSigners", "aggregator.batchWindowMs", "aggregator.fees.maxFeePerGasCapWei", "http.port"]) expect(error.details).to.include(path);
  });

  it("takes the status port from NSF_RELAYER_HTTP_PORT, and reports a non-number under http.port", async () => {
    const config = await loadRelayerConfig({ input: base(), env: { ...env, NSF_RELAYER_HTTP_PORT: "0" } });
    expect(config.http.port).to.equal(0);
    const error = await loadRelayerConfig({ input: base(), env: { ...env, NSF_RELAYER_HTTP_PORT: "nine" } }).catch((e: unknown) => e as { code: string; details: string });
    expect(error).to.have.property("code", "NSF_CONFIG_INVALID");
    expect((error as { details: string }).details).to.include("http.port");
  });

  it("faultReporter (ADR 0014): optional; its key from the variable it names, never printed, never another role's", () => {
    expect(resolveRelayerConfig(base(), env).faultReporter).to.equal(undefined);
    const config = resolveRelayerConfig({ ...base(), faultReporter: { keyEnv: "FAULTS" } }, { ...env, FAULTS: key("55") });
    expect(config.faultReporter!.key.reveal()).to.equal(key("55"));
    expect(inspect(config, { depth: 10 })).to.not.include("55".repeat(32));
    expect(JSON.stringify(config.faultReporter)).to.not.include("55".repeat(32));
    const missing = failure(() => resolveRelayerConfig({ ...base(), faultReporter: { keyEnv: "FAULTS" } }, env));
    expect(missing.code).to.equal("NSF_CONFIG_INVALID");
    expect(missing.details).to.include("faultReporter.keyEnv").and.include("FAULTS");
    const shared = failure(() => resolveRelayerConfig({ ...base(), faultReporter: { keyEnv: "FAULTS" } }, { ...env, FAULTS: key("44") }));
    expect(shared.details).to.equal("faultReporter.keyEnv: FAULTS holds the same key as SUBMITTER; every role needs its own key");
  });
});
