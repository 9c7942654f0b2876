/**
 * The zero-knowledge clause circuits this repository ships (docs/ZK.md). Sources live in `circuits/`, the
 * development setup's artifacts in `circuits/build/<name>/` and the generated verifiers in `contracts/zk/`;
 * `scripts/zk-setup.ts` produces all of them. Paths are relative to the repository root.
 */
export type ZkCircuitName = "flood_payout" | "cash_transfer_eligibility";

export type ZkCircuitSpec = {
  readonly name: ZkCircuitName;
  /** The clause id string a zk clause version of this circuit is registered under by default. */
  readonly clauseId: string;
  /** The private inputs the prover supplies, in the circuit's declaration order. */
  readonly privateInputs: readonly string[];
  /** The output action per status (docs/FORMATS.md §5): a circuit emits only numbers. */
  readonly actions: Readonly<Record<number, string>>;
  /** Private witness hints the prover derives from the clause inputs (checked by the circuit, never trusted). */
  readonly hints?: (inputs: Readonly<Record<string, bigint>>) => Record<string, bigint>;
  /** Solidity contract name of the generated verifier (contracts/zk/<name>.sol). */
  readonly verifierContract: string;
};

export const ZK_CIRCUITS: Readonly<Record<ZkCircuitName, ZkCircuitSpec>> = {
  flood_payout: {
    name: "flood_payout",
    clauseId: "UNDRR::Disaster::FloodPayoutZk@1.0.0",
    privateInputs: ["rainfall_72h_mm_x10", "insured_households", "salt"],
    actions: { 0: "", 1: "Payout:FloodRelief" },
    verifierContract: "FloodPayoutVerifier",
  },
  cash_transfer_eligibility: {
    name: "cash_transfer_eligibility",
    clauseId: "WFP::Aid::CashTransferEligibility@1.0.0",
    privateInputs: [
      "holder",
      "monthly_income_cents",
      "household_members",
      "salt",
      "income_per_member_cents",
      "income_per_member_remainder",
    ],
    actions: { 0: "", 1: "Payout:CashTransfer" },
    // Income per member by integer division; a zero member count fails the circuit's own range check.
    hints: (inputs) => {
      const income = inputs.monthly_income_cents ?? 0n;
      const members = inputs.household_members ?? 0n;
      return members === 0n
        ? { income_per_member_cents: 0n, income_per_member_remainder: 0n }
        : { income_per_member_cents: income / members, income_per_member_remainder: income % members };
    },
    verifierContract: "CashTransferEligibilityVerifier",
  },
};

export const ZK_CIRCUIT_NAMES = Object.keys(ZK_CIRCUITS) as ZkCircuitName[];

/** Where one circuit's artifacts live, relative to the repository root. */
export function zkArtifactPaths(name: ZkCircuitName) {
  const dir = `circuits/build/${name}`;
  const spec = ZK_CIRCUITS[name];
  return {
    source: `circuits/${name}.circom`,
    dir,
    r1cs: `${dir}/${name}.r1cs`,
    wasm: `${dir}/${name}.wasm`,
    zkey: `${dir}/${name}.zkey`,
    vkey: `${dir}/verification_key.json`,
    manifest: `${dir}/circuit.json`,
    verifier: `contracts/zk/${spec.verifierContract}.sol`,
  } as const;
}
