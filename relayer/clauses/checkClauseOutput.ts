import type { ClauseOutput } from "../core/formats/output.js";
import { ExecutorError } from "../executor/errors/ExecutorError.js";
import type { ClauseManifest } from "./clauseManifest.js";

/** The output a clause returned must match its manifest's output schema: a consumer decodes a fixed shape. */
export function checkClauseOutput(manifest: Pick<ClauseManifest, "outputs">, output: ClauseOutput): void {
  const { statuses, actions, amounts } = manifest.outputs;
  if (!statuses.includes(output.status)) throw new ExecutorError("CLAUSE_OUTPUT_INVALID", `status ${output.status} is not one of ${statuses.join(", ")}`);
  if (!actions.includes(output.action)) throw new ExecutorError("CLAUSE_OUTPUT_INVALID", `action ${JSON.stringify(output.action)} is not declared`);
  if (output.amounts.length !== amounts.length) {
    throw new ExecutorError("CLAUSE_OUTPUT_INVALID", `${output.amounts.length} amounts; the manifest declares ${amounts.length}`);
  }
}
