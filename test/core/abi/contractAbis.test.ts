import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  aggregatorV3Abi,
  clauseRegistryViewAbi,
  jobRouterAbi,
  jurisdictionRegistryAbi,
  nodeRegistryAbi,
  openDisputeAbi,
  rollupAnchorAbi,
} from "../../../relayer/core/abi/contractAbis.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
type Param = { name?: string; type: string; indexed?: boolean; components?: readonly Param[] };
type Item = { type: string; name?: string; inputs?: readonly Param[]; outputs?: readonly Param[] };

function artifactAbi(file: string, contract: string): Item[] {
  return (JSON.parse(readFileSync(path.join(root, "artifacts", file, `${contract}.json`), "utf8")) as { abi: Item[] }).abi;
}
/** Shape that decoding depends on: types (tuples recursively), indexed flags and, for events, names. */
const shape = (params: readonly Param[] | undefined, withNames: boolean): unknown =>
  (params ?? []).map((p) => ({ type: p.type, ...(p.indexed !== undefined ? { indexed: p.indexed } : {}), ...(withNames ? { name: p.name } : {}), ...(p.components ? { components: shape(p.components, withNames) } : {}) }));

function expectMatches(fragments: readonly Item[], artifact: Item[], label: string) {
  for (const f of fragments) {
    const twin = artifact.find((a) => a.type === f.type && a.name === f.name);
    expect(twin, `${label}.${f.name} exists in the artifact`).to.not.equal(undefined);
    expect(shape(f.inputs, f.type === "event"), `${label}.${f.name} inputs`).to.deep.equal(shape(twin!.inputs, f.type === "event"));
    if (f.type === "function") expect(shape(f.outputs, false), `${label}.${f.name} outputs`).to.deep.equal(shape(twin!.outputs, false));
  }
}

describe("relayer/core/abi/contractAbis (hand-written fragments vs compiled artifacts)", () => {
  it("RollupAnchor anchor, config, batchCommitment and errors match the contract", () => {
    expectMatches(rollupAnchorAbi, artifactAbi("contracts/RollupAnchor.sol", "RollupAnchor"), "RollupAnchor");
  });
  it("JobRouter events and sensorTrigger match the contract", () => {
    expectMatches(jobRouterAbi, artifactAbi("contracts/JobRouter.sol", "JobRouter"), "JobRouter");
  });
  it("NodeRegistry, ClauseRegistry and JurisdictionRegistry views and events match", () => {
    expectMatches(nodeRegistryAbi, artifactAbi("contracts/NodeRegistry.sol", "NodeRegistry"), "NodeRegistry");
    expectMatches(clauseRegistryViewAbi, artifactAbi("contracts/ClauseRegistry.sol", "ClauseRegistry"), "ClauseRegistry");
    expectMatches(jurisdictionRegistryAbi, artifactAbi("contracts/governance/JurisdictionRegistry.sol", "JurisdictionRegistry"), "JurisdictionRegistry");
  });
  it("DisputeResolver.openDispute and AggregatorV3 getRoundData match", () => {
    expectMatches(openDisputeAbi, artifactAbi("contracts/governance/DisputeResolver.sol", "DisputeResolver"), "DisputeResolver");
    expectMatches(aggregatorV3Abi, artifactAbi("contracts/mocks/DevPriceFeed.sol", "DevPriceFeed"), "DevPriceFeed");
  });
});
