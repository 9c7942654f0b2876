import { z } from "zod";
import { parseClauseId } from "../core/formats/clauseRef.js";
import { actionToBytes32 } from "../core/formats/output.js";
import { ExecutorError } from "../executor/errors/ExecutorError.js";
import { CLAUSE_ABI, MAX_AMOUNTS, MAX_INPUTS } from "../executor/sandbox/clauseAbi.js";
import { DEFAULT_SANDBOX_LIMITS } from "../executor/sandbox/sandboxLimits.js";

/**
 * A clause manifest (`clause.json` beside the source; `build/manifest.json` with `codeHash` filled in).
 * It declares the clause id, the ABI, the per-clause step limit and memory, the input schema (named
 * int64 values in ABI order, each with its inclusive range) and the output schema (allowed statuses and
 * actions, and the exact list of amounts). The node validates every input against it before a run and
 * every output after it. Format: docs/FORMATS.md §10.
 */
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const DECIMAL = /^-?(0|[1-9][0-9]*)$/;
const NAME = /^[a-z][a-z0-9_]{0,63}$/;
const HASH = /^0x[0-9a-f]{64}$/;

const decimalInt64 = z
  .string()
  .regex(DECIMAL, "a decimal integer string")
  // zod runs every check even after the regex failed, so the refinement guards its own BigInt().
  .refine((s) => DECIMAL.test(s) && BigInt(s) >= I64_MIN && BigInt(s) <= I64_MAX, "within int64");

const InputFieldSchema = z.strictObject({
  name: z.string().regex(NAME, "lower snake_case, at most 64 characters"),
  type: z.literal("int64"),
  min: decimalInt64,
  max: decimalInt64,
  unit: z.string().max(80),
  description: z.string().max(400),
});

const ClauseManifestShape = {
  schema: z.literal("nsf.clause-manifest/1"),
  clauseId: z.string(),
  version: z.string().regex(/^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[A-Za-z0-9]{1,16})?$/),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "lower kebab-case"),
  description: z.string().max(1000),
  abi: z.literal(CLAUSE_ABI),
  entry: z.string().regex(/^[A-Za-z0-9_./-]+\.ts$/).refine((p) => !p.split("/").includes(".."), "inside the clause directory"),
  limits: z.strictObject({
    steps: z.number().int().positive().max(Number(DEFAULT_SANDBOX_LIMITS.maxSteps)),
    memoryPages: z.number().int().positive().max(DEFAULT_SANDBOX_LIMITS.maxMemoryPages),
  }),
  parameters: z.record(z.string().regex(NAME), z.string().max(80)),
  inputs: z.array(InputFieldSchema).max(MAX_INPUTS),
  outputs: z.strictObject({
    statuses: z.array(z.number().int().min(0).max(0xffff)).min(1),
    actions: z.array(z.string()).min(1),
    amounts: z.array(z.strictObject({ name: z.string().regex(NAME), unit: z.string().max(80) })).max(MAX_AMOUNTS),
  }),
};

export const ClauseManifestSchema = z.strictObject(ClauseManifestShape).superRefine(crossCheck);
export const BuiltClauseManifestSchema = z
  .strictObject({
    ...ClauseManifestShape,
    codeHash: z.string().regex(HASH, "0x-prefixed lowercase sha-256"),
    wasm: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}\.wasm$/),
  })
  .superRefine(crossCheck);

export type ClauseManifest = z.infer<typeof ClauseManifestSchema>;
export type BuiltClauseManifest = z.infer<typeof BuiltClauseManifestSchema>;
export type ClauseInputField = z.infer<typeof InputFieldSchema>;

function crossCheck(manifest: z.infer<z.ZodObject<typeof ClauseManifestShape>>, ctx: z.RefinementCtx): void {
  try {
    const ref = parseClauseId(manifest.clauseId);
    const version = `${ref.major}.${ref.minor}.${ref.patch}${ref.fork ? `-${ref.fork}` : ""}`;
    if (version !== manifest.version) ctx.addIssue({ code: "custom", path: ["version"], message: `must equal the clause id's version ${version}` });
  } catch (error) {
    ctx.addIssue({ code: "custom", path: ["clauseId"], message: error instanceof Error ? error.message : String(error) });
  }
  const seen = new Set<string>();
  manifest.inputs.forEach((field, i) => {
    if (seen.has(field.name)) ctx.addIssue({ code: "custom", path: ["inputs", i, "name"], message: "duplicate input name" });
    seen.add(field.name);
    if (DECIMAL.test(field.min) && DECIMAL.test(field.max) && BigInt(field.min) > BigInt(field.max)) ctx.addIssue({ code: "custom", path: ["inputs", i], message: "min > max" });
  });
  manifest.outputs.actions.forEach((action, i) => {
    try {
      actionToBytes32(action);
    } catch {
      ctx.addIssue({ code: "custom", path: ["outputs", "actions", i], message: "at most 31 printable ASCII characters" });
    }
  });
}

/** Parses a manifest (source or built), turning zod issues into one typed error. */
export function parseClauseManifest(json: unknown, kind: "source"): ClauseManifest;
export function parseClauseManifest(json: unknown, kind: "built"): BuiltClauseManifest;
export function parseClauseManifest(json: unknown, kind: "source" | "built"): ClauseManifest | BuiltClauseManifest {
  const result = (kind === "built" ? BuiltClauseManifestSchema : ClauseManifestSchema).safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
    throw new ExecutorError("CLAUSE_MANIFEST_INVALID", issues);
  }
  return result.data;
}
