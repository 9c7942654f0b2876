import { z } from "zod";
import { getAddress, keccak256, recoverTypedDataAddress, type Address, type Hex } from "viem";
import { InvalidFormatError } from "../errors/NsfError.js";
import { createCacDigester } from "../batching/cacDigestFast.js";
import { bytesToHexFast, type Keccak } from "../batching/hashing.js";
import { canonicalJsonHash } from "../formats/canonicalJson.js";
import { clauseIdOf, formatClauseId, packClauseVersion, parseClauseId } from "../formats/clauseRef.js";
import { cacDigest, cacTypedData, DOMAIN_VERSION, DomainName, type Cac, type Deployment } from "../formats/eip712.js";
import { runtimeHashOf, type RuntimeFacts } from "../formats/ids.js";
import { RUNTIME_TCB_STATUSES, teeVendorOf, type RuntimeTcbStatus, type RuntimeVendor } from "../formats/teeRuntime.js";
import { decodeClauseOutput, encodeClauseOutput, outputHashOf } from "../formats/output.js";
import { ZkError } from "../zk/ZkError.js";
import { ZkProofEnvelopeSchema, parseZkProofEnvelope, type ParsedZkProof, type ZkProofEnvelope } from "../zk/zkProofEnvelope.js";
import { fieldBinding } from "../zk/zkPublicSignals.js";

/**
 * The CAC in JSON (docs/FORMATS.md §11): the readable fields of the NSF CAC schema (clause_id,
 * execution_id, timestamp, trigger, inputs, outputs, runtime_info, governance_scope, tenant_info,
 * hash_graph), every one of them either a field of the EIP-712 `CAC` struct or a preimage that re-hashes
 * to one. `cacFromJson` recomputes every hash, so a JSON that verifies is the CAC that was signed.
 * Pure: no I/O.
 */
export const CAC_JSON_SCHEMA = "nsf.cac/1";

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "0x-prefixed lowercase 32-byte hex");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address");
const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, "a non-negative decimal string");

export const CacJsonSchema = z.strictObject({
  schema: z.literal(CAC_JSON_SCHEMA),
  clause_id: z.string(),
  execution_id: hex32,
  /** Chain time (seconds) when the enclave signed. */
  timestamp: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  trigger: z.strictObject({
    type: z.enum(["dao", "sensor", "simulation"]),
    attempt: z.number().int().min(1).max(0xffffffff),
    commitment: hex32,
  }),
  inputs: z.union([
    z.strictObject({
      /** The nsf.inputs/1 bundle (docs/FORMATS.md §6); `inputHash = keccak256(JCS(bundle))`. */
      bundle: z.record(z.string(), z.unknown()),
    }),
    /**
     * A zk CAC (docs/FORMATS.md §11.3) never carries the private inputs: only their hash (the signed
     * `inputHash`) and the Poseidon commitment the proof exposes as public signal 2.
     */
    z.strictObject({ input_hash: hex32, input_commitment: decimal }),
  ]),
  outputs: z.strictObject({
    /** `abi.encode(uint16 status, bytes32 action, uint256[] amounts)` (docs/FORMATS.md §5). */
    encoded: z.string().regex(/^0x([0-9a-f]{2})*$/),
    status: z.number().int().min(0).max(0xffff),
    action: z.string(),
    amounts: z.array(decimal),
  }),
  runtime_info: z.strictObject({
    type: z.literal("TEE"),
    tee_type: z.number().int().min(1).max(255),
    /** The normalized vendor of `tee_type` (docs/FORMATS.md §11); not hashed, because `tee_type` is and names it. */
    vendor: z.string(),
    simulated: z.boolean(),
    measurement: hex32,
    enclave_key: address,
    attestation_id: hex32,
    /** The NodeRegistry registration the node ran under (`verdictIdOf`, docs/FORMATS.md §1); in the runtime hash. */
    verdict_id: hex32,
    /** The TCB status the validators accepted (NotApplicable: simulated, Nitro); in the runtime hash. */
    tcb_status: z.enum(RUNTIME_TCB_STATUSES),
    /** Informational, not hashed: facts about the run that every honest executor reproduces. */
    sandbox: z.strictObject({ abi: z.string(), step_limit: decimal, steps_used: decimal, memory_pages: z.number().int() }),
  }),
  governance_scope: z.strictObject({
    clause_id_hash: hex32,
    clause_version: z.number().int().min(0).max(2 ** 48 - 1),
    code_hash: hex32,
    /** The clause config digest (docs/FORMATS.md §2) in force. */
    config_digest: hex32,
  }),
  tenant_info: z.strictObject({ tenant_id: hex32 }),
  hash_graph: z.strictObject({
    eip712_domain: z.strictObject({
      name: z.literal(DomainName.RollupAnchor),
      version: z.literal(DOMAIN_VERSION),
      chain_id: decimal,
      verifying_contract: address,
    }),
    input_hash: hex32,
    output_hash: hex32,
    runtime_hash: hex32,
    cac_digest: hex32,
  }),
  /** The proof of execution of a zk clause version (docs/FORMATS.md §18), outside the signed struct. */
  zk: ZkProofEnvelopeSchema.optional(),
});
export type CacJson = z.infer<typeof CacJsonSchema>;

