import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Hex } from "viem";
import { RelayerError } from "../core/errors/RelayerError.js";
import type { ResolvedSensorBinding } from "../config/relayerConfig.js";
import type { InputProvider } from "./InputProvider.js";

/**
 * Input documents from a local directory, one file per document: `<directory>/<tenantId>/<inputCommitment>.json`
 * (lowercase hex). A DAO drops the document there (or a sync job does) before or after its proposal executes;
 * the relayer waits `inputs.waitSeconds` of chain time for it. Sensor bindings come from the configuration.
 */
export function createDirectoryInputProvider(parameters: { directory: string | undefined; sensorBindings: readonly ResolvedSensorBinding[] }): InputProvider {
  const fileOf = (tenantId: Hex, commitment: Hex) =>
    parameters.directory === undefined ? undefined : path.join(parameters.directory, tenantId.toLowerCase(), `${commitment.toLowerCase()}.json`);
  return {
    async document(tenantId, commitment) {
      const file = fileOf(tenantId, commitment);
      if (file === undefined) return undefined;
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new RelayerError("INPUT_MISSING", `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`, { cause: error });
      }
      try {
        return JSON.parse(text) as unknown;
      } catch (cause) {
        throw new RelayerError("INPUT_INVALID", `${file} is not JSON`, { cause });
      }
    },
    async sensorBinding(clauseId, tenantId) {
      const matches = parameters.sensorBindings.filter((b) => b.clauseId === clauseId.toLowerCase());
      return matches.find((b) => b.tenantId === tenantId.toLowerCase()) ?? matches.find((b) => b.tenantId === undefined);
    },
    describe(tenantId, commitment) {
      const file = fileOf(tenantId, commitment);
      return file === undefined ? "no inputs.directory is configured" : `expected at ${file}`;
    },
  };
}
