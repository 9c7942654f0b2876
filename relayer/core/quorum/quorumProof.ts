import { concat, type Address, type Hex } from "viem";
import { InvalidFormatError } from "../errors/NsfError.js";
import { assertQuorumConfig } from "../formats/configDigest.js";

/** The calldata form of `QuorumVerifier.Proof` (docs/FORMATS.md §3). */
export type QuorumProof = {
  configVersion: bigint;
  threshold: number;
  signerBitmap: bigint;
  /** Non-signer addresses (20 bytes each, position order) then signatures (65 bytes each, position order). */
  packed: Hex;
};

export type QuorumProofInput = {
  configVersion: bigint;
  threshold: number;
  /** The config's signers, strictly ascending. */
  signers: readonly Address[];
  /** Exactly `threshold` 65-byte signatures, keyed by the signer that made them. */
  signatures: ReadonlyMap<Address, Hex>;
};

/**
 * Lays signatures out the way the contract rebuilds the signer list: a bitmap of positions that
 * signed, then one blob with the addresses of the positions that did not followed by the signatures.
 */
export function assembleQuorumProof(input: QuorumProofInput): QuorumProof {
  assertQuorumConfig(input);
  const bySigner = new Map<string, Hex>();
  for (const [signer, signature] of input.signatures) {
    if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) throw new InvalidFormatError("signature", signature, "65 bytes (r, s, v) as hex");
    bySigner.set(signer.toLowerCase(), signature);
  }
  if (bySigner.size !== input.threshold) {
    throw new InvalidFormatError("quorum signatures", bySigner.size, `exactly ${input.threshold} distinct signers`);
  }
  let bitmap = 0n;
  const ordered: Hex[] = [];
  const nonSigners: Address[] = [];
  input.signers.forEach((signer, position) => {
    const signature = bySigner.get(signer.toLowerCase());
    if (signature) {
      bitmap |= 1n << BigInt(position);
      ordered.push(signature);
      bySigner.delete(signer.toLowerCase());
    } else {
      nonSigners.push(signer);
    }
  });
  if (bySigner.size !== 0) {
    throw new InvalidFormatError("quorum signatures", [...bySigner.keys()].join(","), "signers that belong to the config");
  }
  return { configVersion: input.configVersion, threshold: input.threshold, signerBitmap: bitmap, packed: concat([...nonSigners, ...ordered]) };
}
