import { fileURLToPath } from "node:url";
import { checkClauseOutput } from "../../relayer/clauses/checkClauseOutput.js";
import { clauseInputValues } from "../../relayer/clauses/clauseInputs.js";
import type { BuiltClauseManifest } from "../../relayer/clauses/clauseManifest.js";
import type { ClauseOutput } from "../../relayer/core/formats/output.js";
import { loadBuiltClause } from "../../relayer/executor/clauseStore/loadBuiltClause.js";
import { createSandbox, type Sandbox } from "../../relayer/executor/sandbox/createSandbox.js";

export const EXAMPLES = ["flood-payout", "pandemic-alert", "food-toxin", "emissions-penalty"] as const;
export type ExampleName = (typeof EXAMPLES)[number];

export const exampleDir = (name: ExampleName): string => fileURLToPath(new URL(`../../clauses/examples/${name}`, import.meta.url));

export type ExampleClause = {
  manifest: BuiltClauseManifest;
  wasm: Uint8Array;
  /** Runs the committed build with named inputs, through the same checks the node applies. */
  run(values: Record<string, bigint | number | string>): Promise<ClauseOutput & { stepsUsed: bigint }>;
};

/** Test helper: one example clause's committed build in a fresh sandbox. */
export async function loadExample(name: ExampleName, sandbox: Sandbox = createSandbox()): Promise<ExampleClause> {
  const { manifest, wasm } = await loadBuiltClause(exampleDir(name));
  const prepared = sandbox.prepare(manifest.codeHash as `0x${string}`, wasm);
  return {
    manifest,
    wasm,
    async run(values) {
      const strings = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
      const inputs = clauseInputValues(manifest, strings);
      const { output, stepsUsed } = await sandbox.run(prepared, inputs, BigInt(manifest.limits.steps));
      checkClauseOutput(manifest, output);
      return { ...output, stepsUsed };
    },
  };
}
