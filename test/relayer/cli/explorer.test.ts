import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startLocalNode, type LocalNode } from "../../../relayer/devnet/localNode.js";
import type { ExplorerErrorBody, ExplorerInfo, OverviewView } from "../../../relayer/explorer/server/ExplorerApi.js";
import { spawnNsf, type NsfProcess } from "../../helpers/spawnNsf.js";
import { ROOT } from "../helpers/separateNodeFixture.js";

const A = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
/** Contract addresses as options (no deployment file): nothing is deployed there, so every event list is empty. */
const CONTRACTS = ["--anchor", A(0xa1), "--job-router", A(0xa2), "--clause-registry", A(0xa3), "--node-registry", A(0xa4)];
const URL_LINE = /^explorer (http:\/\/127\.0\.0\.1:\d+\/) /m;

/** Starts `nsf explorer` as its own process and resolves with the URL it prints. */
async function startExplorerProcess(args: string[]): Promise<{ nsf: NsfProcess; url: string }> {
  const nsf = spawnNsf(["explorer", ...args, ...CONTRACTS, "--port", "0"]);
  // The first start in a fresh clone builds the page with Vite (.nsf/explorer-web) before it listens.
  await nsf.waitFor(URL_LINE, 120_000);
  return { nsf, url: URL_LINE.exec(nsf.stdout())![1]! };
}

async function stop(nsf: NsfProcess | undefined) {
  if (!nsf || nsf.child.exitCode !== null) return;
  nsf.child.kill("SIGINT");
  await nsf.exited;
}

describe("nsf explorer as its own process: prints its URL, serves page and API, typed errors for bad arguments", function () {
  this.timeout(180_000);
  let node: LocalNode;
  let running: NsfProcess | undefined;
  before(async () => {
    node = await startLocalNode({ cwd: ROOT });
  });
  afterEach(() => stop(running));
  after(() => node?.stop());

  it("against a local chain: the printed URL serves the page, /api/info and /api/overview; Ctrl-C exits 0", async () => {
    const { nsf, url } = await startExplorerProcess(["--rpc", node.url]);
    running = nsf;
    expect(nsf.stdout()).to.include(`RPC ${node.url}`);
    const page = await fetch(url);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.match(/<div id="root">/);
    const info = (await (await fetch(new URL("/api/info", url))).json()) as ExplorerInfo;
    expect(info).to.include({ schema: "nsf.explorer-info/1", chainId: "31337", metricsConfigured: false });
    expect(info.contracts.rollupAnchor?.toLowerCase()).to.equal(A(0xa1));
    const overview = await fetch(new URL("/api/overview", url));
    expect(overview.status).to.equal(200);
    const o = (await overview.json()) as OverviewView;
    const reply = await fetch(node.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }) });
    const head = BigInt(((await reply.json()) as { result: string }).result);
    expect(BigInt(o.latestBlock) <= head).to.equal(true);
    expect(o).to.deep.include({ executions: [], batches: [], relayer: { configured: false } });
    nsf.child.kill("SIGINT");
    expect((await nsf.exited).code).to.equal(0);
  });

  it("an unreachable RPC endpoint: it still starts, and the API the page renders says the chain cannot be read (503, typed)", async () => {
    const { nsf, url } = await startExplorerProcess(["--rpc", "http://127.0.0.1:9"]);
    running = nsf;
    const overview = await fetch(new URL("/api/overview", url));
    expect(overview.status).to.equal(503);
    const body = (await overview.json()) as ExplorerErrorBody;
    expect(body.error).to.include({ code: "NSF_EXPLORER_RPC_UNREACHABLE", source: "rpc" });
    expect(body.error.message).to.match(/^the RPC endpoint could not be read \(latest block\)/);
  });

  it("bad arguments: typed error on stderr, exit code 1, no stack trace", async () => {
    const cases: { args: string[]; stderr: RegExp }[] = [
      { args: ["--rpc", "not-a-url", ...CONTRACTS], stderr: /^nsf: NSF_CLI_INVALID_ARGUMENT: --rpc must be an http\(s\) URL, got not-a-url/m },
      { args: ["--rpc", node.url, ...CONTRACTS, "--anchor", "0x1234"], stderr: /NSF_CLI_INVALID_ARGUMENT: --anchor must be an address/ },
      { args: ["--rpc", node.url, ...CONTRACTS, "--port", "70000"], stderr: /option '-p, --port <port>' argument '70000' is invalid\. must be between 0 and 65535/ },
    ];
    // Each is a process start (~3 s of tsx on a loaded machine): one case per kind of argument.
    const runs = cases.map((c) => ({ c, nsf: spawnNsf(["explorer", ...c.args]) }));
    for (const { c, nsf } of runs) {
      const { code } = await nsf.exited;
      expect(code, c.args.join(" ")).to.equal(1);
      expect(nsf.stderr(), c.args.join(" ")).to.match(c.stderr);
      expect(nsf.stderr()).to.not.include("    at ");
    }
  });

  it("a port already in use: NSF_EXPLORER_LISTEN_FAILED naming the address, exit code 1", async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const nsf = spawnNsf(["explorer", "--rpc", node.url, ...CONTRACTS, "--port", String(port)]);
      expect((await nsf.exited).code).to.equal(1);
      expect(nsf.stderr()).to.match(new RegExp(`^nsf: NSF_EXPLORER_LISTEN_FAILED: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`, "m"));
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
