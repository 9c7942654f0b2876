import type { Address, Hex } from "viem";
import type { TeeType } from "../../core/formats/enums.js";

/** What a verifier extracts from evidence it has authenticated against its pinned root(s). */
export type VerifiedEvidence = {
  teeType: TeeType;
  measurement: Hex;
  enclaveKey: Address;
  reportData: Hex;
  debug: boolean;
  /** Seconds. */
  timestamp: bigint;
  /** `sha256(raw)` (docs/FORMATS.md §1). */
  attestationId: Hex;
  /** True for development-only evidence (the simulated TEE); policy decides whether it may count. */
  simulated: boolean;
};

/**
 * One verifier per evidence format (simulated today; Intel SGX/TDX DCAP quotes, AMD SEV-SNP reports,
 * AWS Nitro documents later). A verifier only authenticates and parses: policy (debug, report data,
 * allowlist, freshness) lives in the AttestationValidator, so every format gets the same policy.
 */
export interface EvidenceVerifier {
  readonly teeType: TeeType;
  /** Throws NSF_ATTESTATION_MALFORMED or NSF_ATTESTATION_SIGNATURE_INVALID. */
  verify(raw: Uint8Array): Promise<VerifiedEvidence>;
}
