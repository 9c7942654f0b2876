import { NsfError } from "../errors/NsfError.js";

/**
 * Every check a co-signer runs before it signs a batch (DESIGN.md §2, ADR 0007), one stable code each.
 * A refusal names the check that failed; callers and tests branch on `check` / `code`, never on text.
 * Only conditions that may change without changing the batch are retryable (the previous batch not yet
 * anchored, the chain unreadable).
 */
export const BatchChecks = {
  BUNDLE_MALFORMED: { code: "NSF_COSIGN_BUNDLE_MALFORMED", retryable: false, title: "The batch bundle is not a valid nsf.bundle/1 document" },
  WRONG_DEPLOYMENT: { code: "NSF_COSIGN_WRONG_DEPLOYMENT", retryable: false, title: "The batch names another chain or RollupAnchor" },
  CAC_JSON_INVALID: { code: "NSF_COSIGN_CAC_JSON_INVALID", retryable: false, title: "A CAC JSON does not re-hash to its own digest" },
  CAC_FIELD_MISMATCH: { code: "NSF_COSIGN_CAC_FIELD_MISMATCH", retryable: false, title: "A CAC field differs from the result it is attached to" },
  CAC_DOMAIN_MISMATCH: { code: "NSF_COSIGN_CAC_DOMAIN_MISMATCH", retryable: false, title: "A CAC is signed for another chain or RollupAnchor" },
  SIGNATURE_INVALID: { code: "NSF_COSIGN_SIGNATURE_INVALID", retryable: false, title: "A CAC signature does not recover to its enclave key" },
  DUPLICATE_SIGNER: { code: "NSF_COSIGN_DUPLICATE_SIGNER", retryable: false, title: "The CAC signers are not distinct and ascending" },
  SIGNER_INACTIVE: { code: "NSF_COSIGN_SIGNER_INACTIVE", retryable: false, title: "A CAC signer was not an active, attested enclave key at the CAC timestamp" },
  SIGNER_RUNTIME: { code: "NSF_COSIGN_SIGNER_RUNTIME", retryable: false, title: "A CAC's runtime_info does not name its signer's NodeRegistry registration (TEE type, measurement, attestation id, verdict id)" },
  SIGNER_JURISDICTION: { code: "NSF_COSIGN_SIGNER_JURISDICTION", retryable: false, title: "An in-country clause was executed by a node outside the tenant's jurisdiction" },
  CLAUSE_UNKNOWN: { code: "NSF_COSIGN_CLAUSE_UNKNOWN", retryable: false, title: "The clause is not registered" },
  CLAUSE_VERSION: { code: "NSF_COSIGN_CLAUSE_VERSION", retryable: false, title: "The CAC names another clause version than the registered one" },
  CODE_HASH: { code: "NSF_COSIGN_CODE_HASH", retryable: false, title: "The CAC code hash differs from the registered clause version" },
  CONFIG_DIGEST: { code: "NSF_COSIGN_CONFIG_DIGEST", retryable: false, title: "The CAC config digest differs from the registered clause version" },
  TENANT: { code: "NSF_COSIGN_TENANT", retryable: false, title: "The tenant id is not H(dao, jurisdiction)" },
  ZK_PROOF: { code: "NSF_COSIGN_ZK_PROOF", retryable: false, title: "A zk result publishes its inputs, or a CAC's zk proof is missing, invalid or does not bind the CAC" },
  INPUT_HASH: { code: "NSF_COSIGN_INPUT_HASH", retryable: false, title: "The input bundle does not hash to the agreed inputHash" },
  OUTPUT_HASH: { code: "NSF_COSIGN_OUTPUT_HASH", retryable: false, title: "The output does not hash to the agreed outputHash" },
  TOO_FEW_SIGNERS: { code: "NSF_COSIGN_TOO_FEW_SIGNERS", retryable: false, title: "Fewer distinct agreeing executors than the clause's quorum k" },
  CAC_SET_HASH: { code: "NSF_COSIGN_CAC_SET_HASH", retryable: false, title: "The leaf's cacSetHash is not the hash of the agreeing CAC digests" },
  DUPLICATE_JOB: { code: "NSF_COSIGN_DUPLICATE_JOB", retryable: false, title: "A job id appears twice in the batch" },
  SEQUENCE: { code: "NSF_COSIGN_SEQUENCE", retryable: false, title: "Result sequences are not exactly firstSeq..lastSeq in order" },
  LEAF: { code: "NSF_COSIGN_LEAF", retryable: false, title: "A leaf hash is not the hash of its values" },
  ROOT: { code: "NSF_COSIGN_ROOT", retryable: false, title: "The tree built from the leaves has another root" },
  PROOF: { code: "NSF_COSIGN_PROOF", retryable: false, title: "A leaf's proof does not lead to the root" },
  BUNDLE_HASH: { code: "NSF_COSIGN_BUNDLE_HASH", retryable: false, title: "The header's bundleHash is not the hash of the bundle" },
  HEADER_FIELD: { code: "NSF_COSIGN_HEADER_FIELD", retryable: false, title: "A header field disagrees with the bundle" },
  AUDIT_HEADS: { code: "NSF_COSIGN_AUDIT_HEADS", retryable: false, title: "The bundle's audit heads are not one well-formed head per tenant, ascending by tenant id" },
  PREVIOUS_NOT_ANCHORED: { code: "NSF_COSIGN_PREVIOUS_NOT_ANCHORED", retryable: true, title: "Batch batchSeq - 1 is not anchored yet" },
  ALREADY_ANCHORED: { code: "NSF_COSIGN_ALREADY_ANCHORED", retryable: false, title: "This batch sequence is already anchored" },
  PREV_COMMITMENT: { code: "NSF_COSIGN_PREV_COMMITMENT", retryable: false, title: "The header's previous commitment or firstSeq differs from the chain" },
  AGGREGATOR_CONFIG: { code: "NSF_COSIGN_AGGREGATOR_CONFIG", retryable: false, title: "The header's config digest is not the aggregator config in force" },
  NOT_IN_CONFIG: { code: "NSF_COSIGN_NOT_IN_CONFIG", retryable: false, title: "This co-signer's key is not in the aggregator config in force" },
  JOB_ALREADY_COSIGNED: { code: "NSF_COSIGN_JOB_ALREADY_COSIGNED", retryable: false, title: "A job id in the batch was already co-signed in another batch" },
  CHAIN_UNAVAILABLE: { code: "NSF_COSIGN_CHAIN_UNAVAILABLE", retryable: true, title: "The chain could not be read" },
} as const;

export type BatchCheck = keyof typeof BatchChecks;

export class BatchCheckError extends NsfError {
  override readonly name = "BatchCheckError";
  readonly check: BatchCheck;
  constructor(check: BatchCheck, details: string, cause?: unknown) {
    const descriptor = BatchChecks[check];
    super(descriptor.code, { shortMessage: descriptor.title, details, retryable: descriptor.retryable, cause });
    this.check = check;
  }
}
