import type { Address, Hex } from "viem";
import type { TeeType } from "../../core/formats/enums.js";
import type { HardwareEvidenceFacts } from "./tee/HardwareEvidenceFacts.js";

/** What a verifier extracts from evidence it has authenticated against its pinned root(s). */
export type VerifiedEvidence = {
  teeType: TeeType;
  /** 32 bytes: the value NodeRegistry stores and allowlists (docs/FORMATS.md §1 says how each TEE's is formed). */
  measurement: Hex;
  /**
   * The enclave key the evidence speaks for. Simulated evidence names it inside the signed report; hardware
   * evidence carries it beside the vendor evidence (`nsf.tee-evidence/1`), and it counts only because the
   * validator checks that the report data binds it (`reportDataOf`).
   */
  enclaveKey: Address;
  /** The report data as the vendor signed it: 32 bytes (simulated, Nitro `user_data`) or 64 (SGX, TDX, SEV-SNP). */
  reportData: Hex;
  debug: boolean;
  /** Seconds. */
  timestamp: bigint;
  /** `sha256(raw)` (docs/FORMATS.md §1). */
  attestationId: Hex;
  /** True for development-only evidence (the simulated TEE); policy decides whether it may count. */
  simulated: boolean;
  /** Hardware evidence only: vendor, TCB facts and collateral age, for the policy and the record. */
  hardware?: HardwareEvidenceFacts;
};

/** The verification time (chain time, seconds): certificates, CRLs and collateral must be valid at it. */
export type VerificationContext = { at: bigint };

/**
 * One verifier per evidence format (simulated; Intel SGX/TDX DCAP quotes, AMD SEV-SNP reports, AWS Nitro
 * documents). A verifier only authenticates and parses: policy (debug, report data, allowlist, TCB status,
 * freshness) lives in the AttestationValidator, so every format gets the same policy.
 */
export interface EvidenceVerifier {
  readonly teeType: TeeType;
  /** Throws an ExecutorError (NSF_ATTESTATION_*): malformed, signature, chain, validity, revocation, collateral, TCB. */
  verify(raw: Uint8Array, context: VerificationContext): Promise<VerifiedEvidence>;
}
