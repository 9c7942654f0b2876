import { NsfError } from "../errors/NsfError.js";

/** Every refusal of a zk proof off-chain, by stable code (docs/FORMATS.md §18); none is retryable. */
export const ZkErrors = {
  PROOF_MALFORMED: { code: "NSF_ZK_PROOF_MALFORMED", title: "The proof is not a Groth16 BN254 proof in the expected shape" },
  PUBLIC_SIGNAL_COUNT: { code: "NSF_ZK_PUBLIC_SIGNAL_COUNT", title: "The number of public signals is not the circuit's" },
  VALUE_OUT_OF_FIELD: { code: "NSF_ZK_VALUE_OUT_OF_FIELD", title: "A public signal or proof coordinate is not a canonical field element" },
  WRONG_CIRCUIT: { code: "NSF_ZK_WRONG_CIRCUIT", title: "The proof names another circuit or verification key than the clause version's" },
  BINDING_MISMATCH: { code: "NSF_ZK_BINDING_MISMATCH", title: "A public signal disagrees with the job, the clause or the CAC's output" },
  PROOF_INVALID: { code: "NSF_ZK_PROOF_INVALID", title: "The proof does not verify against the verification key" },
  PROOF_MISSING: { code: "NSF_ZK_PROOF_MISSING", title: "A CAC of a zk clause version carries no proof" },
  PROOF_UNEXPECTED: { code: "NSF_ZK_PROOF_UNEXPECTED", title: "A CAC of a clause version that is not zk carries a proof instead of its inputs" },
  WITNESS_UNSATISFIABLE: { code: "NSF_ZK_WITNESS_UNSATISFIABLE", title: "The inputs do not satisfy the circuit (outside the clause's domain)" },
} as const;

export type ZkErrorKind = keyof typeof ZkErrors;

export class ZkError extends NsfError {
  override readonly name = "ZkError";
  readonly kind: ZkErrorKind;
  constructor(kind: ZkErrorKind, details: string, cause?: unknown) {
    super(ZkErrors[kind].code, { shortMessage: ZkErrors[kind].title, details, retryable: false, cause });
    this.kind = kind;
  }
}
