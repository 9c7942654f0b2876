import { getAddress, type Address, type Hex, type LocalAccount } from "viem";
import type { Common } from "../../common/Common.js";
import { verdictDigest, verdictTypedData, type AttestationVerdict } from "../../core/formats/eip712.js";
import { jurisdictionToBytes3 } from "../../core/formats/ids.js";
import { ExecutorError } from "../errors/ExecutorError.js";
import type { EvidenceVerifierRegistry } from "./createEvidenceVerifierRegistry.js";
import type { VerifiedEvidence } from "./EvidenceVerifier.js";
import { reportDataBinds, reportDataOf } from "./reportData.js";
import { applyHardwarePolicy, hardwarePolicyId, type HardwareAttestationPolicy, type TcbStatus } from "./tee/hardwareAttestationPolicy.js";

export type AttestationPolicy = {
  /** The chain and NodeRegistry instance the report data must bind (and the verdict's EIP-712 domain). */
  chainId: bigint;
  nodeRegistry: Address;
  /** Simulated enclave measurements this validator vouches for (governance's allowlist; hardware: `hardware.measurements`). */
  allowedMeasurements: readonly Hex[];
  /** Evidence older than this (by chain time) is stale. */
  maxEvidenceAgeSeconds: bigint;
  /** Evidence timestamped further in the future than this is refused too. */
  maxClockSkewSeconds: bigint;
  /** `validUntil = attestedAt + verdictValiditySeconds`; NodeRegistry caps it again. */
  verdictValiditySeconds: bigint;
  /** Accept SIMULATED TEE evidence: development chains only. */
  allowSimulated: boolean;
  /** Policy for hardware evidence (SGX, TDX, SEV-SNP, Nitro). Absent: all hardware evidence is refused (fail closed). */
  hardware?: HardwareAttestationPolicy;
};

export type AttestationRequest = {
  teeType: number;
  evidence: Uint8Array;
  /** The nonce the registration flow issued; the evidence must bind exactly this one. */
  nonce: Hex;
  operator: Address;
  /** ISO 3166-1 alpha-3. */
  jurisdiction: string;
  sovereign: boolean;
};

/**
 * Everything the validator concluded about one request, before signing. "Genuine and acceptable" (vendor
 * signatures, chains, collateral, debug, TCB, allowlist, freshness) is kept apart from "bound to this key, chain,
 * registry and nonce" (`binding`), so real vendor evidence whose report data was made for someone else can still
 * be shown to be genuine; `validate` signs only when both hold.
 */
export type AttestationAssessment = {
  evidence: VerifiedEvidence;
  /** Hardware evidence: the TCB status policy accepted, its advisories and the policy's id. */
  tcbStatus: TcbStatus | undefined;
  advisories: readonly string[];
  policyId: Hex | undefined;
  binding: { ok: boolean; expected: Hex; carried: Hex };
};

export type SignedVerdict = { verdict: AttestationVerdict; digest: Hex; signature: Hex; signer: Address; assessment: AttestationAssessment };

export type AttestationValidator = {
  readonly address: Address;
  /** Verifies and applies policy; throws on the first refusal except the report-data binding, which it reports. */
  assess(request: AttestationRequest): Promise<AttestationAssessment>;
  validate(request: AttestationRequest): Promise<SignedVerdict>;
};

export type AttestationValidatorParameters = {
  common: Common;
  /** This validator's own key; one key per validator (DESIGN.md §2: co-signers never share keys). */
  account: LocalAccount;
  verifiers: EvidenceVerifierRegistry;
  policy: AttestationPolicy;
  /** The validator quorum's current config digest (docs/FORMATS.md §3), read from NodeRegistry. */
  configDigest: () => Promise<Hex>;
  /**
   * The hardware TEE policy id governance recorded (`NodeRegistry.teePolicy()`, `createGovernedTeePolicyReader`).
   * Hardware evidence is judged only when it equals the id of `policy.hardware`; absent: hardware is refused.
   */
  governedPolicyId?: () => Promise<Hex>;
  /** Chain time in seconds. */
  now: () => Promise<bigint>;
};

/**
 * Verifies evidence through the verifier registry, applies one policy to every TEE type, and signs the
 * NodeRegistry `AttestationVerdict` (docs/FORMATS.md §4). `attestedAt` is the evidence timestamp, not this
 * validator's clock, so every validator in the quorum signs the identical struct.
 */
