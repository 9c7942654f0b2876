import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createCommon } from "../../relayer/common/Common.js";
import { createBundleIndex } from "../../relayer/explorer/server/createBundleIndex.js";
import { createExplorerServer, type ExplorerServer } from "../../relayer/explorer/server/createExplorerServer.js";
import { createExplorerChain, loadExplorerAbis } from "../../relayer/explorer/server/explorerChain.js";
import { parsePrometheusText } from "../../relayer/explorer/server/readRelayerMetrics.js";
import { ROOT } from "../relayer/helpers/separateNodeFixture.js";

const A = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as const;

describe("explorer server: typed answers without a chain", function () {
  let server: ExplorerServer;
  before(async () => {
    const staticDir = mkdtempSync(path.join(tmpdir(), "nsf-explorer-static-"));
    writeFileSync(path.join(staticDir, "index.html"), "<!doctype html><title>explorer</title>");
    // Port 9 (discard) on loopback: nothing listens, every RPC read is refused.
    const chain = createExplorerChain({ rpcUrl: "http://127.0.0.1:9", contracts: { clauseRegistry: A(1), nodeRegistry: A(2), jobRouter: A(3), rollupAnchor: A(4), disputeResolver: null, jurisdictionRegistry: null }, abis: loadExplorerAbis(ROOT), timeoutMs: 2_000 });
    const archive = { fetchJson: async () => ({ status: "unavailable" as const, reason: "no gateway" }), findByTags: async () => ({ status: "unavailable" as const, reason: "no gateway" }) };
    server = await createExplorerServer({ common: createCommon({ logLevel: "silent" }), chain, index: createBundleIndex({ chain, archive }), verify: { verify: async () => ({ schema: "nsf.verify-report/1", verdict: "unverifiable", checks: [] }), close: async () => undefined }, staticDir, gateway: "http://127.0.0.1:9" });
  });
  after(() => server?.close());

  const get = async (p: string, init?: RequestInit) => {
    const response = await fetch(new URL(p, server.url), init);
    return { status: response.status, body: (await response.json().catch(() => undefined)) as { error?: { code: string; source?: string } } | undefined };
  };

  it("an unreachable RPC answers 503 NSF_EXPLORER_RPC_UNREACHABLE naming the source", async () => {
    const { status, body } = await get("/api/overview");
    expect(status).to.equal(503);
    expect(body?.error).to.include({ code: "NSF_EXPLORER_RPC_UNREACHABLE", source: "rpc" });
  });

  it("a malformed id answers 400, an unknown route 404, a write 405", async () => {
    expect((await get("/api/executions/0x1234")).body?.error?.code).to.equal("NSF_EXPLORER_BAD_REQUEST");
    expect((await get("/api/nodes/not-an-address")).status).to.equal(400);
    expect((await get("/api/nothing")).status).to.equal(404);
    expect((await get("/api/overview", { method: "POST" })).status).to.equal(405);
  });

  it("serves the page for any non-API path (hash routing) and never a file outside its directory", async () => {
    const page = await fetch(new URL("/some/deep/link", server.url));
    expect(page.status).to.equal(200);
    expect(await page.text()).to.include("<title>explorer</title>");
    const escape = await fetch(new URL("/..%2f..%2fetc%2fpasswd", server.url));
    expect(await escape.text()).to.include("<title>explorer</title>");
  });

  it("parses the relayer's Prometheus text: labels, values, comment lines skipped", () => {
    const samples = parsePrometheusText('# HELP x\n# TYPE x gauge\nnsf_relayer_jobs{state="agreed"} 3\nnsf_aggregator_pending_results 1\nh_bucket{le="0.5"} 2\n');
    expect(samples).to.deep.equal([
      { name: "nsf_relayer_jobs", labels: { state: "agreed" }, value: 3 },
      { name: "nsf_aggregator_pending_results", labels: {}, value: 1 },
      { name: "h_bucket", labels: { le: "0.5" }, value: 2 },
    ]);
  });
});
