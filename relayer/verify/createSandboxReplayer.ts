import type { Hex } from "viem";
import { checkClauseOutput } from "../clauses/checkClauseOutput.js";
import { clauseInputParser } from "../clauses/clauseInputs.js";
import { parseClauseManifest } from "../clauses/clauseManifest.js";
import { NsfError } from "../core/errors/NsfError.js";
import { encodeClauseOutput } from "../core/formats/output.js";
import type { ClauseReplayer } from "../core/verify/verifyEvidence.js";
import { createSandbox, type Sandbox } from "../executor/sandbox/createSandbox.js";

/**
 * Replays a clause the way an executor node runs it (relayer/executor/node/createJobExecutor.ts): the manifest's
 * input schema over the bundle's `values`, a fresh instance of the validated, metered module with the manifest's
 * step limit, the output checked against the manifest and ABI-encoded (docs/FORMATS.md §5, §10).
 */
export function createSandboxReplayer(options: { sandbox?: Sandbox } = {}): ClauseReplayer & { close(): Promise<void> } {
  const sandbox = options.sandbox ?? createSandbox();
  const replay: ClauseReplayer = async (code, inputBundle) => {
    try {
      const manifest = parseClauseManifest(code.manifest, "built");
      const values = (inputBundle as { values?: unknown } | null)?.values;
      const inputs = clauseInputParser(manifest)(values);
      const prepared = sandbox.prepare(manifest.codeHash as Hex, code.wasm);
      const { output } = await sandbox.run(prepared, inputs, BigInt(manifest.limits.steps));
      checkClauseOutput(manifest, output);
      return { ok: true, output: encodeClauseOutput(output) };
    } catch (error) {
      return { ok: false, reason: error instanceof NsfError ? `${error.code}: ${error.shortMessage}` : error instanceof Error ? error.message : String(error) };
    }
  };
  return Object.assign(replay, { close: () => sandbox.close() });
}
