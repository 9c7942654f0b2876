import { z } from "zod";
import { getAddress, type Hex } from "viem";
import type { JobToken } from "../../core/formats/eip712.js";
import { ExecutorError } from "../errors/ExecutorError.js";

/**
 * The body of `POST /v1/execute` (docs/FORMATS.md §11.2): a job token (docs/FORMATS.md §4) in JSON, the
 * scheduler's 65-byte EIP-712 signature over it, and the input bundle sealed with ECIES to the tenant's
 * payload key. uint64 values travel as decimal strings; smaller integers as JSON numbers.
 */
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "32-byte hex");
const uint = (max: number) => z.number().int().min(0).max(max);

export const JobTokenJsonSchema = z.strictObject({
  jobId: hex32,
  clauseId: hex32,
  clauseVersion: uint(2 ** 48 - 1),
  codeHash: hex32,
  tenantId: hex32,
  executor: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address"),
  attempt: z.number().int().min(1).max(0xffffffff),
  inputHash: hex32,
  triggerType: uint(2),
  expiresAt: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,19})$/)
    .refine((s) => /^[0-9]{1,20}$/.test(s) && BigInt(s) < 1n << 64n, "a uint64"),
});
export type JobTokenJson = z.infer<typeof JobTokenJsonSchema>;

export const JobRequestSchema = z.strictObject({
  token: JobTokenJsonSchema,
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "65-byte hex signature"),
  payload: z.string().regex(/^0x([0-9a-fA-F]{2})+$/, "hex ciphertext"),
});

export type JobRequest = { token: JobToken; signature: Hex; payload: Uint8Array };

const lower = (value: string) => value.toLowerCase() as Hex;

export function jobTokenFromJson(json: JobTokenJson): JobToken {
  return {
    jobId: lower(json.jobId),
    clauseId: lower(json.clauseId),
    clauseVersion: json.clauseVersion,
    codeHash: lower(json.codeHash),
    tenantId: lower(json.tenantId),
    executor: getAddress(json.executor),
    attempt: json.attempt,
    inputHash: lower(json.inputHash),
    triggerType: json.triggerType,
    expiresAt: BigInt(json.expiresAt),
  };
}

export function jobTokenToJson(token: JobToken): JobTokenJson {
  return { ...token, executor: getAddress(token.executor), expiresAt: token.expiresAt.toString() };
}

/** Scheduler side: the request body for one dispatch. */
export function encodeJobRequest(token: JobToken, signature: Hex, payload: Uint8Array): z.input<typeof JobRequestSchema> {
  return { token: jobTokenToJson(token), signature, payload: `0x${Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString("hex")}` };
}

/**
 * Node side. The payload cap is checked on the hex length before decoding, so an oversized payload costs
 * nothing but the read. Errors never echo the request (the reply goes to whoever sent it, but logs do not).
 */
export function parseJobRequest(body: unknown, options: { maxPayloadBytes: number }): JobRequest {
  const payloadHex = (body as { payload?: unknown } | null)?.payload;
  if (typeof payloadHex === "string" && (payloadHex.length - 2) / 2 > options.maxPayloadBytes) {
    throw new ExecutorError("PAYLOAD_TOO_LARGE", `${Math.floor((payloadHex.length - 2) / 2)} bytes; the cap is ${options.maxPayloadBytes}`);
  }
  const result = JobRequestSchema.safeParse(body);
  if (!result.success) {
    throw new ExecutorError("REQUEST_MALFORMED", result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; "));
  }
  return {
    token: jobTokenFromJson(result.data.token),
    signature: lower(result.data.signature),
    // The schema admitted only an even number of hex digits: Node's decoder reads them all.
    payload: new Uint8Array(Buffer.from(result.data.payload.slice(2), "hex")),
  };
}
