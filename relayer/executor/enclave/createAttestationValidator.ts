import { getAddress, type Address, type Hex, type LocalAccount } from "viem";
import type { Common } from "../../common/Common.js";
import { verdictDigest, verdictTypedData, type AttestationVerdict } from "../../core/formats/eip712.js";
import { jurisdictionToBytes3 } from "../../core/formats/ids.js";
import { ExecutorError } from "../errors/ExecutorError.js";
import type { EvidenceVerifierRegistry } from "./createEvidenceVerifierRegistry.js";
import { reportDataOf } from "./reportData.js";

export type AttestationPolicy = {
  /** The chain and NodeRegistry instance the report data must bind (and the verdict's EIP-712 domain). */
  chainId: bigint;
  nodeRegistry: Address;
  /** Enclave measurements this validator vouches for (governance's allowlist). */
  allowedMeasurements: readonly Hex[];
  /** Evidence older than this (by chain time) is stale. */
  maxEvidenceAgeSeconds: bigint;
  /** Evidence timestamped further in the future than this is refused too. */
  maxClockSkewSeconds: bigint;
  /** `validUntil = attestedAt + verdictValiditySeconds`; NodeRegistry caps it again. */
  verdictValiditySeconds: bigint;
  /** Accept SIMULATED TEE evidence: development chains only. */
  allowSimulated: boolean;
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

export type SignedVerdict = { verdict: AttestationVerdict; digest: Hex; signature: Hex; signer: Address };

export type AttestationValidator = {
  readonly address: Address;
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

  const refuse = (error: ExecutorError, request: AttestationRequest): never => {
    logger.info({ code: error.code, operator: request.operator, teeType: request.teeType }, "attestation refused");
    throw error;
  };

  return {
    address: account.address,
    async validate(request) {
      const evidence = await verifiers.verify(request.teeType, request.evidence).catch((error: unknown) => {
        if (error instanceof ExecutorError) return refuse(error, request);
        return refuse(new ExecutorError("ATTESTATION_MALFORMED", "the verifier failed", { cause: error }), request);
      });
      if (evidence.simulated && !policy.allowSimulated) {
        refuse(new ExecutorError("ATTESTATION_SIMULATED_NOT_ALLOWED", "this validator's policy accepts hardware TEEs only"), request);
      }
      if (evidence.debug) refuse(new ExecutorError("ATTESTATION_DEBUG", `enclave ${evidence.enclaveKey}`), request);
      const expected = reportDataOf({ chainId: policy.chainId, nodeRegistry: policy.nodeRegistry, enclaveKey: evidence.enclaveKey, nonce: request.nonce });
      if (evidence.reportData.toLowerCase() !== expected) {
        refuse(new ExecutorError("ATTESTATION_REPORT_DATA_MISMATCH", `expected ${expected}, evidence carries ${evidence.reportData}`), request);
      }
      if (!allowed.has(evidence.measurement.toLowerCase())) {
        refuse(new ExecutorError("ATTESTATION_MEASUREMENT_NOT_ALLOWED", `measurement ${evidence.measurement}`), request);
      }
      const now = await parameters.now();
      if (evidence.timestamp + policy.maxEvidenceAgeSeconds < now || evidence.timestamp > now + policy.maxClockSkewSeconds) {
        refuse(new ExecutorError("ATTESTATION_STALE", `evidence time ${evidence.timestamp}, chain time ${now}, max age ${policy.maxEvidenceAgeSeconds} s`), request);
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
      logger.info({ enclaveKey: verdict.enclaveKey, attestationId: verdict.attestationId, simulated: evidence.simulated }, "attestation verdict signed");
      return { verdict, digest: verdictDigest(registry, verdict), signature, signer: account.address };
    },
  };
}
