import type { Hex } from "viem";
import { canonicalJson } from "../../../core/formats/canonicalJson.js";
import type { TeeType } from "../../../core/formats/enums.js";
import { sha256Of } from "../../../core/formats/ids.js";
import { ExecutorError } from "../../errors/ExecutorError.js";
import type { VerifiedEvidence } from "../EvidenceVerifier.js";
import type { IntelTcbStatus } from "./dcapCollateral.js";
import type { SnpTcb } from "./snpReport.js";

/**
 * The governed policy for hardware evidence (`nsf.tee-policy/1`, docs/adr/0015-hardware-tee-evidence.md). It is
 * versioned data, not code: its id (`sha256(utf8(JCS(policy)))`, integers as decimal strings) goes into every
 * assessment, so a verdict says under which policy it was reached. Anything the policy does not name is refused.
 */
export const HARDWARE_POLICY_VERSION = "nsf.tee-policy/1";

/** Intel's statuses, plus NotApplicable for Nitro (AWS publishes no TCB status). */
export type TcbStatus = IntelTcbStatus | "NotApplicable";

export type HardwareAttestationPolicy = {
  version: typeof HARDWARE_POLICY_VERSION;
  /** 32-byte measurements allowed per TEE type (the node class); docs/FORMATS.md §1 says how each is formed. */
  measurements: Partial<Record<TeeType, readonly Hex[]>>;
  /**
   * Accepted TCB statuses. `graceSeconds: null` accepts the status without limit; a number accepts it until that
   * long after the newer TCB level appeared (Intel's tcbDate of the level above the platform's). Revoked is
   * refused whatever the table says.
   */
  tcbStatuses: Partial<Record<TcbStatus, { graceSeconds: bigint | null }>>;
  /** Intel collateral (TCB Info, QE Identity, PCK CRL) issued longer ago than this is refused. */
  maxCollateralAgeSeconds: bigint;
  /** SEV-SNP: the lowest reported TCB accepted as UpToDate per product (AMD security bulletins); below it: OutOfDate. */
  snpMinimumTcb: Partial<Record<"Milan" | "Genoa", SnpTcb>>;
};

export type HardwarePolicyOutcome = { policyId: Hex; tcbStatus: TcbStatus; advisories: readonly string[] };

export function hardwarePolicyId(policy: HardwareAttestationPolicy): Hex {
  return sha256Of(new TextEncoder().encode(canonicalJson(JSON.parse(JSON.stringify(policy, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))))));
}

const atLeast = (tcb: SnpTcb, minimum: SnpTcb) => tcb.bootloader >= minimum.bootloader && tcb.tee >= minimum.tee && tcb.snp >= minimum.snp && tcb.microcode >= minimum.microcode;

/**
 * TCB status and collateral age for one piece of verified hardware evidence at time `at` (chain time). Throws
 * NSF_ATTESTATION_TCB_NOT_ALLOWED, NSF_ATTESTATION_COLLATERAL_TOO_OLD or NSF_ATTESTATION_POLICY_MISSING.
 */
export function applyHardwarePolicy(evidence: VerifiedEvidence, policy: HardwareAttestationPolicy, at: bigint): HardwarePolicyOutcome {
  const facts = evidence.hardware;
  if (!facts) throw new ExecutorError("ATTESTATION_POLICY_MISSING", "evidence without hardware facts");
  let tcbStatus: TcbStatus;
  let advisories: readonly string[] = [];
  let since: bigint | undefined;
  switch (facts.tcb.kind) {
    case "intel":
      tcbStatus = facts.tcb.status;
      advisories = facts.tcb.advisories;
      since = facts.tcb.since;
      break;
    case "amd-sev-snp": {
      const minimum = policy.snpMinimumTcb[facts.tcb.product];
      if (!minimum) throw new ExecutorError("ATTESTATION_POLICY_MISSING", `no minimum SEV-SNP TCB for ${facts.tcb.product}`);
      tcbStatus = atLeast(facts.tcb.reportedTcb, minimum) ? "UpToDate" : "OutOfDate";
      break;
    }
    case "none":
      tcbStatus = "NotApplicable";
      break;
  }
  const rule = policy.tcbStatuses[tcbStatus];
  if (tcbStatus === "Revoked" || !rule) throw new ExecutorError("ATTESTATION_TCB_NOT_ALLOWED", `TCB status ${tcbStatus}${advisories.length ? ` (${advisories.join(", ")})` : ""}`);
  if (rule.graceSeconds !== null && since !== undefined && at > since + rule.graceSeconds) {
    throw new ExecutorError("ATTESTATION_TCB_NOT_ALLOWED", `TCB status ${tcbStatus} since ${since}, grace ${rule.graceSeconds} s ended`);
  }
  if (facts.collateralIssuedAt !== undefined && at - facts.collateralIssuedAt > policy.maxCollateralAgeSeconds) {
    throw new ExecutorError("ATTESTATION_COLLATERAL_TOO_OLD", `collateral issued at ${facts.collateralIssuedAt}, ${at - facts.collateralIssuedAt} s before the verification time; the policy allows ${policy.maxCollateralAgeSeconds} s`);
  }
  return { policyId: hardwarePolicyId(policy), tcbStatus, advisories };
}
