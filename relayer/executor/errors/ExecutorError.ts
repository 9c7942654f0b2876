import { NsfError } from "../../core/errors/NsfError.js";

/**
 * Every error the executor node raises on purpose, in one registry (Hardhat's `descriptors.ts` habit).
 * Codes are stable API: callers, tests and HTTP clients branch on `code`, never on message text.
 * `httpStatus` is what the node's HTTP API answers with; `retryable` says whether the same request may
 * succeed later unchanged (only conditions outside the request: chain RPC down, wall-clock guard).
 */
export const ExecutorErrors = {
  // Clause module validation (docs/FORMATS.md §10). All deterministic: same bytes, same verdict everywhere.
  WASM_MALFORMED: { code: "NSF_WASM_MALFORMED", httpStatus: 422, retryable: false, title: "The clause module is not valid WebAssembly" },
  WASM_TOO_LARGE: { code: "NSF_WASM_TOO_LARGE", httpStatus: 422, retryable: false, title: "The clause module is larger than the sandbox accepts" },
  WASM_FLOAT_FORBIDDEN: { code: "NSF_WASM_FLOAT_FORBIDDEN", httpStatus: 422, retryable: false, title: "The clause module uses floating point, which is not deterministic" },
  WASM_IMPORT_FORBIDDEN: { code: "NSF_WASM_IMPORT_FORBIDDEN", httpStatus: 422, retryable: false, title: "The clause module imports something; the clause ABI provides no imports" },
  WASM_START_FORBIDDEN: { code: "NSF_WASM_START_FORBIDDEN", httpStatus: 422, retryable: false, title: "The clause module has a start function" },
  WASM_MEMORY_TOO_LARGE: { code: "NSF_WASM_MEMORY_TOO_LARGE", httpStatus: 422, retryable: false, title: "The clause module declares more memory than the cap" },
  WASM_FEATURE_FORBIDDEN: { code: "NSF_WASM_FEATURE_FORBIDDEN", httpStatus: 422, retryable: false, title: "The clause module uses a WebAssembly feature outside the clause ABI" },
  WASM_ABI_MISMATCH: { code: "NSF_WASM_ABI_MISMATCH", httpStatus: 422, retryable: false, title: "The clause module does not export the clause ABI" },

  // One clause run. Step, memory and call-depth limits are enforced by the metered module itself, so they
  // fail identically on every machine; only the wall-clock guard depends on the machine (hence retryable).
  CLAUSE_STEP_LIMIT: { code: "NSF_CLAUSE_STEP_LIMIT", httpStatus: 422, retryable: false, title: "The clause ran out of steps" },
  CLAUSE_MEMORY_LIMIT: { code: "NSF_CLAUSE_MEMORY_LIMIT", httpStatus: 422, retryable: false, title: "The clause tried to grow its memory beyond the cap" },
  CLAUSE_CALL_DEPTH: { code: "NSF_CLAUSE_CALL_DEPTH", httpStatus: 422, retryable: false, title: "The clause exceeded the maximum call depth" },
  CLAUSE_TRAPPED: { code: "NSF_CLAUSE_TRAPPED", httpStatus: 422, retryable: false, title: "The clause trapped" },
  CLAUSE_OUTPUT_INVALID: { code: "NSF_CLAUSE_OUTPUT_INVALID", httpStatus: 422, retryable: false, title: "The clause returned an output outside the ABI or its manifest" },
  CLAUSE_TIMEOUT: { code: "NSF_CLAUSE_TIMEOUT", httpStatus: 503, retryable: true, title: "The clause hit the wall-clock guard" },

  // Clause tooling and local clause store.
  CLAUSE_BUILD_FAILED: { code: "NSF_CLAUSE_BUILD_FAILED", httpStatus: 500, retryable: false, title: "The clause failed to compile" },
  CLAUSE_MANIFEST_INVALID: { code: "NSF_CLAUSE_MANIFEST_INVALID", httpStatus: 500, retryable: false, title: "The clause manifest is invalid" },
  CLAUSE_STORE_MISMATCH: { code: "NSF_CLAUSE_STORE_MISMATCH", httpStatus: 500, retryable: false, title: "A stored clause module does not hash to its manifest's code hash" },

  // Execute requests.
  REQUEST_MALFORMED: { code: "NSF_REQUEST_MALFORMED", httpStatus: 400, retryable: false, title: "The request is malformed" },
  REQUEST_TOO_LARGE: { code: "NSF_REQUEST_TOO_LARGE", httpStatus: 413, retryable: false, title: "The request body is too large" },
  TOKEN_SIGNATURE_INVALID: { code: "NSF_TOKEN_SIGNATURE_INVALID", httpStatus: 401, retryable: false, title: "The job token signature is invalid" },
  TOKEN_SIGNER_NOT_SCHEDULER: { code: "NSF_TOKEN_SIGNER_NOT_SCHEDULER", httpStatus: 403, retryable: false, title: "The job token is not signed by a registered scheduler" },
  TOKEN_EXPIRED: { code: "NSF_TOKEN_EXPIRED", httpStatus: 403, retryable: false, title: "The job token has expired (chain time)" },
  TOKEN_WRONG_EXECUTOR: { code: "NSF_TOKEN_WRONG_EXECUTOR", httpStatus: 421, retryable: false, title: "The job token is addressed to another executor" },
  CLAUSE_NOT_REGISTERED: { code: "NSF_CLAUSE_NOT_REGISTERED", httpStatus: 404, retryable: false, title: "The clause is not registered" },
  CLAUSE_NOT_ACTIVE: { code: "NSF_CLAUSE_NOT_ACTIVE", httpStatus: 409, retryable: false, title: "The clause is not active" },
  CLAUSE_VERSION_MISMATCH: { code: "NSF_CLAUSE_VERSION_MISMATCH", httpStatus: 409, retryable: false, title: "The job token's clause version differs from the registered one" },
  CODE_HASH_MISMATCH: { code: "NSF_CODE_HASH_MISMATCH", httpStatus: 409, retryable: false, title: "The job token's code hash differs from the registered clause version" },
  CLAUSE_CODE_UNAVAILABLE: { code: "NSF_CLAUSE_CODE_UNAVAILABLE", httpStatus: 404, retryable: false, title: "This node has no module with the registered code hash" },
  PAYLOAD_TOO_LARGE: { code: "NSF_PAYLOAD_TOO_LARGE", httpStatus: 413, retryable: false, title: "The encrypted payload is too large" },
  PAYLOAD_KEY_UNCERTIFIED: { code: "NSF_PAYLOAD_KEY_UNCERTIFIED", httpStatus: 422, retryable: false, title: "The tenant payload key is not certified by the expected enclave key" },
  PAYLOAD_DECRYPT_FAILED: { code: "NSF_PAYLOAD_DECRYPT_FAILED", httpStatus: 400, retryable: false, title: "The payload does not decrypt under this tenant's payload key" },
  INPUT_MALFORMED: { code: "NSF_INPUT_MALFORMED", httpStatus: 400, retryable: false, title: "The decrypted input bundle is not an nsf.inputs/1 object" },
  INPUT_SCHEMA_VIOLATION: { code: "NSF_INPUT_SCHEMA_VIOLATION", httpStatus: 422, retryable: false, title: "The input values do not match the clause's input schema" },
  INPUT_HASH_MISMATCH: { code: "NSF_INPUT_HASH_MISMATCH", httpStatus: 422, retryable: false, title: "The input bundle does not hash to the job token's inputHash" },
  ZK_CIRCUIT_UNAVAILABLE: { code: "NSF_ZK_CIRCUIT_UNAVAILABLE", httpStatus: 404, retryable: false, title: "This node has no circuit with the zk clause version's registered circuit and key hashes" },
  ZK_SALT_MISSING: { code: "NSF_ZK_SALT_MISSING", httpStatus: 422, retryable: false, title: "A zk clause's input bundle carries no commitment salt" },
  ZK_BACKENDS_DISAGREE: { code: "NSF_ZK_BACKENDS_DISAGREE", httpStatus: 422, retryable: false, title: "The circuit did not prove the output the WASM clause computed; nothing is signed" },
  INPUT_JOB_MISMATCH: { code: "NSF_INPUT_JOB_MISMATCH", httpStatus: 422, retryable: false, title: "The input bundle belongs to another job" },

  // Chain access.
  NODE_NOT_REGISTERED: { code: "NSF_NODE_NOT_REGISTERED", httpStatus: 503, retryable: true, title: "NodeRegistry holds no active registration of this enclave with its measurement and attestation id" },
  CHAIN_UNAVAILABLE: { code: "NSF_CHAIN_UNAVAILABLE", httpStatus: 503, retryable: true, title: "The chain could not be read" },

  // Attestation evidence and verdicts.
  ATTESTATION_MALFORMED: { code: "NSF_ATTESTATION_MALFORMED", httpStatus: 400, retryable: false, title: "The attestation evidence is malformed" },
  ATTESTATION_TEE_UNSUPPORTED: { code: "NSF_ATTESTATION_TEE_UNSUPPORTED", httpStatus: 422, retryable: false, title: "No verifier is registered for this TEE type" },
  ATTESTATION_SIGNATURE_INVALID: { code: "NSF_ATTESTATION_SIGNATURE_INVALID", httpStatus: 422, retryable: false, title: "The attestation evidence is not signed by a pinned root" },
  ATTESTATION_DEBUG: { code: "NSF_ATTESTATION_DEBUG", httpStatus: 422, retryable: false, title: "The enclave runs in debug mode" },
  ATTESTATION_REPORT_DATA_MISMATCH: { code: "NSF_ATTESTATION_REPORT_DATA_MISMATCH", httpStatus: 422, retryable: false, title: "The evidence's report data does not bind this chain, registry, key and nonce" },
  ATTESTATION_MEASUREMENT_NOT_ALLOWED: { code: "NSF_ATTESTATION_MEASUREMENT_NOT_ALLOWED", httpStatus: 422, retryable: false, title: "The enclave measurement is not on the allowlist" },
  ATTESTATION_STALE: { code: "NSF_ATTESTATION_STALE", httpStatus: 422, retryable: false, title: "The attestation evidence is stale or from the future" },
  ATTESTATION_SIMULATED_NOT_ALLOWED: { code: "NSF_ATTESTATION_SIMULATED_NOT_ALLOWED", httpStatus: 422, retryable: false, title: "Simulated TEE evidence is not allowed here" },
  // Hardware evidence (docs/adr/0015-hardware-tee-evidence.md): each reason its own code, so tests and
  // operators see why evidence was refused without parsing text.
  ATTESTATION_CHAIN_INVALID: { code: "NSF_ATTESTATION_CHAIN_INVALID", httpStatus: 422, retryable: false, title: "The certificate chain does not lead to the pinned vendor root" },
  ATTESTATION_OUTSIDE_VALIDITY: { code: "NSF_ATTESTATION_OUTSIDE_VALIDITY", httpStatus: 422, retryable: false, title: "A certificate, CRL or collateral item is not valid at the verification time" },
  ATTESTATION_REVOKED: { code: "NSF_ATTESTATION_REVOKED", httpStatus: 422, retryable: false, title: "A certificate in the chain is revoked" },
  ATTESTATION_COLLATERAL_INVALID: { code: "NSF_ATTESTATION_COLLATERAL_INVALID", httpStatus: 422, retryable: false, title: "The vendor collateral is missing, unsigned or does not belong to this evidence" },
  ATTESTATION_TCB_UNSUPPORTED: { code: "NSF_ATTESTATION_TCB_UNSUPPORTED", httpStatus: 422, retryable: false, title: "No TCB level in the vendor collateral matches this platform" },
  ATTESTATION_TCB_NOT_ALLOWED: { code: "NSF_ATTESTATION_TCB_NOT_ALLOWED", httpStatus: 422, retryable: false, title: "The platform's TCB status is not accepted by the attestation policy" },
  ATTESTATION_COLLATERAL_TOO_OLD: { code: "NSF_ATTESTATION_COLLATERAL_TOO_OLD", httpStatus: 422, retryable: false, title: "The vendor collateral is older than the attestation policy allows" },
  ATTESTATION_POLICY_NOT_GOVERNED: { code: "NSF_ATTESTATION_POLICY_NOT_GOVERNED", httpStatus: 409, retryable: false, title: "This validator's TEE policy is not the one governance recorded in NodeRegistry" },
  ATTESTATION_POLICY_MISSING: { code: "NSF_ATTESTATION_POLICY_MISSING", httpStatus: 422, retryable: false, title: "This validator has no policy for hardware evidence of this type" },

  // Node plumbing.
  CONFIG_INVALID: { code: "NSF_CONFIG_INVALID", httpStatus: 500, retryable: false, title: "The node configuration is invalid" },
  NODE_ROUTE_NOT_FOUND: { code: "NSF_NODE_ROUTE_NOT_FOUND", httpStatus: 404, retryable: false, title: "No such endpoint" },
  NODE_INTERNAL: { code: "NSF_NODE_INTERNAL", httpStatus: 500, retryable: true, title: "The node failed internally" },
} as const satisfies Record<string, { code: `NSF_${string}`; httpStatus: number; retryable: boolean; title: string }>;

export type ExecutorErrorKind = keyof typeof ExecutorErrors;
export type ExecutorErrorCode = (typeof ExecutorErrors)[ExecutorErrorKind]["code"];

export class ExecutorError extends NsfError {
  override readonly name = "ExecutorError";
  readonly kind: ExecutorErrorKind;
  readonly httpStatus: number;

  /**
   * `details` must only carry facts from the request being answered (or public chain data): error replies
   * and log lines are tenant-scoped, so nothing from another job may ever be interpolated here.
   */
  constructor(kind: ExecutorErrorKind, details?: string, options: { cause?: unknown } = {}) {
    const descriptor = ExecutorErrors[kind];
    super(descriptor.code, { shortMessage: descriptor.title, details, retryable: descriptor.retryable, cause: options.cause });
    this.kind = kind;
    this.httpStatus = descriptor.httpStatus;
  }
}

export function isExecutorError(error: unknown, kind?: ExecutorErrorKind): error is ExecutorError {
  return error instanceof ExecutorError && (kind === undefined || error.kind === kind);
}
