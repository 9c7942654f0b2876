import type { Hex } from "viem";
import type { RuntimeVendor } from "../../../core/formats/teeRuntime.js";
import type { IntelTcbStatus } from "./dcapCollateral.js";
import type { SnpTcb } from "./snpReport.js";

/** The hardware vendors (docs/FORMATS.md §11 `runtime_info.vendor`). */
export type TeeVendor = Exclude<RuntimeVendor, "simulated">;

/**
 * The TCB facts a vendor gives, before policy. Intel: a status from its signed TCB Info and QE Identity (with
 * advisories and since when the platform is behind). AMD: the reported TCB SPLs, which policy compares with its
 * own minimum per product (AMD signs no status document). AWS: nothing (Nitro publishes no TCB status).
 */
export type VendorTcb =
  | { kind: "intel"; status: IntelTcbStatus; advisories: readonly string[]; since: bigint | undefined; evaluationDataNumber: number }
  | { kind: "amd-sev-snp"; product: "Milan" | "Genoa"; reportedTcb: SnpTcb }
  | { kind: "none" };

/** What hardware verifiers add to VerifiedEvidence, normalised across vendors. */
export type HardwareEvidenceFacts = {
  vendor: TeeVendor;
  tcb: VendorTcb;
  /** The oldest signed collateral the verdict rests on (seconds), where the vendor has dated collateral. */
  collateralIssuedAt: bigint | undefined;
  /** The vendor's own measurement registers (MRENCLAVE/MRSIGNER, MRTD/RTMRs, PCRs, launch digest), hex. */
  measurements: Readonly<Record<string, Hex | readonly Hex[] | number | string | undefined>>;
};