export const TRIGGER_TYPE_NAMES = ["dao", "sensor", "simulation"] as const;

function vendorOrThrow(teeType: number): RuntimeVendor {
  const vendor = teeVendorOf(teeType);
  if (!vendor) throw new InvalidFormatError("TEE type", teeType, "a known TEE type (docs/FORMATS.md §1)");
  return vendor;
}

export type CacJsonParts = {
  clauseId: string;
  cac: Cac;
  anchor: Deployment;
  triggerType: number;
  triggerCommitment: Hex;
  /** The input bundle, in the clear; ignored when `zk` is given (a zk CAC carries only the hash and commitment). */
  inputBundle: Record<string, unknown>;
  /** For a zk clause version: the proof whose public signals bind this CAC's job, clause and output. */
  zk?: ZkProofEnvelope;
  encodedOutput: Hex;
  runtime: RuntimeFacts & { simulated: boolean; tcbStatus: RuntimeTcbStatus };
  sandbox: { abi: string; stepLimit: bigint; stepsUsed: bigint; memoryPages: number };
};

/**
 * Assembles the JSON form of a CAC the caller has built (and will sign) from the same parts. `cacDigest` may be
 * passed when the caller has already computed `cacDigest(parts.anchor, parts.cac)` (e.g. with the fixed-layout
 * digester of relayer/core/batching/cacDigestFast.ts); otherwise it is computed here with viem.
 */
