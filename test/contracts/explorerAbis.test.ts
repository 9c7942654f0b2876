import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import hre, { network } from "hardhat";
import { decodeEventLog, keccak256, toBytes, toEventSelector, type Abi, type AbiEvent, type Hex } from "viem";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { createInMemoryArweaveSource } from "../../relayer/verify/createInMemoryArweaveSource.js";
import { publicClientOf } from "../aggregator/aggregatorFixture.js";
import type { ClauseFixture } from "../helpers/fixtures.js";
import { agreedResultOf, anchorProposal, proposalOf, verifyFixture } from "../verify/verifyFixture.js";

// Explorers (issue 5 item 4): every job, node and anchor event decodes with the published ABIs (the artifacts a
// verified contract exposes), each contract's interface declares the same events, and the build output carries
// what Etherscan / Blockscout / Sourcify verification needs (standard JSON input + metadata), offline.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const artifactAbi = (source: string, name: string): Abi => (JSON.parse(readFileSync(path.join(root, "artifacts", source, `${name}.json`), "utf8")) as { abi: Abi }).abi;
const events = (abi: Abi) => abi.filter((i): i is AbiEvent => i.type === "event");
const signature = (e: AbiEvent) => `${e.name}(${e.inputs.map((i) => `${i.type}${i.indexed ? " indexed" : ""}`).join(",")})`;

const CONTRACTS = [
  { key: "jobRouter", source: "contracts/JobRouter.sol", name: "JobRouter", iface: ["contracts/interfaces/IJobRouter.sol", "IJobRouter"] },
  { key: "nodeRegistry", source: "contracts/NodeRegistry.sol", name: "NodeRegistry", iface: ["contracts/interfaces/INodeRegistry.sol", "INodeRegistry"] },
  { key: "rollupAnchor", source: "contracts/RollupAnchor.sol", name: "RollupAnchor", iface: ["contracts/interfaces/IRollupAnchor.sol", "IRollupAnchor"] },
  { key: "clauseRegistry", source: "contracts/ClauseRegistry.sol", name: "ClauseRegistry", iface: ["contracts/interfaces/IClauseRegistry.sol", "IClauseRegistry"] },
  { key: "jurisdictionRegistry", source: "contracts/governance/JurisdictionRegistry.sol", name: "JurisdictionRegistry", iface: ["contracts/interfaces/IJurisdictionRegistry.sol", "IJurisdictionRegistry"] },
] as const;

describe("explorers: published ABIs decode every event; verification inputs in the build output", function () {
  this.timeout(120_000);

  it("each contract's artifact ABI has every event its interface declares, with the same signature", () => {
    for (const c of CONTRACTS) {
      const impl = new Set(events(artifactAbi(c.source, c.name)).map(signature));
      const declared = events(artifactAbi(c.iface[0], c.iface[1])).map(signature);
      expect(declared.length, `${c.iface[1]} declares events`).to.be.greaterThan(0);
      for (const s of declared) expect(impl.has(s), `${c.name} ABI has ${s}`).to.equal(true);
    }
  });

  it("every log a full flow emits from the job, node, clause, jurisdiction and anchor contracts decodes with the artifact ABI alone", async () => {
    const connection = (await network.create()) as unknown as DevConnection;
    const f = await verifyFixture(connection);
    const arweave = createInMemoryArweaveSource();
    await anchorProposal(f, await proposalOf(f, [await agreedResultOf(f, 0), await agreedResultOf(f, 1)]), arweave);
    const client = await publicClientOf(f as unknown as ClauseFixture);
    const seen = new Set<string>();
    for (const c of CONTRACTS) {
      const address = f.network.addresses[c.key];
      const abi = artifactAbi(c.source, c.name);
      const logs = await client.getLogs({ address, fromBlock: 0n, toBlock: "latest" });
      expect(logs.length, `${c.name} emitted events`).to.be.greaterThan(0);
      for (const log of logs) {
        const decoded = decodeEventLog({ abi, data: log.data, topics: log.topics as [Hex, ...Hex[]] });
        seen.add(String(decoded.eventName));
      }
    }
    // The events a monitor follows for one execution, all present in this flow.
    for (const name of ["ClauseRegistered", "NodeRegistered", "NodeAttested", "ValidatorConfigSet", "JobRequested", "ConfigSet", "BatchAnchored", "TenantAdmitted"]) {
      expect(seen.has(name), `${name} seen and decoded`).to.equal(true);
    }
  });

  it("no two events of these contracts share a topic (an explorer never picks the wrong decoding)", () => {
    const bySelector = new Map<Hex, string>();
    for (const c of CONTRACTS) {
      for (const e of events(artifactAbi(c.source, c.name))) {
        const selector = toEventSelector(e);
        const other = bySelector.get(selector);
        if (other) expect(other, `topic ${selector}`).to.equal(signature(e));
        bySelector.set(selector, signature(e));
      }
    }
  });

  it("the build output holds the standard JSON input and each contract's metadata, whose source hashes match the input", () => {
    const dir = path.join(root, "artifacts", "build-info");
    const outputs = readdirSync(dir).filter((f) => f.endsWith(".output.json"));
    let checked = 0;
    for (const file of outputs) {
      const output = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as { output: { contracts?: Record<string, Record<string, { metadata?: string }>> } };
      const anchor = output.output.contracts?.["project/contracts/RollupAnchor.sol"]?.RollupAnchor ?? output.output.contracts?.["contracts/RollupAnchor.sol"]?.RollupAnchor;
      if (!anchor) continue;
      expect(anchor.metadata, "RollupAnchor metadata in the build output").to.be.a("string");
      const metadata = JSON.parse(anchor.metadata!) as { compiler: { version: string }; settings: { compilationTarget: Record<string, string> }; sources: Record<string, { keccak256: string }> };
      expect(Object.values(metadata.settings.compilationTarget)).to.deep.equal(["RollupAnchor"]);
      const input = JSON.parse(readFileSync(path.join(dir, file.replace(/\.output\.json$/, ".json")), "utf8")) as { solcLongVersion: string; input: { language: string; sources: Record<string, { content: string }>; settings: unknown } };
      expect(input.input.language).to.equal("Solidity");
      expect(metadata.compiler.version).to.equal(input.solcLongVersion);
      for (const [source, { keccak256: hash }] of Object.entries(metadata.sources)) {
        const content = input.input.sources[source]?.content;
        expect(content, `${source} in the standard JSON input`).to.be.a("string");
        expect(keccak256(toBytes(content!)), `${source} hash`).to.equal(hash);
      }
      checked++;
    }
    expect(checked, "a build-info with RollupAnchor").to.be.greaterThan(0);
  });

  it("hardhat-verify is configured for Etherscan, Blockscout and Sourcify without resolving any secret", () => {
    const verify = (hre.config as unknown as { verify: { etherscan: { enabled: boolean }; blockscout: { enabled: boolean }; sourcify: { enabled: boolean } } }).verify;
    expect(verify.etherscan.enabled).to.equal(true);
    expect(verify.blockscout.enabled).to.equal(true);
    expect(verify.sourcify.enabled).to.equal(true);
    expect(Object.keys(hre.tasks.rootTasks ? Object.fromEntries(hre.tasks.rootTasks) : {})).to.include("verify");
  });
});
