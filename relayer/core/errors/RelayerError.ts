import { NsfError } from "./NsfError.js";

/**
 * Every error the relayer's watch → schedule → dispatch → collect half raises on purpose, in one registry
 * (Hardhat's `descriptors.ts` habit). Codes are stable API: the store records them, tests assert them,
 * retries are chosen by `retryable`, never by message text.
 */
export const RelayerErrors = {
  // Configuration.
  CONFIG_INVALID: { code: "NSF_CONFIG_INVALID", retryable: false, title: "The relayer configuration is invalid" },

  // Chain access. Transport failures and garbage answers are retryable: another attempt (or another RPC node
  // behind the same URL) may answer correctly; a decoded revert is an answer and is not.
  RPC_UNAVAILABLE: { code: "NSF_RPC_UNAVAILABLE", retryable: true, title: "The RPC endpoint could not be reached" },
  RPC_TIMEOUT: { code: "NSF_RPC_TIMEOUT", retryable: true, title: "The RPC call timed out" },
  RPC_INVALID_RESPONSE: { code: "NSF_RPC_INVALID_RESPONSE", retryable: true, title: "The RPC endpoint returned something that is not a valid answer" },
  CHAIN_INCONSISTENT: { code: "NSF_CHAIN_INCONSISTENT", retryable: true, title: "The chain changed while a block range was being read" },
  CONTRACT_REVERTED: { code: "NSF_CONTRACT_REVERTED", retryable: false, title: "A contract call reverted" },

  // Store.
  JOB_INVALID_TRANSITION: { code: "NSF_JOB_INVALID_TRANSITION", retryable: false, title: "The job cannot make this state transition" },
  JOB_UNKNOWN: { code: "NSF_JOB_UNKNOWN", retryable: false, title: "No such job in the store" },

  // Governance filter (DESIGN.md §3.2). A failing check rejects the job, never drops it silently.
  GOV_CLAUSE_UNKNOWN: { code: "NSF_GOV_CLAUSE_UNKNOWN", retryable: false, title: "The job's clause is not registered" },
  GOV_CLAUSE_VERSION_MISMATCH: { code: "NSF_GOV_CLAUSE_VERSION_MISMATCH", retryable: false, title: "The job names another version than the registered clause" },
  GOV_CLAUSE_NOT_ACTIVE: { code: "NSF_GOV_CLAUSE_NOT_ACTIVE", retryable: false, title: "The clause is not active (paused, frozen or deprecated)" },
  GOV_DAO_NOT_OWNER: { code: "NSF_GOV_DAO_NOT_OWNER", retryable: false, title: "The job's DAO does not own the clause" },
  GOV_NOT_TENANT: { code: "NSF_GOV_NOT_TENANT", retryable: false, title: "The job's DAO is not an admitted tenant of the jurisdiction" },
  GOV_JURISDICTION_NOT_LISTED: { code: "NSF_GOV_JURISDICTION_NOT_LISTED", retryable: false, title: "The clause does not list the job's jurisdiction" },
  GOV_OUTSIDE_VALIDITY: { code: "NSF_GOV_OUTSIDE_VALIDITY", retryable: false, title: "Chain time is outside the clause's validity window" },
  GOV_DEADLINE_PASSED: { code: "NSF_GOV_DEADLINE_PASSED", retryable: false, title: "The job's deadline has passed (chain time)" },
  GOV_POLICY_UNSUPPORTED: { code: "NSF_GOV_POLICY_UNSUPPORTED", retryable: false, title: "The clause sets policy flags this relayer does not enforce" },
  GOV_TENANT_MISMATCH: { code: "NSF_GOV_TENANT_MISMATCH", retryable: false, title: "The job's tenant id is not H(dao, jurisdiction)" },

  // Input resolution (DESIGN.md §3.3).
  INPUT_MISSING: { code: "NSF_INPUT_MISSING", retryable: true, title: "The job's input document is not available yet" },
  INPUT_COMMITMENT_MISMATCH: { code: "NSF_INPUT_COMMITMENT_MISMATCH", retryable: false, title: "The resolved inputs do not match the on-chain input commitment" },
  INPUT_FEED_MISMATCH: { code: "NSF_INPUT_FEED_MISMATCH", retryable: false, title: "The feed round read back differs from the one the trigger fired on" },
  INPUT_STALE: { code: "NSF_INPUT_STALE", retryable: false, title: "The feed round was stale when the trigger fired" },
  INPUT_INVALID: { code: "NSF_INPUT_INVALID", retryable: false, title: "The input document is malformed" },
  INPUT_TRIGGER_MISSING: { code: "NSF_INPUT_TRIGGER_MISSING", retryable: true, title: "The trigger event that names the job's inputs has not been seen" },

  // Node selection (DESIGN.md §3.4).
  QUORUM_IMPOSSIBLE: { code: "NSF_QUORUM_IMPOSSIBLE", retryable: false, title: "Fewer eligible executor nodes than the clause's quorum" },

  // Dispatch and node replies (DESIGN.md §3.5-3.7).
  NODE_UNREACHABLE: { code: "NSF_NODE_UNREACHABLE", retryable: true, title: "The executor node could not be reached" },
  NODE_TIMEOUT: { code: "NSF_NODE_TIMEOUT", retryable: true, title: "The executor node did not answer in time" },
  NODE_REFUSED: { code: "NSF_NODE_REFUSED", retryable: false, title: "The executor node refused the job" },
  NODE_REFUSED_RETRYABLE: { code: "NSF_NODE_REFUSED_RETRYABLE", retryable: true, title: "The executor node refused the job for a transient reason" },
  NODE_REPLY_MALFORMED: { code: "NSF_NODE_REPLY_MALFORMED", retryable: false, title: "The executor node's reply is not a CAC reply" },
  NODE_PAYLOAD_KEY_INVALID: { code: "NSF_NODE_PAYLOAD_KEY_INVALID", retryable: false, title: "The node's tenant payload key is not certified by its attested enclave key" },
  CAC_INVALID: { code: "NSF_CAC_INVALID", retryable: false, title: "The CAC JSON does not re-hash to its own digest" },
  CAC_WRONG_SIGNER: { code: "NSF_CAC_WRONG_SIGNER", retryable: false, title: "The CAC is not signed by the dispatched node's enclave key" },
  CAC_WRONG_DOMAIN: { code: "NSF_CAC_WRONG_DOMAIN", retryable: false, title: "The CAC is signed for another chain or RollupAnchor" },
  CAC_OTHER_JOB: { code: "NSF_CAC_OTHER_JOB", retryable: false, title: "The CAC is for another job" },
  CAC_FIELD_MISMATCH: { code: "NSF_CAC_FIELD_MISMATCH", retryable: false, title: "A CAC field differs from the dispatched job" },
  CAC_ATTEMPT_MISMATCH: { code: "NSF_CAC_ATTEMPT_MISMATCH", retryable: false, title: "The CAC names another attempt than the one dispatched" },
  CAC_RUNTIME_MISMATCH: { code: "NSF_CAC_RUNTIME_MISMATCH", retryable: false, title: "The CAC's runtime hash is not the node's registered runtime" },
  CAC_SIGNER_NOT_ACTIVE: { code: "NSF_CAC_SIGNER_NOT_ACTIVE", retryable: false, title: "The CAC signer was not an active, attested enclave key at its timestamp" },
  CAC_SIGNER_NOT_ELIGIBLE: { code: "NSF_CAC_SIGNER_NOT_ELIGIBLE", retryable: false, title: "The CAC signer is outside the clause's jurisdiction policy" },
  CAC_TIMESTAMP_INVALID: { code: "NSF_CAC_TIMESTAMP_INVALID", retryable: false, title: "The CAC timestamp is not plausible against chain time" },
  CAC_ZK_PROOF_REJECTED: { code: "NSF_CAC_ZK_PROOF_REJECTED", retryable: false, title: "The CAC's zk proof is missing, does not verify, or does not bind the CAC (the NSF_ZK_ code says which)" },
  CAC_LATE: { code: "NSF_CAC_LATE", retryable: false, title: "The CAC arrived after its attempt timed out" },
  CAC_DUPLICATE_SIGNER: { code: "NSF_CAC_DUPLICATE_SIGNER", retryable: false, title: "This enclave key already has a CAC counted for the job" },

  // Agreement.
  QUORUM_UNREACHABLE: { code: "NSF_QUORUM_UNREACHABLE", retryable: false, title: "k agreeing CACs can no longer be collected" },
  DISAGREEMENT: { code: "NSF_DISAGREEMENT", retryable: false, title: "Executors disagree on the output; evidence kept for a dispute" },
  ATTEMPTS_EXHAUSTED: { code: "NSF_ATTEMPTS_EXHAUSTED", retryable: false, title: "The job used its dispatch attempt budget" },
  JOB_EXPIRED: { code: "NSF_JOB_EXPIRED", retryable: false, title: "The job's deadline passed before agreement" },
  JOB_REORGED: { code: "NSF_JOB_REORGED", retryable: false, title: "The job's trigger was reorged out of the chain" },

  // Multitenancy: policy engine, QoS, fault isolation (ADR 0014).
  POLICY_DENIED: { code: "NSF_POLICY_DENIED", retryable: false, title: "A governance policy rule refuses this node or CAC for the job" },
  POLICY_DEFERRED: { code: "NSF_POLICY_DEFERRED", retryable: true, title: "A governance policy rule holds the job in its queue for now" },
  QOS_QUOTA_DENIED: { code: "NSF_QOS_QUOTA_DENIED", retryable: true, title: "The job's jurisdiction has its quota of jobs in flight; it waits" },
  GOV_WORKLOAD_SUSPENDED: { code: "NSF_GOV_WORKLOAD_SUSPENDED", retryable: false, title: "The tenant's workload failed and is suspended until its governance re-authorises it" },
  WORKLOAD_FAULT: { code: "NSF_WORKLOAD_FAULT", retryable: false, title: "The clause workload itself failed in the sandbox; not retried" },
} as const satisfies Record<string, { code: `NSF_${string}`; retryable: boolean; title: string }>;

export type RelayerErrorKind = keyof typeof RelayerErrors;
export type RelayerErrorCode = (typeof RelayerErrors)[RelayerErrorKind]["code"];

export class RelayerError extends NsfError {
  override readonly name = "RelayerError";
  readonly kind: RelayerErrorKind;

  /**
   * `details` carries only facts about the job or call being handled (its own ids, public chain data):
   * errors are logged and stored per tenant, so nothing of another tenant may be interpolated here.
   */
  constructor(kind: RelayerErrorKind, details?: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    const descriptor = RelayerErrors[kind];
    super(descriptor.code, { shortMessage: descriptor.title, details, retryable: options.retryable ?? descriptor.retryable, cause: options.cause });
    this.kind = kind;
  }
}

export function isRelayerError(error: unknown, kind?: RelayerErrorKind): error is RelayerError {
  return error instanceof RelayerError && (kind === undefined || error.kind === kind);
}