export function buildCacJson(parts: CacJsonParts, options: { cacDigest?: Hex } = {}): CacJson {
  const { cac, anchor } = parts;
  const output = decodeClauseOutput(parts.encodedOutput);
  const triggerName = TRIGGER_TYPE_NAMES[parts.triggerType];
  if (!triggerName) throw new InvalidFormatError("trigger type", parts.triggerType, "0 (dao), 1 (sensor) or 2 (simulation)");
  const json: CacJson = {
    schema: CAC_JSON_SCHEMA,
    clause_id: parts.clauseId,
    execution_id: cac.jobId.toLowerCase(),
    timestamp: Number(cac.timestamp),
    trigger: { type: triggerName, attempt: cac.attempt, commitment: parts.triggerCommitment.toLowerCase() },
    inputs: parts.zk
      ? { input_hash: cac.inputHash.toLowerCase(), input_commitment: parts.zk.public_signals[2] ?? "" }
      : { bundle: parts.inputBundle },
    outputs: { encoded: parts.encodedOutput.toLowerCase(), status: output.status, action: output.action, amounts: output.amounts.map(String) },
    runtime_info: {
      type: "TEE",
      tee_type: parts.runtime.teeType,
      vendor: vendorOrThrow(parts.runtime.teeType),
      simulated: parts.runtime.simulated,
      measurement: parts.runtime.measurement.toLowerCase(),
      enclave_key: getAddress(parts.runtime.enclaveKey),
      attestation_id: parts.runtime.attestationId.toLowerCase(),
      verdict_id: parts.runtime.verdictId.toLowerCase(),
      tcb_status: parts.runtime.tcbStatus,
      sandbox: {
        abi: parts.sandbox.abi,
        step_limit: parts.sandbox.stepLimit.toString(),
        steps_used: parts.sandbox.stepsUsed.toString(),
        memory_pages: parts.sandbox.memoryPages,
      },
    },
    governance_scope: {
      clause_id_hash: cac.clauseId.toLowerCase(),
      clause_version: cac.clauseVersion,
      code_hash: cac.codeHash.toLowerCase(),
      config_digest: cac.configDigest.toLowerCase(),
    },
    tenant_info: { tenant_id: cac.tenantId.toLowerCase() },
    hash_graph: {
      eip712_domain: { name: DomainName.RollupAnchor, version: DOMAIN_VERSION, chain_id: BigInt(anchor.chainId).toString(), verifying_contract: getAddress(anchor.address) },
      input_hash: cac.inputHash.toLowerCase(),
      output_hash: cac.outputHash.toLowerCase(),
      runtime_hash: cac.runtimeHash.toLowerCase(),
      cac_digest: (options.cacDigest ?? cacDigest(anchor, cac)).toLowerCase(),
    },
    ...(parts.zk ? { zk: parts.zk } : {}),
  };
  // Not re-verified here (it would double the hashing on the node's hot path); the tests check that
  // `cacFromJson(buildCacJson(parts))` round-trips for every field.
  return json;
}

/** The hashes `cacFromJson` recomputes; injectable so the relayer's hot path can run WASM keccak and caches. */
export type CacJsonHashing = {
  /** `clauseIdOf` and the packed version of a clause id string (validated). */
  clause(id: string): { clauseId: Hex; version: number };
  /** `keccak256(utf8(JCS(bundle)))`. */
  inputHash(bundle: Record<string, unknown>): Hex;
  /** `keccak256(encoded)`. */
  outputHash(encoded: Hex): Hex;
  runtimeHash(runtime: RuntimeFacts): Hex;
  cacDigest(anchor: Deployment, cac: Cac): Hex;
};

/** viem and @noble, no state: what `cacFromJson` uses. */
const VIEM_HASHING: CacJsonHashing = {
  clause: (id) => ({ clauseId: clauseIdOf(id), version: packClauseVersion(parseClauseId(id)) }),
  inputHash: (bundle) => canonicalJsonHash(bundle),
  outputHash: (encoded) => keccak256(encoded),
  runtimeHash: runtimeHashOf,
  cacDigest,
};

/**
 * Parses a CAC JSON and recomputes every derived value: clause id hash and packed version from the id
 * string, inputHash from the bundle, outputHash from the encoded output (and the readable output from it),
 * runtimeHash from the runtime facts, and the EIP-712 digest from all of them. Throws on any mismatch.
 */
/** What `cacFromJson` returns; `zk` is the parsed proof of a zk CAC (not yet verified against its circuit). */
export type ParsedCacJson = { cac: Cac; anchor: Deployment; digest: Hex; json: CacJson; zk?: ParsedZkProof };

export function cacFromJson(input: unknown): ParsedCacJson {
  return parseCacJson(input, VIEM_HASHING);
}

export type CacJsonParser = typeof cacFromJson;

/**
 * `cacFromJson` for a hot path: the same checks, the same results (tests compare both on valid and tampered
 * CACs), with `keccak` (pass the WASM one) for every hash, the fixed-layout CAC digester per anchor, and bounded
 * caches for what repeats across CACs (keyed by the exact strings, so a cached value is what the uncached call
 * returned for the same input): a clause id's hash and version, a node's runtime hash. Not shared between
 * threads (the digesters reuse buffers); one per dispatcher.
 */
