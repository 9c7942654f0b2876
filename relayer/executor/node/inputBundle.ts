import { z } from "zod";
import { ExecutorError } from "../errors/ExecutorError.js";

/** The input bundle (docs/FORMATS.md §6) as the node accepts it after decryption. */
export const InputBundleSchema = z.strictObject({
  schema: z.literal("nsf.inputs/1"),
  job_id: z.string().regex(/^0x[0-9a-f]{64}$/),
  trigger: z.looseObject({
    type: z.enum(["dao", "sensor", "simulation"]),
    commitment: z.string().regex(/^0x[0-9a-f]{64}$/),
  }),
  values: z.record(z.string(), z.string()),
  /** Only for a zk clause version: the Poseidon commitment's salt, a decimal field element (docs/FORMATS.md §6). */
  salt: z.string().regex(/^(0|[1-9][0-9]{0,76})$/).optional(),
});
export type InputBundle = z.infer<typeof InputBundleSchema>;

/** Parses decrypted bytes; never echoes their content (they are the tenant's confidential inputs). */
export function parseInputBundle(plaintext: Uint8Array): { bundle: InputBundle; json: Record<string, unknown> } {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
  } catch {
    throw new ExecutorError("INPUT_MALFORMED", "the decrypted payload is not UTF-8 JSON");
  }
  const result = InputBundleSchema.safeParse(json);
  if (!result.success) {
    throw new ExecutorError("INPUT_MALFORMED", result.error.issues.map((i) => `${i.path.join(".") || "(bundle)"}: ${i.message}`).join("; "));
  }
  return { bundle: result.data, json: json as Record<string, unknown> };
}
