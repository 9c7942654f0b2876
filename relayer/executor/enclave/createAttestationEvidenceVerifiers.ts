import type { Address } from "viem";
import { createEvidenceVerifierRegistry, type EvidenceVerifierRegistry } from "./createEvidenceVerifierRegistry.js";
import { createUnsafeSimulatedEvidenceVerifier } from "./createUnsafeSimulatedEvidenceVerifier.js";
import { createHardwareEvidenceVerifiers } from "./tee/createHardwareEvidenceVerifiers.js";
import type { VendorRoots } from "./tee/vendorRoots.js";

/**
 * The verifier registry every attestation validator uses (nsf dev, the relayer's registration flow, tests):
 * Intel SGX and TDX, AMD SEV-SNP and AWS Nitro against the pinned vendor roots, selected by TEE type; plus the
 * SIMULATED backend's verifier only when the caller names the development roots it trusts — UNSAFE FOR
 * PRODUCTION, and still refused unless the validator's policy sets `allowSimulated`.
 */
export function createAttestationEvidenceVerifiers(parameters: { unsafeSimulatedDevRoots?: readonly Address[]; vendorRoots?: VendorRoots } = {}): EvidenceVerifierRegistry {
  const simulated = parameters.unsafeSimulatedDevRoots ? [createUnsafeSimulatedEvidenceVerifier({ trustedDevRoots: parameters.unsafeSimulatedDevRoots })] : [];
  return createEvidenceVerifierRegistry([...simulated, ...createHardwareEvidenceVerifiers(parameters.vendorRoots)]);
}
