import { readFile } from "node:fs/promises";
import type { Hex } from "viem";
import { z } from "zod";
import { RUNTIME_TCB_STATUSES } from "../../../core/formats/teeRuntime.js";
import { ExecutorError } from "../../errors/ExecutorError.js";
import { HARDWARE_POLICY_VERSION, hardwarePolicyId, type HardwareAttestationPolicy } from "./hardwareAttestationPolicy.js";

/**
 * `nsf.tee-policy/1` as a file (docs/FORMATS.md §17): the JSON whose canonical form's sha256 is the policy id
 * governance records in NodeRegistry (`setTeePolicy`). Integers that may exceed 2^53 (seconds) are decimal
 * strings, so the file, the parsed policy and the id agree byte for byte; unknown fields are refused.
 */
const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, "a non-negative decimal string").transform(BigInt);
const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, "0x-prefixed lowercase 32-byte hex") as unknown as z.ZodType<Hex>;
const svn = z.number().int().min(0).max(255);
const snpTcb = z.strictObject({ bootloader: svn, tee: svn, snp: svn, microcode: svn });

export const TeePolicyFileSchema = z.strictObject({
  version: z.literal(HARDWARE_POLICY_VERSION),
  measurements: z.partialRecord(z.enum(["2", "3", "4", "5"]), z.array(bytes32)),
  tcbStatuses: z.partialRecord(z.enum(RUNTIME_TCB_STATUSES), z.strictObject({ graceSeconds: decimal.nullable() })),
  maxCollateralAgeSeconds: decimal,
  snpMinimumTcb: z.strictObject({ Milan: snpTcb.optional(), Genoa: snpTcb.optional() }),
});

/** A parsed policy and its id, as the validator uses it and as NodeRegistry must record it. */
export type GovernedTeePolicy = { policy: HardwareAttestationPolicy; policyId: Hex };

/** Parses the JSON form (already `JSON.parse`d); throws `NSF_CONFIG_INVALID` naming every bad field. */
export function parseTeePolicy(json: unknown): GovernedTeePolicy {
  const parsed = TeePolicyFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new ExecutorError("CONFIG_INVALID", `nsf.tee-policy/1: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  const { snpMinimumTcb, ...rest } = parsed.data;
  const policy = {
    ...rest,
    snpMinimumTcb: Object.fromEntries(Object.entries(snpMinimumTcb).filter(([, v]) => v !== undefined)),
  } as HardwareAttestationPolicy;
  return { policy, policyId: hardwarePolicyId(policy) };
}

/** Reads and parses a policy file (the I/O edge of `parseTeePolicy`). */
export async function loadTeePolicyFile(path: string): Promise<GovernedTeePolicy> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new ExecutorError("CONFIG_INVALID", `cannot read the TEE policy file ${path}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ExecutorError("CONFIG_INVALID", `the TEE policy file ${path} is not JSON`, { cause });
  }
  return parseTeePolicy(json);
}
