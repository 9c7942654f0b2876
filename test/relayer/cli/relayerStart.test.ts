import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnNsf } from "../../helpers/spawnNsf.js";

const A = "0x00000000000000000000000000000000000000a1";
const valid = (dir: string) => ({
  chain: { rpcUrl: "http://127.0.0.1:9", chainId: 31337 },
  contracts: { jobRouter: A, nodeRegistry: A, clauseRegistry: A, rollupAnchor: A, jurisdictionRegistry: A },
  nodes: [{ url: "http://127.0.0.1:8650", enclaveKey: "0x00000000000000000000000000000000000000b1" }],
  database: { file: path.join(dir, "relayer.db") },
  aggregator: { coSigners: [{ keyEnv: "TEST_AGG_0" }], submitter: { keyEnv: "TEST_SUBMITTER" } },
  http: { port: 0 },
});
const keys = { NSF_SCHEDULER_KEY: `0x${"11".repeat(32)}`, TEST_AGG_0: `0x${"22".repeat(32)}`, TEST_SUBMITTER: `0x${"33".repeat(32)}` };

describe("nsf relayer start: bad configuration is a typed error and exit code 1", function () {
  this.timeout(60_000);
  const dir = mkdtempSync(path.join(tmpdir(), "nsf-cli-config-"));
  const write = (name: string, content: unknown) => {
    const file = path.join(dir, name);
    writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
    return file;
  };

  it("a missing file, a file that is not JSON, and schema violations (every path named)", async () => {
    const missing = spawnNsf(["relayer", "start", "--config", path.join(dir, "nope.json")], { env: keys });
    expect((await missing.exited).code).to.equal(1);
    expect(missing.stderr()).to.match(/^nsf: NSF_CONFIG_INVALID: The relayer configuration is invalid\n\(file\): cannot read .*nope\.json: ENOENT/m);

    const garbage = spawnNsf(["relayer", "start", "--config", write("garbage.json", "{ chain: ")], { env: keys });
    expect((await garbage.exited).code).to.equal(1);
    expect(garbage.stderr()).to.include("is not JSON");

    const bad = { ...valid(dir), chain: { rpcUrl: "not a url", chainId: 0 }, aggregator: { coSigners: [] }, surprise: true };
    const schema = spawnNsf(["relayer", "start", "--config", write("bad.json", bad)], { env: keys });
    expect((await schema.exited).code).to.equal(1);
    for (const p of ["chain.rpcUrl", "chain.chainId", "aggregator.coSigners", "(config)"]) expect(schema.stderr()).to.include(p);
  });

  it("a key variable that is unset, or one key in two roles: named by variable, the value never printed", async () => {
    const unset = spawnNsf(["relayer", "start", "--config", write("ok.json", valid(dir))], { env: { ...keys, TEST_SUBMITTER: "" } });
    expect((await unset.exited).code).to.equal(1);
    expect(unset.stderr()).to.include("nsf: NSF_CONFIG_INVALID");
    expect(unset.stderr()).to.include("aggregator.submitter.keyEnv: environment variable TEST_SUBMITTER is not set");

    const shared = spawnNsf(["relayer", "start", "--config", write("ok2.json", valid(dir))], { env: { ...keys, TEST_SUBMITTER: keys.TEST_AGG_0 } });
    expect((await shared.exited).code).to.equal(1);
    expect(shared.stderr()).to.include("TEST_SUBMITTER holds the same key as aggregator.coSigners.0.keyEnv (TEST_AGG_0)");
    expect(shared.stderr()).to.not.include("22".repeat(32));
  });

  it("a valid config whose RPC endpoint is down: typed, retryable error, exit code 1, no stack trace", async () => {
    const down = spawnNsf(["relayer", "start", "--config", write("down.json", valid(dir))], { env: keys });
    expect((await down.exited).code).to.equal(1);
    expect(down.stderr()).to.match(/^nsf: NSF_RPC_UNAVAILABLE: The RPC endpoint could not be reached/m);
    expect(down.stderr()).to.not.include("    at ");
  });
});
