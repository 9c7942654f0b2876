import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as snarkjs from "snarkjs";
import { SNARK_SCALAR_FIELD } from "../../relayer/core/zk/zkPublicSignals.js";
import { REPO_ROOT } from "../../relayer/zk/loadZkCircuit.js";

/** snarkjs keeps a BN254 instance with worker threads; every zk test file ends it or mocha never exits. */
export async function terminateSnarkjsCurve(): Promise<void> {
  await (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }).curve_bn128?.terminate();
}

const workDir = mkdtempSync(path.join(tmpdir(), "nsf-zk-test-"));

/** Compiles a test-only variant circuit (test/zk/variants/<name>.circom) with circom2; a few seconds each. */
export function compileVariant(name: string): { r1cs: string; wasm: string } {
  execFileSync(
    path.join(REPO_ROOT, "node_modules/.bin/circom2"),
    [`test/zk/variants/${name}.circom`, "--r1cs", "--wasm", "-l", "node_modules", "-o", workDir],
    { cwd: REPO_ROOT, stdio: "pipe" },
  );
  return { r1cs: path.join(workDir, `${name}.r1cs`), wasm: path.join(workDir, `${name}_js`, `${name}.wasm`) };
}

/** The full witness (index 0 is the constant 1, then outputs, public inputs, private inputs, internals). */
export async function computeWitness(wasm: string | Uint8Array, input: Record<string, bigint | string>): Promise<bigint[]> {
  const out: { type: "mem"; data?: Uint8Array } = { type: "mem" };
  const stringInput = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, v.toString()]));
  await snarkjs.wtns.calculate(stringInput, typeof wasm === "string" ? wasm : { type: "mem", data: wasm }, out);
  return snarkjs.wtns.exportJson(out);
}

/**
 * Checks an arbitrary (e.g. hand-forged) witness against an r1cs: every A·B = C row. The witness is written
 * in the `wtns` binary format (v2: a header section with the field size, prime and count, then the values
 * little-endian), so the check is snarkjs's own, independent of any witness calculator.
 */
export async function witnessSatisfies(r1csPath: string, witness: readonly bigint[]): Promise<boolean> {
  const n8 = 32;
  const header = Buffer.alloc(12);
  header.write("wtns", 0, "ascii");
  header.writeUInt32LE(2, 4);
  header.writeUInt32LE(2, 8);
  const section = (type: number, data: Buffer) => {
    const head = Buffer.alloc(12);
    head.writeUInt32LE(type, 0);
    head.writeBigUInt64LE(BigInt(data.length), 4);
    return Buffer.concat([head, data]);
  };
  const le = (value: bigint, reduce = true) => {
    const b = Buffer.alloc(n8);
    let v = reduce ? ((value % SNARK_SCALAR_FIELD) + SNARK_SCALAR_FIELD) % SNARK_SCALAR_FIELD : value;
    for (let i = 0; i < n8; i++, v >>= 8n) b[i] = Number(v & 0xffn);
    return b;
  };
  const meta = Buffer.alloc(4 + n8 + 4);
  meta.writeUInt32LE(n8, 0);
  le(SNARK_SCALAR_FIELD, false).copy(meta, 4);
  meta.writeUInt32LE(witness.length, 4 + n8);
  const file = path.join(workDir, `forged-${Math.random().toString(16).slice(2)}.wtns`);
  writeFileSync(file, Buffer.concat([header, section(1, meta), section(2, Buffer.concat(witness.map((value) => le(value))))]));
  // snarkjs reports the first failing row through its logger (and needs one to be present).
  const silent = { info() {}, warn() {}, error() {}, debug() {} };
  return snarkjs.wtns.check(r1csPath, file, silent);
}

/** A field element for `-k` (what a "negative" integer is inside the circuit). */
export const negative = (k: bigint): bigint => SNARK_SCALAR_FIELD - k;

/** a / b in the field. */
export function fieldDiv(a: bigint, b: bigint): bigint {
  const p = SNARK_SCALAR_FIELD;
  let [r0, r1, s0, s1] = [b % p, p, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return (((a * s0) % p) + p) % p;
}