export function createCacJsonParser(options: { keccak: Keccak; cacheSize?: number }): CacJsonParser {
  const { keccak } = options;
  const cacheSize = options.cacheSize ?? 1024;
  const remember = <K, V>(cache: Map<K, V>, key: K, make: () => V): V => {
    let value = cache.get(key);
    if (value === undefined) {
      value = make();
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      cache.set(key, value);
    }
    return value;
  };
  const clauses = new Map<string, { clauseId: Hex; version: number }>();
  const runtimes = new Map<string, Hex>();
  const digesters = new Map<string, (cac: Cac) => Uint8Array>();
  const encoder = new TextEncoder();
  const hashing: CacJsonHashing = {
    clause: (id) => remember(clauses, id, () => ({ clauseId: bytesToHexFast(keccak(encoder.encode(formatClauseId(parseClauseId(id))))), version: packClauseVersion(parseClauseId(id)) })),
    inputHash: (bundle) => canonicalJsonHash(bundle, keccak),
    outputHash: (encoded) => outputHashOf(encoded, keccak),
    runtimeHash: (r) =>
      remember(runtimes, `${r.teeType}:${r.measurement}:${r.enclaveKey}:${r.attestationId}:${r.verdictId}:${r.tcbStatus}`, () => runtimeHashOf(r)),
    cacDigest: (anchor, cac) => bytesToHexFast(remember(digesters, `${anchor.chainId}:${anchor.address.toLowerCase()}`, () => createCacDigester(anchor, keccak))(cac)),
  };
  return (input) => parseCacJson(input, hashing);
}

