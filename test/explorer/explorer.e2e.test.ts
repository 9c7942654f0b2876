import { expect } from "chai";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { keccak256, toBytes, type Hex } from "viem";
import { startLocalArweave, type LocalArweave } from "../../relayer/archive/startLocalArweave.js";
import { createCommon } from "../../relayer/common/Common.js";
import { resolveRelayerConfig } from "../../relayer/config/relayerConfig.js";
import { archiveDevBundles } from "./archiveBundles.js";
import { devRelayerConfig } from "../../relayer/devnet/devRelayerConfig.js";
import { silentProgress } from "../../relayer/devnet/progress.js";
import { waitForAnchors } from "../../relayer/devnet/waitForAnchors.js";
import { createExplorerVerifier } from "../../relayer/explorer/createExplorerVerifier.js";
import type { ExplorerServer } from "../../relayer/explorer/server/createExplorerServer.js";
import { explorerContractsOf, startExplorer } from "../../relayer/explorer/startExplorer.js";
import { createRelayer, type Relayer } from "../../relayer/relayer/createRelayer.js";
import { createGatewayArweaveSource } from "../../relayer/verify/createGatewayArweaveSource.js";
import { separateNodeFixture, ROOT, type SeparateNodeFixture } from "../relayer/helpers/separateNodeFixture.js";
import { launchChromium } from "./launchChromium.js";

/** Screenshots for the README when NSF_EXPLORER_SCREENSHOTS=1 (never in CI: the committed ones are the reference). */
const SCREENSHOTS = process.env.NSF_EXPLORER_SCREENSHOTS === "1" ? path.join(ROOT, "docs", "explorer") : undefined;

