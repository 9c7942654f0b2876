import { bn254 } from "@noble/curves/bn254.js";
import type { Hex } from "viem";
import { z } from "zod";
import { ZkError } from "./ZkError.js";
import { BN254_BASE_FIELD, SNARK_SCALAR_FIELD, ZK_PUBLIC_SIGNALS, publicSignalsFromArray, type ZkPublicSignals } from "./zkPublicSignals.js";

/** `zk.scheme` of a CAC (docs/FORMATS.md §18). */
export const ZK_SCHEME = "groth16-bn254/1";

const decimal = z.string().regex(/^(0|[1-9][0-9]{0,77})$/, "a decimal integer string");
const hash = z.string().regex(/^0x[0-9a-f]{64}$/, "0x + 64 lowercase hex digits");

/**
 * The `zk` object of a CAC (`nsf.cac/1` with `zk`, docs/FORMATS.md §11.1 and §13). Coordinates are decimal
 * strings in snarkjs's affine order: `b` is `[[x.c0, x.c1], [y.c0, y.c1]]` (the Solidity verifier takes
 * each pair swapped, `toSolidityProof`).
 */
export const ZkProofEnvelopeSchema = z
  .object({
    scheme: z.literal(ZK_SCHEME),
    circuit_hash: hash,
    vkey_hash: hash,
    proof: z
      .object({
        a: z.tuple([decimal, decimal]),
        b: z.tuple([z.tuple([decimal, decimal]), z.tuple([decimal, decimal])]),
        c: z.tuple([decimal, decimal]),
      })
      .strict(),
    public_signals: z.array(decimal),
  })
  .strict();

export type ZkProofEnvelope = z.infer<typeof ZkProofEnvelopeSchema>;

export type Groth16Proof = { a: [bigint, bigint]; b: [[bigint, bigint], [bigint, bigint]]; c: [bigint, bigint] };

export type ParsedZkProof = {
  circuitHash: Hex;
  vkeyHash: Hex;
  proof: Groth16Proof;
  publicSignals: ZkPublicSignals;
  envelope: ZkProofEnvelope;
};

/**
 * Checks shape, signal count and field ranges of an untrusted `zk` object; typed errors, never a throw from
 * deep inside snarkjs. It does not verify the proof (`verifyZkProof` does).
 */
export function parseZkProofEnvelope(value: unknown): ParsedZkProof {
  const count = (value as { public_signals?: unknown } | null)?.public_signals;
  if (Array.isArray(count) && count.length !== ZK_PUBLIC_SIGNALS.length) {
    throw new ZkError("PUBLIC_SIGNAL_COUNT", `expected ${ZK_PUBLIC_SIGNALS.length} public signals, received ${count.length}`);
  }
  const parsed = ZkProofEnvelopeSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ZkError("PROOF_MALFORMED", `${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  const envelope = parsed.data;
  const signals = envelope.public_signals.map(BigInt);
  signals.forEach((value, i) => {
    if (value >= SNARK_SCALAR_FIELD) throw new ZkError("VALUE_OUT_OF_FIELD", `public signal ${i} (${ZK_PUBLIC_SIGNALS[i]}) = ${value} is not below the scalar field order`);
  });
  const coordinate = (text: string, where: string): bigint => {
    const v = BigInt(text);
    if (v >= BN254_BASE_FIELD) throw new ZkError("VALUE_OUT_OF_FIELD", `proof ${where} = ${v} is not below the base field order`);
    return v;
  };
  const { a, b, c } = envelope.proof;
  const proof: Groth16Proof = {
    a: [coordinate(a[0], "a.x"), coordinate(a[1], "a.y")],
    b: [
      [coordinate(b[0][0], "b.x.c0"), coordinate(b[0][1], "b.x.c1")],
      [coordinate(b[1][0], "b.y.c0"), coordinate(b[1][1], "b.y.c1")],
    ],
    c: [coordinate(c[0], "c.x"), coordinate(c[1], "c.y")],
  };
  assertOnCurve(proof);
  return {
    circuitHash: envelope.circuit_hash as Hex,
    vkeyHash: envelope.vkey_hash as Hex,
    proof,
    publicSignals: publicSignalsFromArray(signals),
    envelope,
  };
}

/**
 * a and c on G1, b on G2 (in the prime-order subgroup): snarkjs answers a bare `false` for points off the
 * curve, which would make a malformed proof look like a forged one.
 */
function assertOnCurve(proof: Groth16Proof): void {
  const check = (name: string, assert: () => void) => {
    try {
      assert();
    } catch (cause) {
      throw new ZkError("PROOF_MALFORMED", `proof ${name} is not a point of the curve group`, cause);
    }
  };
  const { G1, G2, fields } = bn254;
  check("a", () => G1.Point.fromAffine({ x: proof.a[0], y: proof.a[1] }).assertValidity());
  check("c", () => G1.Point.fromAffine({ x: proof.c[0], y: proof.c[1] }).assertValidity());
  check("b", () =>
    G2.Point.fromAffine({
      x: fields.Fp2.create({ c0: proof.b[0][0], c1: proof.b[0][1] }),
      y: fields.Fp2.create({ c0: proof.b[1][0], c1: proof.b[1][1] }),
    }).assertValidity(),
  );
}

/** snarkjs's projective JSON form (z = 1) of an envelope's proof, for `groth16.verify`. */
export function toSnarkjsProof(envelope: ZkProofEnvelope) {
  const { a, b, c } = envelope.proof;
  return {
    pi_a: [a[0], a[1], "1"],
    pi_b: [[b[0][0], b[0][1]], [b[1][0], b[1][1]], ["1", "0"]],
    pi_c: [c[0], c[1], "1"],
    protocol: "groth16",
    curve: "bn128",
  };
}

/** The envelope's proof from snarkjs's JSON (affine: z must be 1). */
export function fromSnarkjsProof(proof: { pi_a: string[]; pi_b: string[][]; pi_c: string[] }): ZkProofEnvelope["proof"] {
  const pair = (p: string[] | undefined): [string, string] => [p?.[0] ?? "", p?.[1] ?? ""];
  return { a: pair(proof.pi_a), b: [pair(proof.pi_b[0]), pair(proof.pi_b[1])], c: pair(proof.pi_c) };
}

/** The Solidity verifier's argument order: G2 coordinates as (c1, c0). */
export function toSolidityProof(proof: Groth16Proof): { a: [bigint, bigint]; b: [[bigint, bigint], [bigint, bigint]]; c: [bigint, bigint] } {
  return {
    a: proof.a,
    b: [
      [proof.b[0][1], proof.b[0][0]],
      [proof.b[1][1], proof.b[1][0]],
    ],
    c: proof.c,
  };
}
