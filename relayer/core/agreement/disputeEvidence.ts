import { encodeFunctionData, type Address, type Hex } from "viem";
import { openDisputeAbi } from "../abi/contractAbis.js";
import { RelayerError } from "../errors/RelayerError.js";
import type { Cac } from "../formats/eip712.js";
import { splitSignature } from "../quorum/signature.js";




export type SignedCac = { cac: Cac; signature: Hex };

/**
 * Calldata for `DisputeResolver.openDispute` from two verified CACs of one job that disagree on the output
 * (DESIGN.md §3.7: "disagreement kept as dispute evidence"). Pure. The CACs must share job, clause version,
 * code, config digest, tenant and inputs, and differ in output hash; `dao`/`jurisdiction` are the job's tenant.
 * Submitting it (a later issue) freezes the clause until its DAO and the jurisdiction authority resolve it.
 */
export function buildOpenDisputeCalldata(parameters: { a: SignedCac; b: SignedCac; dao: Address; jurisdiction: Hex }): Hex {
  const { a, b } = parameters;
  const same: (keyof Cac)[] = ["jobId", "clauseId", "clauseVersion", "codeHash", "tenantId", "inputHash", "configDigest"];
  for (const field of same) {
    if (String(a.cac[field]).toLowerCase() !== String(b.cac[field]).toLowerCase()) {
      throw new RelayerError("CAC_FIELD_MISMATCH", `dispute evidence: ${field} differs between the two CACs`);
    }
  }
  if (a.cac.outputHash.toLowerCase() === b.cac.outputHash.toLowerCase()) {
    throw new RelayerError("CAC_FIELD_MISMATCH", "dispute evidence: the two CACs agree on the output");
  }
  const executor = (x: SignedCac) => ({ attempt: x.cac.attempt, runtimeHash: x.cac.runtimeHash, timestamp: x.cac.timestamp, ...splitSignature(x.signature) });
  const zero = `0x${"00".repeat(32)}` as Hex;
  return encodeFunctionData({
    abi: openDisputeAbi,
    functionName: "openDispute",
    args: [
      {
        leafA: {
          jobId: a.cac.jobId,
          resultSeq: 0n,
          clauseId: a.cac.clauseId,
          tenantId: a.cac.tenantId,
          inputHash: a.cac.inputHash,
          outputHash: a.cac.outputHash,
          cacSetHash: zero,
        },
        outputHashB: b.cac.outputHash,
        ctx: { clauseVersion: a.cac.clauseVersion, codeHash: a.cac.codeHash, configDigest: a.cac.configDigest },
        executorA: executor(a),
        executorB: executor(b),
        dao: parameters.dao,
        jurisdiction: parameters.jurisdiction,
      },
    ],
  });
}