describe("nsf explorer in headless Chromium against a local network (hardhat node, executors, relayer, arlocal)", function () {
  this.timeout(300_000);
  let f: SeparateNodeFixture;
  let relayer: Relayer;
  let arweave: LocalArweave;
  let explorer: ExplorerServer;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let good: Hex;
  let tampered: Hex;
  let goodBatch: bigint;
  let tamperedBatch: bigint;
  const pageDir = mkdtempSync(path.join(tmpdir(), "nsf-explorer-page-"));

  /**
   * The relayer does not upload bundles yet (issue 5's uploader): the dev archiving step posts the relayer's bundle
   * bytes to arlocal with the bundle tags — or, for the tampered execution, a copy with one CAC's output hash altered.
   */
  async function archive(batchSeq: bigint, tamper?: (bundle: { results: { cacs: { cac: { hash_graph: { output_hash: string } } }[] }[] }) => void) {
    const original = relayer.batches.bundleJson(batchSeq)!;
    let bytes = original;
    if (tamper) {
      const doc = JSON.parse(original) as Parameters<NonNullable<typeof tamper>>[0];
      tamper(doc);
      bytes = JSON.stringify(doc);
    }
    await archiveDevBundles(arweave, [{ batchSeq, chainId: f.dev.network.chainId, rollupAnchor: f.dev.network.addresses.rollupAnchor, bytes, bundleHash: keccak256(toBytes(original)) }]);
  }

  async function anchorFlood(answer: bigint) {
    const jobId = await f.fireFlood(answer);
    const [anchored] = await waitForAnchors({ jobs: relayer.jobs, batches: relayer.batches, watch: [{ jobId, label: "flood" }], progress: silentProgress, signal: new AbortController().signal, timeoutMs: 90_000, pollMs: 50 });
    return { jobId, batchSeq: anchored!.batchSeq };
  }

  before(async () => {
    [f, arweave, chromium] = await Promise.all([separateNodeFixture({ blockTimeMs: 500 }), startLocalArweave(), launchChromium()]);
    const dir = mkdtempSync(path.join(tmpdir(), "nsf-explorer-relayer-"));
    const { input, env } = devRelayerConfig({
      rpcUrl: f.node.url,
      network: f.dev.network,
      nodes: f.executors,
      startBlock: await f.client.getBlockNumber(),
      databaseFile: path.join(dir, "relayer.db"),
      inputsDirectory: path.join(dir, "inputs"),
      batchWindowMs: 300,
      pollIntervalMs: 100,
      httpPort: 0,
      logLevel: "silent",
    });
    relayer = await createRelayer({ common: createCommon({ logLevel: "silent" }), config: resolveRelayerConfig(input, env) });
    await relayer.start();

    const first = await anchorFlood(1_875n);
    good = first.jobId;
    goodBatch = first.batchSeq;
    await archive(first.batchSeq);
    const second = await anchorFlood(1_900n);
    tampered = second.jobId;
    tamperedBatch = second.batchSeq;
    // One executor's CAC in the archived copy now claims another output: the bytes no longer hash to the anchored bundleHash.
    await archive(second.batchSeq, (bundle) => {
      bundle.results[0]!.cacs[0]!.cac.hash_graph.output_hash = `0x${"ee".repeat(32)}`;
    });

    const addresses = f.dev.network.addresses;
    explorer = await startExplorer({
      common: createCommon({ logLevel: "silent" }),
      rpcUrl: f.node.url,
      gateway: arweave.url,
      archive: createGatewayArweaveSource({ gateway: arweave.url }),
      verify: createExplorerVerifier({ rpcUrl: f.node.url, gateway: arweave.url, rollupAnchor: addresses.rollupAnchor, jobRouter: addresses.jobRouter, chainId: f.dev.network.chainId }),
      contracts: explorerContractsOf(addresses),
      metricsUrl: `${relayer.statusUrl}/metrics`,
      explorerBaseUrl: "https://explorer.example",
      pageDir,
    });
    page = await chromium.browser.newPage({ viewport: { width: 1200, height: 900 } });
    // A page error fails loudly in the test output instead of as a silent timeout.
    page.on("pageerror", (error) => process.stderr.write(`[explorer page error] ${error.message}\n`));
    page.on("console", (message) => message.type() === "error" && process.stderr.write(`[explorer console] ${message.text()}\n`));
  });

  after(async () => {
    await page?.close().catch(() => undefined);
    await chromium?.close().catch(() => undefined);
    await explorer?.close();
    await relayer?.stop().catch(() => undefined);
    await arweave?.stop();
    await f?.close();
  });

  const shot = async (name: string) => {
    if (!SCREENSHOTS) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };

  it("the overview lists both executions and the anchored batches; the keyboard reaches an execution", async () => {
    await page.goto(explorer.url);
    await page.getByRole("heading", { name: "Network overview" }).waitFor();
    const links = page.getByTestId("execution-link");
    expect(await links.count()).to.equal(2);
    expect(await page.locator("body").innerText()).to.include("Anchored batches");
    // The relayer's queue per priority class (nsf_relayer_queue_depth): every class listed, both floods finished.
    const queue = page.getByTestId("queue-by-class");
    await queue.waitFor();
    const rows = await queue.locator("tbody tr").evaluateAll((els) => els.map((e) => [e.getAttribute("data-class"), e.querySelector('[data-col="waiting"]')?.textContent]));
    expect(rows).to.deep.equal([
      ["disaster", "0"],
      ["finance", "0"],
      ["planning", "0"],
    ]);
    await shot("overview");
    // Keyboard only: "/" focuses the search box, typing an id and Enter opens that execution.
    await page.keyboard.press("/");
    await page.keyboard.type(good);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: /Execution/ }).waitFor();
    expect(page.url()).to.include(`#/execution/${good}`);
  });

  it("an honest execution: the evidence chain is drawn and every check of the verification core passes", async () => {
    await page.goto(`${explorer.url}#/execution/${good}`);
    const verdict = page.getByTestId("verdict");
    await verdict.waitFor();
    const statuses = await page.locator("[data-check]").evaluateAll((els) => els.map((e) => [e.getAttribute("data-check"), e.getAttribute("data-status")]));
    expect(statuses.length).to.be.greaterThan(10);
    expect(statuses.filter(([, s]) => s !== "pass"), "checks that did not pass").to.deep.equal([]);
    expect(await verdict.innerText()).to.include("Every check passed");
    const chain = await page.locator(".evidence-chain").innerText();
    for (const step of ["Trigger", "Job", "Selected nodes", "CACs", "Batch", "Anchor transaction", "Arweave bundle"]) expect(chain).to.include(step);
    expect(chain).to.include("3 of 3 agree");
    expect(await page.locator(".cac.disagree").count()).to.equal(0);
    // The bundle download is the archived document.
    const download = await page.getByTestId("bundle-download").getAttribute("href");
    const bundle = (await (await fetch(new URL(download!, explorer.url))).json()) as { schema: string };
    expect(bundle.schema).to.equal("nsf.bundle/1");
    await shot("execution-valid");
  });

  it("a tampered bundle: the failing check is named and the disagreeing CAC is highlighted", async () => {
    await page.goto(`${explorer.url}#/execution/${tampered}`);
    await page.getByTestId("verdict").waitFor();
    expect(await page.getByTestId("verdict").innerText()).to.include("Verification FAILED");
    expect(await page.getByTestId("failed-check").innerText()).to.equal("bundle.hash");
    expect(await page.locator('[data-check="bundle.hash"]').getAttribute("data-status")).to.equal("fail");
    expect(await page.locator(".cac.disagree").count()).to.equal(1);
    await shot("execution-tampered");
  });

  it("clause, node and tenant pages render from chain events (governance history, attestation, quota)", async () => {
    const info = (await (await fetch(new URL(`/api/executions/${good}`, explorer.url))).json()) as { job: { clauseId: Hex; tenantId: Hex }; nodes: { enclaveKey: Hex }[] };
    await page.goto(`${explorer.url}#/clause/${info.job.clauseId}`);
    await page.getByRole("heading", { name: /Clause UNDRR::Disaster::FloodPayout/ }).waitFor();
    const kinds = await page.locator(".governance li").evaluateAll((els) => els.map((e) => e.getAttribute("data-kind")));
    for (const kind of ["ProposalCreated", "VoteCast", "ProposalQueued", "ProposalExecuted"]) expect(kinds).to.include(kind);
    await shot("clause");
    await page.goto(`${explorer.url}#/node/${info.nodes[0]!.enclaveKey}`);
    await page.getByRole("heading", { name: /Node/ }).waitFor();
    const nodeText = await page.locator("main").innerText();
    expect(nodeText).to.include("KEN");
    expect(nodeText).to.match(/valid until/);
    await page.goto(`${explorer.url}#/tenant/${info.job.tenantId}`);
    await page.getByRole("heading", { name: /Tenant/ }).waitFor();
    expect(await page.locator("main").innerText()).to.match(/p50 \d+ s/);
    // The audit-log head comes from the anchored bundles: the tampered copy of the second batch is flagged, so the
    // head shown is the one the honest first batch anchored, with its anchor transaction.
    const head = await page.getByTestId("audit-head").innerText();
    expect(head).to.include(`anchored in batch ${goodBatch} by`);
    const anchors = await page.locator("[data-testid=audit-anchors] tbody tr").evaluateAll((els) => els.map((e) => [e.getAttribute("data-batch"), e.getAttribute("data-matches")]));
    expect(anchors).to.deep.equal([
      [tamperedBatch.toString(), "false"],
      [goodBatch.toString(), "true"],
    ]);
    await shot("tenant");
  });

  it("an unreachable RPC endpoint gives a page that says so", async () => {
    const addresses = f.dev.network.addresses;
    const dead = await startExplorer({
      common: createCommon({ logLevel: "silent" }),
      rpcUrl: "http://127.0.0.1:9",
      gateway: arweave.url,
      archive: createGatewayArweaveSource({ gateway: arweave.url }),
      verify: createExplorerVerifier({ rpcUrl: "http://127.0.0.1:9", gateway: arweave.url, rollupAnchor: addresses.rollupAnchor, jobRouter: addresses.jobRouter }),
      contracts: explorerContractsOf(addresses),
      pageDir,
    });
    try {
      await page.goto(dead.url);
      const alert = page.getByRole("alert");
      await alert.waitFor();
      expect(await alert.innerText()).to.include("The chain cannot be read");
      await shot("rpc-unreachable");
    } finally {
      await dead.close();
    }
  });
});
