import { encodeAbiParameters, keccak256, type Address, type Hex } from "viem";

/**
 * What a TEE quote's report data must carry for NSF: `H(enc(uint256 chainId, address nodeRegistry,
 * address enclaveKey, bytes32 nonce))`. It binds the enclave key to one chain, one registry instance
 * and one fresh nonce, so evidence cannot be replayed to another network or reused later.
 */
export type ReportDataBinding = { chainId: bigint; nodeRegistry: Address; enclaveKey: Address; nonce: Hex };

export function reportDataOf(binding: ReportDataBinding): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "address" }, { type: "address" }, { type: "bytes32" }],
      [binding.chainId, binding.nodeRegistry, binding.enclaveKey, binding.nonce],
    ),
  );
}

/**
 * Whether the report data a TEE signed carries `expected` (a `reportDataOf` value): exactly, when the TEE's
 * field is 32 bytes (Nitro `user_data`, simulated), or as the first 32 of 64 bytes with the rest zero (SGX, TDX,
 * SEV-SNP), so no other content can ride along.
 */
export function reportDataBinds(carried: Hex, expected: Hex): boolean {
  const c = carried.toLowerCase();
  const e = expected.toLowerCase();
  return c === e || c === `${e}${"0".repeat(64)}`;
}
