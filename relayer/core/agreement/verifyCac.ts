import { z } from "zod";
import { getAddress, recoverAddress, type Address, type Hex } from "viem";
import { cacFromJson, type CacJson, type CacJsonParser } from "../cac/cacJson.js";
import { runtimeMismatch } from "../cac/runtimeMismatch.js";
import { NsfError } from "../errors/NsfError.js";
import type { ParsedZkProof } from "../zk/zkProofEnvelope.js";
import { RelayerError } from "../errors/RelayerError.js";
import type { Cac, Deployment } from "../formats/eip712.js";
import { splitSignature } from "../quorum/signature.js";
import { NodeStatus } from "../scheduling/types.js";

/** What the dispatcher expects back from one dispatch: everything a valid CAC must match. */
export type ExpectedCac = {
  anchor: Deployment;
  jobId: Hex;
  clauseId: Hex;
  clauseVersion: number;
  codeHash: Hex;
  tenantId: Hex;
  inputHash: Hex;
  /** The clause config digest (docs/FORMATS.md §2) registered for the version. */
  configDigest: Hex;
  attempt: number;
  /**
   * The node the token was addressed to, with its NodeRegistry facts. `runtime` is its registration: the CAC's
   * runtime_info must name exactly this TEE type, measurement, attestation id and verdict id (docs/FORMATS.md §11).
   */
  node: {
    enclaveKey: Address;
    runtime: { teeType: number; measurement: Hex; attestationId: Hex; verdictId: Hex };
    status: number;
    activeSince: bigint;
    attestedUntil: bigint;
    jurisdiction: Hex;
  };
  /** Set for in-country clauses (PolicyFlag.InCountry): the job's jurisdiction, where the signer must be located. */
  requiredJurisdiction?: Hex;
  /** Chain time when the attempt was dispatched, and now. */
  dispatchedAt: bigint;
  chainTime: bigint;
  /** Tolerance between the node's chain-time reading and ours, seconds. */
  maxClockSkewSeconds: bigint;
};

/** `zk`: a zk CAC's parsed proof, bound to the CAC's fields but not yet verified against its circuit (`ZkCacVerifier`). */
export type VerifiedCac = { signer: Address; cac: Cac; digest: Hex; signature: Hex; json: CacJson; output: Hex; zk?: ParsedZkProof };

/** Recovers the signer of a 32-byte digest; injectable so a native secp256k1 can replace the pure-JS default. */
export type RecoverSigner = (digest: Hex, signature: Hex) => Promise<Address>;

const ReplySchema = z.object({
  cac: z.record(z.string(), z.unknown()),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/),
  digest: z.string().regex(/^0x[0-9a-fA-F]{64}$/).optional(),
  signer: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional(),
});

/**
 * Verifies one node reply (DESIGN.md §3.7, docs/FORMATS.md §11), pure apart from signature recovery:
 * the CAC JSON re-hashes to its digest; it is for this chain and RollupAnchor, this job, clause version, code,
 * tenant, inputs, config digest and attempt; it is signed (low-s) by the dispatched node's enclave key, whose
 * registered runtime it names; and its timestamp is plausible against chain time and inside the key's attested
 * interval. Throws a typed `RelayerError` naming the first failed check; such a CAC is recorded, never counted.
 * `recover` and `parseCac` default to viem / @noble; the dispatcher passes libsecp256k1 and `createCacJsonParser`.
 */