function parseCacJson(input: unknown, hashing: CacJsonHashing): ParsedCacJson {
  const parsed = CacJsonSchema.safeParse(input);
  if (!parsed.success) throw new InvalidFormatError("CAC JSON", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "), "nsf.cac/1 (docs/FORMATS.md §11)");
  const json = parsed.data;
  const mismatch = (what: string, expected: unknown, got: unknown) => new InvalidFormatError(`CAC JSON ${what}`, got, `must equal ${String(expected)}`);

  const clause = hashing.clause(json.clause_id);
  if (clause.clauseId !== json.governance_scope.clause_id_hash) throw mismatch("governance_scope.clause_id_hash", clause.clauseId, json.governance_scope.clause_id_hash);
  if (clause.version !== json.governance_scope.clause_version) throw mismatch("governance_scope.clause_version", clause.version, json.governance_scope.clause_version);

  let inputHash: Hex;
  if ("bundle" in json.inputs) {
    if (json.zk !== undefined) throw mismatch("inputs", "input_hash and input_commitment (a zk CAC never carries its inputs)", "the input bundle");
    inputHash = hashing.inputHash(json.inputs.bundle);
    if (json.inputs.bundle.job_id !== json.execution_id) throw mismatch("inputs.bundle.job_id", json.execution_id, json.inputs.bundle.job_id);
  } else {
    if (json.zk === undefined) throw mismatch("zk", "a proof (inputs carry only a hash and a commitment)", "nothing");
    inputHash = json.inputs.input_hash as Hex;
  }
  if (inputHash !== json.hash_graph.input_hash) throw mismatch("hash_graph.input_hash", inputHash, json.hash_graph.input_hash);

  const encoded = json.outputs.encoded as Hex;
  const outputHash = hashing.outputHash(encoded);
  if (outputHash !== json.hash_graph.output_hash) throw mismatch("hash_graph.output_hash", outputHash, json.hash_graph.output_hash);
  const readable = encodeClauseOutput({ status: json.outputs.status, action: json.outputs.action, amounts: json.outputs.amounts.map(BigInt) });
  if (readable !== encoded) throw mismatch("outputs (status, action, amounts)", "the decoded outputs.encoded", "different values");

  const rt = json.runtime_info;
  const vendor = teeVendorOf(rt.tee_type);
  if (vendor !== rt.vendor) throw mismatch("runtime_info.vendor", vendor ?? `a known vendor (TEE type ${rt.tee_type} is unknown)`, rt.vendor);
  if (rt.simulated !== (vendor === "simulated")) throw mismatch("runtime_info.simulated", vendor === "simulated", rt.simulated);
  const runtimeHash = hashing.runtimeHash({ teeType: rt.tee_type, measurement: rt.measurement as Hex, enclaveKey: rt.enclave_key as Address, attestationId: rt.attestation_id as Hex, verdictId: rt.verdict_id as Hex, tcbStatus: rt.tcb_status });
  if (runtimeHash !== json.hash_graph.runtime_hash) throw mismatch("hash_graph.runtime_hash", runtimeHash, json.hash_graph.runtime_hash);

  const cac: Cac = {
    jobId: json.execution_id as Hex,
    clauseId: json.governance_scope.clause_id_hash as Hex,
    clauseVersion: json.governance_scope.clause_version,
    codeHash: json.governance_scope.code_hash as Hex,
    tenantId: json.tenant_info.tenant_id as Hex,
    attempt: json.trigger.attempt,
    inputHash,
    outputHash,
    runtimeHash,
    configDigest: json.governance_scope.config_digest as Hex,
    timestamp: BigInt(json.timestamp),
  };
  const anchor: Deployment = { chainId: BigInt(json.hash_graph.eip712_domain.chain_id), address: getAddress(json.hash_graph.eip712_domain.verifying_contract) };
  const digest = hashing.cacDigest(anchor, cac);
  if (digest !== json.hash_graph.cac_digest) throw mismatch("hash_graph.cac_digest", digest, json.hash_graph.cac_digest);
  if (json.zk === undefined) return { cac, anchor, digest, json };
  return { cac, anchor, digest, json, zk: checkZkCacSignals(json, cac) };
}

/**
 * The circuit-independent half of a zk CAC's checks (the pairing and the action per status need the circuit:
 * relayer/zk/verifyZkCac.ts): the envelope is well formed, and its public signals name this job and clause,
 * the CAC's commitment, status and amount. A proof cut from another CAC fails here, by name.
 */
function checkZkCacSignals(json: CacJson, cac: Cac): ParsedZkProof {
  const zk = parseZkProofEnvelope(json.zk);
  const signals = zk.publicSignals;
  const inputs = json.inputs as { input_commitment: string };
  const expect = (what: string, proven: bigint, signed: bigint) => {
    if (proven !== signed) throw new ZkError("BINDING_MISMATCH", `${what}: the proof says ${proven}, the CAC ${signed}`);
  };
  expect("input_commitment", signals.input_commitment, BigInt(inputs.input_commitment));
  expect("clause_binding", signals.clause_binding, fieldBinding(cac.clauseId));
  expect("job_binding", signals.job_binding, fieldBinding(cac.jobId));
  expect("status", signals.status, BigInt(json.outputs.status));
  if (json.outputs.amounts.length !== 1) throw new ZkError("BINDING_MISMATCH", `a zk clause proves one amount, the CAC has ${json.outputs.amounts.length}`);
  expect("amount", signals.amount, BigInt(json.outputs.amounts[0]!));
  return zk;
}

/**
 * Recovers the enclave key that signed this CAC JSON, after all `cacFromJson` checks, and requires it to be
 * the `runtime_info.enclave_key` the runtime hash commits to.
 */
export async function recoverCacSigner(json: unknown, signature: Hex): Promise<Address> {
  const { cac, anchor, json: parsed } = cacFromJson(json);
  const signer = await recoverTypedDataAddress({ ...cacTypedData(anchor, cac), signature });
  if (signer !== getAddress(parsed.runtime_info.enclave_key)) {
    throw new InvalidFormatError("CAC signature", signer, `must recover to runtime_info.enclave_key ${parsed.runtime_info.enclave_key}`);
  }
  return signer;
}
