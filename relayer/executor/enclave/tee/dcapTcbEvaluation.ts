import { ExecutorError } from "../../errors/ExecutorError.js";
import type { IntelTcbStatus, QeTcbLevel, TcbInfo, TcbLevel } from "./dcapCollateral.js";
import { isoSeconds } from "./dcapCollateral.js";
import type { PckExtensions } from "./pckCertificateExtensions.js";

/**
 * TCB status evaluation (Intel DCAP QVL semantics), pure. A status comes with the advisories that explain it and
 * `since`: when the platform stopped meeting the newest level (the tcbDate of the first level above the one it
 * matches), which the policy's grace periods count from.
 */
export type TcbVerdict = { status: IntelTcbStatus; advisories: readonly string[]; since: bigint | undefined };

function verdictAt<T extends { tcbDate: string; tcbStatus: IntelTcbStatus; advisoryIDs?: string[] | undefined }>(levels: readonly T[], index: number): TcbVerdict {
  const level = levels[index]!;
  return { status: level.tcbStatus, advisories: level.advisoryIDs ?? [], since: index === 0 ? undefined : isoSeconds(levels[index - 1]!.tcbDate) };
}

/**
 * The platform level: the first `tcbLevels` entry (Intel lists them newest first) whose 16 SGX component SVNs and
 * PCESVN the PCK certificate meets and, for TDX, whose TDX components TEE_TCB_SVN meets. Intel's QVL skips TDX
 * components 0 and 1 (module SVN and major version, judged by the module identity instead) when TEE_TCB_SVN[1]
 * is non-zero. No match is "TCB level not supported": refused.
 */
export function evaluatePlatformTcb(tcbInfo: TcbInfo, pck: PckExtensions, teeTcbSvn: Uint8Array | undefined): TcbVerdict {
  const sorted: TcbLevel[] = tcbInfo.tcbLevels;
  const index = sorted.findIndex((level) => {
    if (!level.tcb.sgxtcbcomponents.every((c, i) => pck.cpuSvnComponents[i]! >= c.svn) || pck.pceSvn < level.tcb.pcesvn) return false;
    if (teeTcbSvn === undefined) return true;
    const tdx = level.tcb.tdxtcbcomponents;
    if (!tdx) return false;
    const from = teeTcbSvn[1] !== 0 ? 2 : 0;
    return tdx.every((c, i) => i < from || teeTcbSvn[i]! >= c.svn);
  });
  if (index < 0) throw new ExecutorError("ATTESTATION_TCB_UNSUPPORTED", `no TCB level of FMSPC ${tcbInfo.fmspc} (evaluation ${tcbInfo.tcbEvaluationDataNumber}) matches PCK SVNs [${pck.cpuSvnComponents.join(",")}] PCESVN ${pck.pceSvn}`);
  return verdictAt(sorted, index);
}

/** The first level whose ISVSVN the enclave (QE or TDX module) meets. */
export function evaluateIsvSvnTcb(levels: readonly QeTcbLevel[], isvSvn: number, what: string): TcbVerdict {
  const index = levels.findIndex((level) => isvSvn >= level.tcb.isvsvn);
  if (index < 0) throw new ExecutorError("ATTESTATION_TCB_UNSUPPORTED", `${what}: ISVSVN ${isvSvn} is below every TCB level`);
  return verdictAt(levels, index);
}

const OUT_OF_DATE: readonly IntelTcbStatus[] = ["OutOfDate", "OutOfDateConfigurationNeeded"];
const NEEDS_CONFIGURATION: readonly IntelTcbStatus[] = ["ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded", "OutOfDateConfigurationNeeded"];
const SEVERITY: readonly IntelTcbStatus[] = ["UpToDate", "SWHardeningNeeded", "ConfigurationNeeded", "ConfigurationAndSWHardeningNeeded", "OutOfDate", "OutOfDateConfigurationNeeded", "Revoked"];

/**
 * Converges two statuses the way Intel's QVL does for the platform and the QE (and TDX module): Revoked wins;
 * an out-of-date part with a configuration-needed part is OutOfDateConfigurationNeeded; otherwise the worse.
 * Advisories are the union; `since` the earliest.
 */
export function combineTcb(a: TcbVerdict, b: TcbVerdict): TcbVerdict {
  let status: IntelTcbStatus;
  if (a.status === "Revoked" || b.status === "Revoked") status = "Revoked";
  else if ((OUT_OF_DATE.includes(a.status) || OUT_OF_DATE.includes(b.status)) && (NEEDS_CONFIGURATION.includes(a.status) || NEEDS_CONFIGURATION.includes(b.status))) status = "OutOfDateConfigurationNeeded";
  else status = SEVERITY.indexOf(a.status) >= SEVERITY.indexOf(b.status) ? a.status : b.status;
  const since = a.since === undefined ? b.since : b.since === undefined ? a.since : a.since < b.since ? a.since : b.since;
  return { status, advisories: [...new Set([...a.advisories, ...b.advisories])].sort(), since };
}