export async function verifyCacReply(reply: unknown, expected: ExpectedCac, recover: RecoverSigner = defaultRecover, parseCac: CacJsonParser = cacFromJson): Promise<VerifiedCac> {
  const envelope = ReplySchema.safeParse(reply);
  if (!envelope.success) {
    throw new RelayerError("NODE_REPLY_MALFORMED", envelope.error.issues.map((i) => `${i.path.join(".") || "(reply)"}: ${i.message}`).join("; "));
  }
  let parsed: ReturnType<typeof cacFromJson>;
  try {
    parsed = parseCac(envelope.data.cac);
  } catch (error) {
    throw new RelayerError("CAC_INVALID", error instanceof NsfError ? error.message : "the CAC JSON does not parse", { cause: error });
  }
  const { cac, anchor, digest, json } = parsed;
  if (BigInt(anchor.chainId) !== BigInt(expected.anchor.chainId) || getAddress(anchor.address) !== getAddress(expected.anchor.address)) {
    throw new RelayerError("CAC_WRONG_DOMAIN", `signed for chain ${anchor.chainId} / ${anchor.address}, expected ${expected.anchor.chainId} / ${expected.anchor.address}`);
  }
  if (cac.jobId !== expected.jobId.toLowerCase()) throw new RelayerError("CAC_OTHER_JOB", `CAC for job ${cac.jobId}, dispatched ${expected.jobId}`);
  const fields: [keyof Cac, unknown, unknown][] = [
    ["clauseId", cac.clauseId, expected.clauseId.toLowerCase()],
    ["clauseVersion", cac.clauseVersion, expected.clauseVersion],
    ["codeHash", cac.codeHash, expected.codeHash.toLowerCase()],
    ["tenantId", cac.tenantId, expected.tenantId.toLowerCase()],
    ["inputHash", cac.inputHash, expected.inputHash.toLowerCase()],
    ["configDigest", cac.configDigest, expected.configDigest.toLowerCase()],
  ];
  for (const [name, got, want] of fields) {
    if (got !== want) throw new RelayerError("CAC_FIELD_MISMATCH", `${name}: CAC ${String(got)}, job ${String(want)}`);
  }
  if (cac.attempt !== expected.attempt) throw new RelayerError("CAC_ATTEMPT_MISMATCH", `CAC attempt ${cac.attempt}, dispatched attempt ${expected.attempt}`);

  const signature = envelope.data.signature.toLowerCase() as Hex;
  try {
    splitSignature(signature);
  } catch (error) {
    throw new RelayerError("CAC_WRONG_SIGNER", "the signature is not 65 bytes with v 27/28 and low s", { cause: error });
  }
  let signer: Address;
  try {
    signer = getAddress(await recover(digest, signature));
  } catch (error) {
    throw new RelayerError("CAC_WRONG_SIGNER", "the signature does not recover", { cause: error });
  }
  const node = getAddress(expected.node.enclaveKey);
  if (signer !== node) throw new RelayerError("CAC_WRONG_SIGNER", `recovers to ${signer}, dispatched to ${node}`);
  if (getAddress(json.runtime_info.enclave_key) !== node) throw new RelayerError("CAC_WRONG_SIGNER", `runtime_info.enclave_key ${json.runtime_info.enclave_key}, dispatched to ${node}`);
  if (envelope.data.signer !== undefined && getAddress(envelope.data.signer) !== node) throw new RelayerError("CAC_WRONG_SIGNER", `reply names signer ${envelope.data.signer}`);
  if (envelope.data.digest !== undefined && envelope.data.digest.toLowerCase() !== digest) throw new RelayerError("CAC_INVALID", `reply digest ${envelope.data.digest}, CAC digest ${digest}`);
  // The runtime hash re-hashed from runtime_info (parseCac), so field equality here is equality of what was signed.
  const runtime = runtimeMismatch(json.runtime_info, expected.node.runtime);
  if (runtime) throw new RelayerError("CAC_RUNTIME_MISMATCH", runtime);

  const skew = expected.maxClockSkewSeconds;
  if (cac.timestamp + skew < expected.dispatchedAt || cac.timestamp > expected.chainTime + skew) {
    throw new RelayerError("CAC_TIMESTAMP_INVALID", `CAC timestamp ${cac.timestamp}, dispatched at ${expected.dispatchedAt}, chain time ${expected.chainTime}, skew ${skew} s`);
  }
  if (expected.node.status !== NodeStatus.Active || cac.timestamp < expected.node.activeSince || cac.timestamp > expected.node.attestedUntil) {
    throw new RelayerError(
      "CAC_SIGNER_NOT_ACTIVE",
      `status ${expected.node.status}, attested [${expected.node.activeSince}, ${expected.node.attestedUntil}], CAC timestamp ${cac.timestamp}`,
    );
  }
  if (expected.requiredJurisdiction !== undefined && expected.node.jurisdiction.toLowerCase() !== expected.requiredJurisdiction.toLowerCase()) {
    throw new RelayerError("CAC_SIGNER_NOT_ELIGIBLE", `signer located in ${expected.node.jurisdiction}, clause requires ${expected.requiredJurisdiction}`);
  }
  return { signer, cac, digest, signature, json, output: json.outputs.encoded as Hex, ...(parsed.zk ? { zk: parsed.zk } : {}) };
}

const defaultRecover: RecoverSigner = (digest, signature) => recoverAddress({ hash: digest, signature });
