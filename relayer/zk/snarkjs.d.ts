// The part of snarkjs 0.7.6, circom_runtime 0.1.28 and circomlibjs 0.1.7 this project calls (none ships types).
declare module "snarkjs" {
  export type Groth16ProofJson = {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  };
  export const groth16: {
    fullProve(
      input: Record<string, unknown>,
      wasm: string | Uint8Array | { type: "mem"; data: Uint8Array },
      zkey: string | Uint8Array | { type: "mem"; data: Uint8Array },
    ): Promise<{ proof: Groth16ProofJson; publicSignals: string[] }>;
    prove(
      zkey: string | Uint8Array | { type: "mem"; data: Uint8Array },
      wtns: string | Uint8Array | { type: "mem"; data: Uint8Array },
    ): Promise<{ proof: Groth16ProofJson; publicSignals: string[] }>;
    verify(vkey: unknown, publicSignals: readonly (string | bigint)[], proof: unknown): Promise<boolean>;
    exportSolidityCallData(proof: unknown, publicSignals: readonly unknown[]): Promise<string>;
  };
  export const wtns: {
    calculate(input: Record<string, unknown>, wasm: string | { type: "mem"; data?: Uint8Array }, wtns: string | { type: "mem"; data?: Uint8Array }, options?: unknown): Promise<void>;
    check(r1cs: string, wtns: string, logger?: unknown): Promise<boolean>;
    exportJson(wtns: string | { type: "mem"; data?: Uint8Array }): Promise<bigint[]>;
  };
  export const r1cs: { info(file: string): Promise<{ nConstraints: number; nOutputs: number; nPubInputs: number }> };
  export const powersOfTau: {
    newAccumulator(curve: unknown, power: number, file: string): Promise<unknown>;
    beacon(oldFile: string, newFile: string, name: string, beaconHash: string, iterationsExp: number): Promise<unknown>;
    preparePhase2(oldFile: string, newFile: string): Promise<unknown>;
  };
  export const zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string): Promise<unknown>;
    beacon(oldFile: string, newFile: string, name: string, beaconHash: string, iterationsExp: number): Promise<unknown>;
    exportVerificationKey(zkey: string | Uint8Array): Promise<Record<string, unknown>>;
    exportSolidityVerifier(zkey: string, templates: { groth16: string }): Promise<string>;
  };
  export const curves: { getCurveFromName(name: string): Promise<{ terminate(): Promise<void> }> };
}

// circom_runtime 0.1.28 (snarkjs's witness calculator): built once per circuit, reused across proofs.
declare module "circom_runtime" {
  export type WitnessCalculator = { calculateWTNSBin(input: Record<string, unknown>, sanityCheck: 0 | 1): Promise<Uint8Array> };
  export function WitnessCalculatorBuilder(wasm: Uint8Array, options?: unknown): Promise<WitnessCalculator>;
}

declare module "circomlibjs" {
  export type Poseidon = ((inputs: readonly bigint[]) => Uint8Array) & { F: { toObject(value: Uint8Array): bigint } };
  export function buildPoseidon(): Promise<Poseidon>;
}
