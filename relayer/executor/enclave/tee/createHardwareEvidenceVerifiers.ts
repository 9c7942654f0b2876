import { TeeType } from "../../../core/formats/enums.js";
import type { EvidenceVerifier } from "../EvidenceVerifier.js";
import { createDcapEvidenceVerifier } from "./createDcapEvidenceVerifier.js";
import { createNitroEvidenceVerifier } from "./createNitroEvidenceVerifier.js";
import { createSnpEvidenceVerifier } from "./createSnpEvidenceVerifier.js";
import { loadVendorRoots, type VendorRoots } from "./vendorRoots.js";

/** The four hardware verifiers (SGX, TDX, SEV-SNP, Nitro) against the pinned vendor roots (tests pass their own). */
export function createHardwareEvidenceVerifiers(roots: VendorRoots = loadVendorRoots()): EvidenceVerifier[] {
  return [
    createDcapEvidenceVerifier({ teeType: TeeType.IntelSgx, roots: roots.dcap }),
    createDcapEvidenceVerifier({ teeType: TeeType.IntelTdx, roots: roots.dcap }),
    createSnpEvidenceVerifier({ roots: roots.snp }),
    createNitroEvidenceVerifier({ roots: roots.nitro }),
  ];
}
