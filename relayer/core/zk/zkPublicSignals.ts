import type { Hex } from "viem";

/**
 * The public signals every zk clause circuit exposes, in this order (docs/FORMATS.md §18). One layout for
 * all zk clauses keeps one verifier interface (five inputs) and one consumer check.
 */
export const ZK_PUBLIC_SIGNALS = ["status", "amount", "input_commitment", "clause_binding", "job_binding"] as const;
export type ZkPublicSignalName = (typeof ZK_PUBLIC_SIGNALS)[number];

/** BN254 scalar field order r: public signals and circuit values live in [0, r). */
export const SNARK_SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** BN254 base field order q: proof point coordinates live in [0, q). */
export const BN254_BASE_FIELD = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/** A 32-byte id as a field element: `uint256(id) mod r` (Solidity computes the same). */
export function fieldBinding(id: Hex): bigint {
  return BigInt(id) % SNARK_SCALAR_FIELD;
}

export type ZkPublicSignals = Readonly<Record<ZkPublicSignalName, bigint>>;

export function publicSignalsToArray(signals: ZkPublicSignals): bigint[] {
  return ZK_PUBLIC_SIGNALS.map((name) => signals[name]);
}

export function publicSignalsFromArray(values: readonly bigint[]): ZkPublicSignals {
  return Object.fromEntries(ZK_PUBLIC_SIGNALS.map((name, i) => [name, values[i]!])) as ZkPublicSignals;
}
