import { TeeType } from "./enums.js";

/**
 * The normalized attestation facts a CAC's `runtime_info` carries (docs/FORMATS.md §11): the vendor named by the
 * TEE type, and the TCB status the attestation validators accepted. Pure data shared by the executor node (which
 * signs them) and every checker (which re-derives the vendor from the hashed TEE type).
 */

/** Intel's TCB statuses (TCB Info v3 / QE Identity v2), in Intel's spelling. */
export const INTEL_TCB_STATUSES = ["UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded", "OutOfDate", "OutOfDateConfigurationNeeded", "Revoked"] as const;

/** Every TCB status a runtime may report: Intel's, and NotApplicable where the vendor publishes none (Nitro, simulated). */
export const RUNTIME_TCB_STATUSES = [...INTEL_TCB_STATUSES, "NotApplicable"] as const;
export type RuntimeTcbStatus = (typeof RUNTIME_TCB_STATUSES)[number];

/** The vendor each TEE type names; `simulated` is the development backend (UNSAFE FOR PRODUCTION). */
export const TEE_VENDOR_BY_TYPE = {
  [TeeType.Simulated]: "simulated",
  [TeeType.IntelSgx]: "intel-sgx",
  [TeeType.IntelTdx]: "intel-tdx",
  [TeeType.AmdSevSnp]: "amd-sev-snp",
  [TeeType.AwsNitro]: "aws-nitro",
} as const;
export type RuntimeVendor = (typeof TEE_VENDOR_BY_TYPE)[keyof typeof TEE_VENDOR_BY_TYPE];

/** The normalized vendor of a TEE type, or undefined for a type this version does not know. */
export function teeVendorOf(teeType: number): RuntimeVendor | undefined {
  return (TEE_VENDOR_BY_TYPE as Record<number, RuntimeVendor>)[teeType];
}

/** The TCB status the simulated backend reports: there is no hardware TCB to judge. */
export const SIMULATED_TCB_STATUS: RuntimeTcbStatus = "NotApplicable";
