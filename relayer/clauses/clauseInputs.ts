import { z } from "zod";
import { ExecutorError } from "../executor/errors/ExecutorError.js";
import type { ClauseManifest } from "./clauseManifest.js";

const DECIMAL = /^-?(0|[1-9][0-9]{0,19})$/;

/**
 * The zod schema of an input bundle's `values` for one clause (docs/FORMATS.md §6): exactly the manifest's
 * input names, each a decimal integer string inside its declared inclusive range. Nothing else passes,
 * so a clause never sees a value its author did not declare.
 */
export function clauseValuesSchema(manifest: Pick<ClauseManifest, "inputs">) {
  const shape: Record<string, z.ZodType<string>> = {};
  for (const field of manifest.inputs) {
    const min = BigInt(field.min);
    const max = BigInt(field.max);
    shape[field.name] = z
      .string()
      .regex(DECIMAL, "a decimal integer string")
      // zod runs every check even after the regex failed, so the refinement guards its own BigInt().
      .refine((s) => DECIMAL.test(s) && BigInt(s) >= min && BigInt(s) <= max, `between ${field.min} and ${field.max} (${field.unit})`);
  }
  return z.strictObject(shape);
}

/** Validated values in manifest (= ABI) order. Throws NSF_INPUT_SCHEMA_VIOLATION naming the fields, never echoing values. */
export function clauseInputValues(manifest: Pick<ClauseManifest, "inputs">, values: unknown): bigint[] {
  return clauseInputParser(manifest)(values);
}

/**
 * `clauseInputValues` for one manifest, with its schema built once: building it (and zod's first-use compilation)
 * costs several times the validation itself, so the executor keeps one parser per clause it serves.
 */
export function clauseInputParser(manifest: Pick<ClauseManifest, "inputs">): (values: unknown) => bigint[] {
  const schema = clauseValuesSchema(manifest);
  const names = manifest.inputs.map((field) => field.name);
  return (values) => {
    const result = schema.safeParse(values);
    if (!result.success) {
      const issues = result.error.issues.map((issue) => `${issue.path.join(".") || "values"}: ${issue.message}`).join("; ");
      throw new ExecutorError("INPUT_SCHEMA_VIOLATION", issues);
    }
    return names.map((name) => BigInt(result.data[name]!));
  };
}
