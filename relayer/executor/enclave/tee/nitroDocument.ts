import { Decoder, encode } from "cbor-x";
import { ExecutorError } from "../../errors/ExecutorError.js";

/**
 * AWS Nitro Enclaves attestation documents (aws-nitro-enclaves-nsm-api docs/attestation_process.md): a COSE_Sign1
 * (RFC 9052) over a CBOR map, decoded here with cbor-x and checked field by field against AWS's limits. Pure.
 */
export type NitroDocument = {
  /** The protected header and payload exactly as received: the signature covers these bytes. */
  protectedHeader: Uint8Array;
  payload: Uint8Array;
  signature: Uint8Array;
  moduleId: string;
  digest: "SHA384";
  timestampMs: bigint;
  pcrs: ReadonlyMap<number, Uint8Array>;
  certificate: Uint8Array;
  /** Root first, ending with the leaf's issuer. */
  cabundle: readonly Uint8Array[];
  publicKey: Uint8Array | undefined;
  userData: Uint8Array | undefined;
  nonce: Uint8Array | undefined;
};

/** AWS's payload cap is 16 KiB; the whole COSE structure adds a few hundred bytes at most. */
export const MAX_NITRO_DOCUMENT_BYTES = 16_384 + 1_024;
const ES384_PROTECTED = Uint8Array.from([0xa1, 0x01, 0x38, 0x22]); // {1: -35}
const COSE_SIGN1_TAG = 18;

// Maps stay Maps (PCR indexes are integer keys); no record extension. 8-byte integers decode as bigint.
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false } as ConstructorParameters<typeof Decoder>[0]);

const malformed = (details: string, cause?: unknown) => new ExecutorError("ATTESTATION_MALFORMED", `Nitro attestation document: ${details}`, { cause });

function decodeStrict(bytes: Uint8Array, what: string): unknown {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw malformed(`${what} is not one well-formed CBOR item`, cause);
  }
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

function bytesField(map: Map<unknown, unknown>, key: string, min: number, max: number, optional: boolean): Uint8Array | undefined {
  const value = map.get(key);
  if (value === undefined || value === null) {
    if (optional) return undefined; // real documents encode absent optional fields as CBOR null
    throw malformed(`${key} is missing`);
  }
  if (!isBytes(value) || value.length < min || value.length > max) throw malformed(`${key} must be ${min}..${max} bytes`);
  return value;
}

export function decodeNitroDocument(raw: Uint8Array): NitroDocument {
  if (raw.length > MAX_NITRO_DOCUMENT_BYTES) throw malformed(`${raw.length} bytes is more than ${MAX_NITRO_DOCUMENT_BYTES}`);
  let top = decodeStrict(raw, "the document");
  // The NSM hands out the untagged array; COSE allows the tag 18 wrapper too.
  if (top !== null && typeof top === "object" && "tag" in top && "value" in top) {
    if ((top as { tag: unknown }).tag !== COSE_SIGN1_TAG) throw malformed("tagged, but not COSE_Sign1 (tag 18)");
    top = (top as { value: unknown }).value;
  }
  if (!Array.isArray(top) || top.length !== 4) throw malformed("not a COSE_Sign1 array of four");
  const [protectedHeader, unprotected, payload, signature] = top as unknown[];
  if (!isBytes(protectedHeader) || !isBytes(payload) || !isBytes(signature)) throw malformed("COSE_Sign1 members have the wrong types");
  if (!(unprotected instanceof Map)) throw malformed("the unprotected header is not a map");
  if (!Buffer.from(protectedHeader).equals(ES384_PROTECTED)) throw malformed("the protected header is not {alg: ES384}");
  if (signature.length !== 96) throw malformed(`an ES384 signature is 96 bytes, not ${signature.length}`);
  if (payload.length > 16_384) throw malformed("the payload is larger than 16 KiB");

  const body = decodeStrict(payload, "the payload");
  if (!(body instanceof Map)) throw malformed("the payload is not a map");
  const moduleId = body.get("module_id");
  if (typeof moduleId !== "string" || moduleId.length === 0) throw malformed("module_id must be a non-empty text");
  if (body.get("digest") !== "SHA384") throw malformed("digest must be SHA384");
  const timestamp = body.get("timestamp");
  if ((typeof timestamp !== "bigint" && typeof timestamp !== "number") || BigInt(timestamp) <= 0n) throw malformed("timestamp must be a positive integer");

  const pcrMap = body.get("pcrs");
  if (!(pcrMap instanceof Map) || pcrMap.size < 1 || pcrMap.size > 32) throw malformed("pcrs must be a map of 1..32 entries");
  const pcrs = new Map<number, Uint8Array>();
  for (const [index, value] of pcrMap) {
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index > 31) throw malformed(`PCR index ${String(index)}`);
    // digest is SHA384, so every PCR is 48 bytes.
    if (!isBytes(value) || value.length !== 48) throw malformed(`PCR${index} is not 48 bytes`);
    pcrs.set(index, value);
  }
  for (const required of [0, 1, 2]) if (!pcrs.has(required)) throw malformed(`PCR${required} is missing`);

  const certificate = bytesField(body, "certificate", 1, 1024, false)!;
  const bundle = body.get("cabundle");
  if (!Array.isArray(bundle) || bundle.length < 1) throw malformed("cabundle must be a non-empty array");
  for (const entry of bundle) if (!isBytes(entry) || entry.length < 1 || entry.length > 1024) throw malformed("cabundle entries must be 1..1024 bytes");

  return {
    protectedHeader,
    payload,
    signature,
    moduleId,
    digest: "SHA384",
    timestampMs: BigInt(timestamp),
    pcrs,
    certificate,
    cabundle: bundle as Uint8Array[],
    publicKey: bytesField(body, "public_key", 1, 1024, true),
    userData: bytesField(body, "user_data", 0, 512, true),
    nonce: bytesField(body, "nonce", 0, 512, true),
  };
}

/** COSE Sig_structure for Sign1: `["Signature1", protected, h'' (no external AAD), payload]`. */
export function nitroSigStructure(document: Pick<NitroDocument, "protectedHeader" | "payload">): Uint8Array {
  // Buffers, not bare Uint8Arrays: cbor-x tags typed arrays (tag 64) but writes Buffers as plain byte strings.
  return encode(["Signature1", Buffer.from(document.protectedHeader), Buffer.alloc(0), Buffer.from(document.payload)]);
}
