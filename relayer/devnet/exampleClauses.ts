import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Hex } from "viem";
import { sha256Of } from "../core/formats/ids.js";
import { OutputStatus } from "../core/formats/enums.js";
import type { ClauseOutput } from "../core/formats/output.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const floodDir = path.join(root, "clauses/examples/flood-payout/build");
const floodManifest = JSON.parse(readFileSync(path.join(floodDir, "manifest.json"), "utf8")) as {
  clauseId: string;
  parameters: Record<string, string>;
};

/** The flood payout example clause: its id, WASM code hash and the parameters the script needs. */
export const FLOOD_CLAUSE = {
  id: floodManifest.clauseId,
  codeHash: sha256Of(readFileSync(path.join(floodDir, "flood-payout.wasm"))) as Hex,
  action: "Payout:FloodRelief",
  thresholdTenthsMm: BigInt(floodManifest.parameters.trigger_mm_x10!),
};

/**
 * SCRIPTED STAND-IN for the WASM run: the flood clause's rule in TypeScript (manifest parameters).
 * Replaced by the executor's metered WASM sandbox when the demo moves onto the executor runtime.
 */
export function floodPayout(rainfallTenthsMm: bigint, households: bigint): ClauseOutput {
  const p = floodManifest.parameters;
  if (rainfallTenthsMm >= BigInt(p.severe_mm_x10!)) {
    return { status: OutputStatus.Triggered, action: "Payout:FloodRelief", amounts: [households * BigInt(p.tier2_per_household!)] };
  }
  if (rainfallTenthsMm >= BigInt(p.trigger_mm_x10!)) {
    return { status: OutputStatus.Triggered, action: "Payout:FloodRelief", amounts: [households * BigInt(p.tier1_per_household!)] };
  }
  return { status: OutputStatus.NoAction, action: "", amounts: [0n] };
}
