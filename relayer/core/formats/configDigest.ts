import { encodeAbiParameters, keccak256, toBytes, type Address, type Hex } from "viem";
import { InvalidFormatError } from "../errors/NsfError.js";

export const AGGREGATOR_ROLE: Hex = keccak256(toBytes("NSF.AGGREGATOR"));
export const ATTESTATION_VALIDATOR_ROLE: Hex = keccak256(toBytes("NSF.ATTESTATION_VALIDATOR"));
export const MAX_QUORUM_SIGNERS = 32;

export type QuorumConfig = {
  chainId: bigint;
  verifyingContract: Address;
  role: Hex;
  configVersion: bigint;
  threshold: number;
  /** Strictly ascending, no zero address. */
  signers: readonly Address[];
};

/** The checks `setConfig` makes on-chain, so a bad config fails before it costs a proposal. */
export function assertQuorumConfig(config: Pick<QuorumConfig, "threshold" | "signers">): void {
  const { threshold, signers } = config;
  if (signers.length === 0 || signers.length > MAX_QUORUM_SIGNERS) {
    throw new InvalidFormatError("quorum signers", signers.length, `between 1 and ${MAX_QUORUM_SIGNERS} signers`);
  }
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > signers.length) {
    throw new InvalidFormatError("quorum threshold", threshold, `1 <= k <= n (n = ${signers.length})`);
  }
  let previous = 0n;
  for (const signer of signers) {
    const value = BigInt(signer);
    if (value <= previous) throw new InvalidFormatError("quorum signers", signer, "strictly ascending addresses, none zero");
    previous = value;
  }
}

/** docs/FORMATS.md §3. */
export function quorumConfigDigest(config: QuorumConfig): Hex {
  assertQuorumConfig(config);
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "bytes32" },
        { type: "uint64" },
        { type: "uint8" },
        { type: "address[]" },
      ],
      [config.chainId, config.verifyingContract, config.role, config.configVersion, config.threshold, [...config.signers]],
    ),
  );
}

export type ClauseConfig = {
  chainId: bigint;
  clauseRegistry: Address;
  clauseId: Hex;
  codeHash: Hex;
  executionModel: number;
  quorumK: number;
  quorumN: number;
  policyFlags: number;
};

/** docs/FORMATS.md §2: the executor quorum in force for one clause version. */
export function clauseConfigDigest(config: ClauseConfig): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "bytes32" },
        { type: "bytes32" },
        { type: "uint8" },
        { type: "uint8" },
        { type: "uint8" },
        { type: "uint32" },
      ],
      [
        config.chainId,
        config.clauseRegistry,
        config.clauseId,
        config.codeHash,
        config.executionModel,
        config.quorumK,
        config.quorumN,
        config.policyFlags,
      ],
    ),
  );
}