export function createAttestationValidator(parameters: AttestationValidatorParameters): AttestationValidator {
  const { account, verifiers, policy } = parameters;
  const logger = parameters.common.logger.child({ component: "attestation-validator", validator: account.address });
  const allowed = new Set(policy.allowedMeasurements.map((m) => m.toLowerCase()));
  const registry = { chainId: policy.chainId, address: policy.nodeRegistry };
  const hardwareId = policy.hardware ? hardwarePolicyId(policy.hardware) : undefined;

  const refuse = (error: ExecutorError, request: AttestationRequest): never => {
    logger.info({ code: error.code, operator: request.operator, teeType: request.teeType }, "attestation refused");
    throw error;
  };

  async function assess(request: AttestationRequest): Promise<AttestationAssessment> {
    // Chain time first: certificates, CRLs and collateral are judged at it, as is freshness.
    const now = await parameters.now();
    const evidence = await verifiers.verify(request.teeType, request.evidence, { at: now }).catch((error: unknown) => {
      if (error instanceof ExecutorError) return refuse(error, request);
      return refuse(new ExecutorError("ATTESTATION_MALFORMED", "the verifier failed", { cause: error }), request);
    });
    if (evidence.simulated && !policy.allowSimulated) {
      refuse(new ExecutorError("ATTESTATION_SIMULATED_NOT_ALLOWED", "this validator's policy accepts hardware TEEs only"), request);
    }
    if (evidence.debug) refuse(new ExecutorError("ATTESTATION_DEBUG", `enclave ${evidence.enclaveKey}`), request);
    let outcome: { tcbStatus: TcbStatus | undefined; advisories: readonly string[]; policyId: Hex | undefined } = { tcbStatus: undefined, advisories: [], policyId: undefined };
    let allowedHere: ReadonlySet<string> = allowed;
    if (!evidence.simulated) {
      const hardware = policy.hardware;
      if (!hardware) return refuse(new ExecutorError("ATTESTATION_POLICY_MISSING", `no hardware policy (TEE type ${evidence.teeType})`), request);
      // Fail closed: a policy governance did not adopt (edited, stale, or no chain to ask) judges nothing.
      const governed = parameters.governedPolicyId ? (await parameters.governedPolicyId()).toLowerCase() : undefined;
      if (governed !== hardwareId) {
        refuse(new ExecutorError("ATTESTATION_POLICY_NOT_GOVERNED", `this validator's policy is ${hardwareId}; NodeRegistry records ${governed ?? "nothing (no reader configured)"}`), request);
      }
      try {
        outcome = applyHardwarePolicy(evidence, hardware, now);
      } catch (error) {
        return refuse(error instanceof ExecutorError ? error : new ExecutorError("ATTESTATION_MALFORMED", "the policy check failed", { cause: error }), request);
      }
      allowedHere = new Set((hardware.measurements[evidence.teeType] ?? []).map((m) => m.toLowerCase()));
    }
    if (!allowedHere.has(evidence.measurement.toLowerCase())) {
      refuse(new ExecutorError("ATTESTATION_MEASUREMENT_NOT_ALLOWED", `measurement ${evidence.measurement}`), request);
    }
    if (evidence.timestamp + policy.maxEvidenceAgeSeconds < now || evidence.timestamp > now + policy.maxClockSkewSeconds) {
      refuse(new ExecutorError("ATTESTATION_STALE", `evidence time ${evidence.timestamp}, chain time ${now}, max age ${policy.maxEvidenceAgeSeconds} s`), request);
    }
    const expected = reportDataOf({ chainId: policy.chainId, nodeRegistry: policy.nodeRegistry, enclaveKey: evidence.enclaveKey, nonce: request.nonce });
    return { evidence, ...outcome, binding: { ok: reportDataBinds(evidence.reportData, expected), expected, carried: evidence.reportData } };
  }

  return {
    address: account.address,
    assess,
    async validate(request) {
      const assessment = await assess(request);
      const { evidence, binding } = assessment;
      if (!binding.ok) {
        refuse(new ExecutorError("ATTESTATION_REPORT_DATA_MISMATCH", `expected ${binding.expected}, evidence carries ${binding.carried}`), request);
      }
      const verdict: AttestationVerdict = {
        enclaveKey: evidence.enclaveKey,
        operator: getAddress(request.operator),
        teeType: evidence.teeType,
        measurement: evidence.measurement,
        jurisdiction: jurisdictionToBytes3(request.jurisdiction),
        sovereign: request.sovereign,
        debug: false,
        attestationId: evidence.attestationId,
        attestedAt: evidence.timestamp,
        validUntil: evidence.timestamp + policy.verdictValiditySeconds,
        configDigest: await parameters.configDigest(),
      };
      const signature = await account.signTypedData(verdictTypedData(registry, verdict));
      logger.info({ enclaveKey: verdict.enclaveKey, attestationId: verdict.attestationId, simulated: evidence.simulated, vendor: evidence.hardware?.vendor, tcbStatus: assessment.tcbStatus, policyId: assessment.policyId }, "attestation verdict signed");
      return { verdict, digest: verdictDigest(registry, verdict), signature, signer: account.address, assessment };
    },
  };
}
