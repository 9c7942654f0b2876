import type { Hex } from "viem";
import type { CacJson } from "./cacJson.js";

/** A node's NodeRegistry registration as a CAC's runtime_info must name it (docs/FORMATS.md §11). */
export type RegisteredRuntime = { teeType: number; measurement: Hex; attestationId: Hex; verdictId: Hex };

/**
 * The first runtime_info field that differs from the node's NodeRegistry registration, as a message; undefined when
 * TEE type, measurement, attestation id and verdict id all match (the vendor follows from the TEE type).
 */
export function runtimeMismatch(
  info: Pick<CacJson["runtime_info"], "tee_type" | "measurement" | "attestation_id" | "verdict_id">,
  registered: RegisteredRuntime,
): string | undefined {
  const pairs: [string, string, string][] = [
    ["tee_type", String(info.tee_type), String(registered.teeType)],
    ["measurement", info.measurement, registered.measurement],
    ["attestation_id", info.attestation_id, registered.attestationId],
    ["verdict_id", info.verdict_id, registered.verdictId],
  ];
  for (const [name, inCac, held] of pairs) if (inCac.toLowerCase() !== held.toLowerCase()) return `runtime_info.${name} ${inCac}, NodeRegistry holds ${held}`;
  return undefined;
}
