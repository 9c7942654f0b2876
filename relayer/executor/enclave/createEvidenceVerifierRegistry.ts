import type { TeeType } from "../../core/formats/enums.js";
import { ExecutorError } from "../errors/ExecutorError.js";
import type { EvidenceVerifier, VerificationContext, VerifiedEvidence } from "./EvidenceVerifier.js";

export type EvidenceVerifierRegistry = {
  verify(teeType: TeeType | number, raw: Uint8Array, context: VerificationContext): Promise<VerifiedEvidence>;
  supports(teeType: TeeType | number): boolean;
};

/** Dispatches by TEE type, so adding SGX/TDX, SEV-SNP or Nitro is one more entry here and no caller changes. */
export function createEvidenceVerifierRegistry(verifiers: readonly EvidenceVerifier[]): EvidenceVerifierRegistry {
  const byType = new Map<number, EvidenceVerifier>();
  for (const verifier of verifiers) {
    if (byType.has(verifier.teeType)) throw new ExecutorError("CONFIG_INVALID", `two evidence verifiers for TEE type ${verifier.teeType}`);
    byType.set(verifier.teeType, verifier);
  }
  return {
    supports: (teeType) => byType.has(teeType),
    async verify(teeType, raw, context) {
      const verifier = byType.get(teeType);
      if (!verifier) throw new ExecutorError("ATTESTATION_TEE_UNSUPPORTED", `TEE type ${teeType}; supported: ${[...byType.keys()].join(", ") || "none"}`);
      const verified = await verifier.verify(raw, context);
      // A verifier must not report another type than the one it is registered for.
      if (verified.teeType !== teeType) throw new ExecutorError("ATTESTATION_MALFORMED", `evidence of TEE type ${verified.teeType} submitted as ${teeType}`);
      return verified;
    },
  };
}
