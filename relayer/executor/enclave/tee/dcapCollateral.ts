import { z } from "zod";
import { INTEL_TCB_STATUSES } from "../../../core/formats/teeRuntime.js";
import { ExecutorError } from "../../errors/ExecutorError.js";
import { verifyP256 } from "./ecdsa.js";
import type { ParsedCertificate } from "./certificates.js";

/**
 * Intel's signed collateral for DCAP: TCB Info (v3, SGX and TDX) and QE Identity (v2), as Intel PCS serves them.
 * The signature covers the exact bytes of the `tcbInfo` / `enclaveIdentity` value as served, so callers keep
 * those bytes (`SignedJson.body`) and we parse the same bytes we verified; JSON is never re-serialised.
 */
export type SignedJson = { body: string; signature: Uint8Array };

/** Intel's statuses; the list lives with the CAC formats because runtime_info reports them too. */
export const TCB_STATUSES = INTEL_TCB_STATUSES;
export type IntelTcbStatus = (typeof TCB_STATUSES)[number];

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`));
const isoDate = z.string().datetime({ offset: false });
// Unknown statuses fail the schema: fail closed on anything Intel adds later until we know what it means.
const status = z.enum(TCB_STATUSES);
const svn = z.object({ svn: z.number().int().min(0).max(255) });

const TcbLevelSchema = z.object({
  tcb: z.object({ sgxtcbcomponents: z.array(svn).length(16), pcesvn: z.number().int().min(0).max(0xffff), tdxtcbcomponents: z.array(svn).length(16).optional() }),
  tcbDate: isoDate,
  tcbStatus: status,
  advisoryIDs: z.array(z.string()).optional(),
});
const QeTcbLevelSchema = z.object({ tcb: z.object({ isvsvn: z.number().int().min(0).max(0xffff) }), tcbDate: isoDate, tcbStatus: status, advisoryIDs: z.array(z.string()).optional() });
const TdxModuleIdentitySchema = z.object({ id: z.string(), mrsigner: hex(48), attributes: hex(8), attributesMask: hex(8), tcbLevels: z.array(QeTcbLevelSchema).min(1) });

export const TcbInfoSchema = z.object({
  id: z.enum(["SGX", "TDX"]),
  version: z.literal(3),
  issueDate: isoDate,
  nextUpdate: isoDate,
  fmspc: hex(6),
  pceId: hex(2),
  tcbType: z.literal(0),
  tcbEvaluationDataNumber: z.number().int().nonnegative(),
  tdxModule: z.object({ mrsigner: hex(48), attributes: hex(8), attributesMask: hex(8) }).optional(),
  tdxModuleIdentities: z.array(TdxModuleIdentitySchema).optional(),
  tcbLevels: z.array(TcbLevelSchema).min(1),
});
export type TcbInfo = z.infer<typeof TcbInfoSchema>;
export type TcbLevel = z.infer<typeof TcbLevelSchema>;
export type QeTcbLevel = z.infer<typeof QeTcbLevelSchema>;

export const QeIdentitySchema = z.object({
  id: z.enum(["QE", "TD_QE"]),
  version: z.literal(2),
  issueDate: isoDate,
  nextUpdate: isoDate,
  tcbEvaluationDataNumber: z.number().int().nonnegative(),
  miscselect: hex(4),
  miscselectMask: hex(4),
  attributes: hex(16),
  attributesMask: hex(16),
  mrsigner: hex(32),
  isvprodid: z.number().int().min(0).max(0xffff),
  tcbLevels: z.array(QeTcbLevelSchema).min(1),
});
export type QeIdentity = z.infer<typeof QeIdentitySchema>;

const invalid = (details: string) => new ExecutorError("ATTESTATION_COLLATERAL_INVALID", details);

/** Verifies `signed` with the TCB signing key, then parses the verified bytes. */
function verifiedJson<T>(signed: SignedJson, signer: ParsedCertificate, schema: z.ZodType<T>, what: string): T {
  if (!verifyP256(signed.signature, new TextEncoder().encode(signed.body), signer.publicKey)) {
    throw invalid(`${what}: the signature does not verify under "${signer.commonName}"`);
  }
  let json: unknown;
  try {
    json = JSON.parse(signed.body);
  } catch {
    throw invalid(`${what}: not JSON`);
  }
  const result = schema.safeParse(json);
  if (!result.success) throw invalid(`${what}: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return result.data;
}

export const verifiedTcbInfo = (signed: SignedJson, signer: ParsedCertificate) => verifiedJson(signed, signer, TcbInfoSchema, "TCB Info");
export const verifiedQeIdentity = (signed: SignedJson, signer: ParsedCertificate) => verifiedJson(signed, signer, QeIdentitySchema, "QE Identity");

export const isoSeconds = (iso: string): bigint => BigInt(Date.parse(iso) / 1000);

export function requireCurrent(item: { issueDate: string; nextUpdate: string }, at: bigint, what: string): void {
  if (at < isoSeconds(item.issueDate) || at >= isoSeconds(item.nextUpdate)) {
    throw new ExecutorError("ATTESTATION_OUTSIDE_VALIDITY", `${what} is current ${item.issueDate} … ${item.nextUpdate}, verification time ${new Date(Number(at) * 1000).toISOString()}`);
  }
}

/**
 * Cuts the exact text of `{"<key>": <value>, "signature": "<hex>"}` (Intel PCS's response body) into the signed
 * value's bytes and the signature, without re-serialising: a string-aware brace scan finds the value's end.
 */
export function splitSignedJson(text: string, key: "tcbInfo" | "enclaveIdentity"): SignedJson {
  const head = text.indexOf(`"${key}"`);
  const start = head < 0 ? -1 : text.indexOf("{", head);
  if (start < 0) throw new ExecutorError("ATTESTATION_MALFORMED", `collateral: no "${key}" object`);
  let depth = 0;
  let inString = false;
  let end = -1;
  for (let i = start; i < text.length && end < 0; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) end = i + 1;
  }
  if (end < 0) throw new ExecutorError("ATTESTATION_MALFORMED", `collateral: "${key}" is not closed`);
  let signature: unknown;
  try {
    signature = (JSON.parse(text) as { signature?: unknown }).signature;
  } catch {
    throw new ExecutorError("ATTESTATION_MALFORMED", "collateral: not JSON");
  }
  if (typeof signature !== "string" || !/^[0-9a-fA-F]{128}$/.test(signature)) throw new ExecutorError("ATTESTATION_MALFORMED", `collateral: "${key}" has no 64-byte signature`);
  return { body: text.slice(start, end), signature: new Uint8Array(Buffer.from(signature, "hex")) };
}
