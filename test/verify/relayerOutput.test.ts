import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Hex } from "viem";
import { createCommon } from "../../relayer/common/Common.js";
import { resolveRelayerConfig } from "../../relayer/config/relayerConfig.js";
import { devRelayerConfig } from "../../relayer/devnet/devRelayerConfig.js";
import { silentProgress } from "../../relayer/devnet/progress.js";
import { exampleClauseDir } from "../../relayer/devnet/setUpDevNetwork.js";
import { waitForAnchors } from "../../relayer/devnet/waitForAnchors.js";
import { createRelayer } from "../../relayer/relayer/createRelayer.js";
import { BUNDLE_APP_NAME, BundleTag } from "../../relayer/verify/ArweaveSource.js";
import { createDirectoryCodeSource } from "../../relayer/verify/createDirectoryCodeSource.js";
import { createInMemoryArweaveSource } from "../../relayer/verify/createInMemoryArweaveSource.js";
import { createRpcChainSource } from "../../relayer/verify/createRpcChainSource.js";
import { createSandboxReplayer } from "../../relayer/verify/createSandboxReplayer.js";
import { verifyFromPublicData } from "../../relayer/verify/verifyFromPublicData.js";
import { separateNodeFixture, type SeparateNodeFixture } from "../relayer/helpers/separateNodeFixture.js";

/**
 * What the product produces verifies: real executor nodes (HTTP, simulated enclave, metered WASM) execute a
 * sensor-triggered flood job, the relayer agrees, batches, co-signs and anchors it on a separate hardhat node;
 * the verifier, given only the node's RPC, the bundle in an archive (taken from the relayer's store here, standing
 * in for the Arweave upload) and the RollupAnchor address, passes every check, the replay of the real module included.
 */
describe("nsf verify core over the relayer's own output (separate hardhat node, real executors and relayer)", function () {
  this.timeout(240_000);
  let f: SeparateNodeFixture;
  before(async () => {
    f = await separateNodeFixture({ blockTimeMs: 500 });
  });
  after(async () => {
    await f?.close();
  });

  it("a relayer-anchored flood execution verifies from public data alone, found by its tags (the anchor's locator is zero until the uploader lands)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nsf-verify-relayer-"));
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
    const relayer = await createRelayer({ common: createCommon({ logLevel: "silent" }), config: resolveRelayerConfig(input, env) });
    await relayer.start();
    const replay = createSandboxReplayer();
    try {
      const jobId = (await f.fireFlood(1_875n)).toLowerCase() as Hex;
      const [anchored] = await waitForAnchors({ jobs: relayer.jobs, batches: relayer.batches, watch: [{ jobId, label: "flood" }], progress: silentProgress, signal: new AbortController().signal, timeoutMs: 90_000, pollMs: 50 });
      const arweave = createInMemoryArweaveSource();
      arweave.put("relayer-bundle-".padEnd(43, "x"), JSON.parse(relayer.batches.bundleJson(anchored!.batchSeq)!), {
        [BundleTag.AppName]: BUNDLE_APP_NAME,
        [BundleTag.ChainId]: f.dev.network.chainId.toString(),
        [BundleTag.BatchSeq]: anchored!.batchSeq.toString(),
      });
      const report = await verifyFromPublicData(
        { kind: "execution", jobId },
        {
          sources: { chain: createRpcChainSource({ client: f.client }), arweave, code: createDirectoryCodeSource([exampleClauseDir("flood-payout")]) },
          rollupAnchor: f.dev.network.addresses.rollupAnchor,
          chainId: f.dev.network.chainId,
          replay,
        },
      );
      expect(report.verdict, JSON.stringify(report.checks.filter((c) => c.status !== "pass"), null, 1)).to.equal("valid");
      expect(report.checks.find((c) => c.name === "replay")!.status).to.equal("pass");
      expect(report.checks.find((c) => c.name === "executors.attestation")!.reason).to.include("located in KEN");
      expect(report.executions[0]!.signers).to.have.length(3);
    } finally {
      await replay.close();
      await relayer.stop();
    }
  });
});
