import { expect } from "chai";
import { keccak256, stringToHex } from "viem";
import { encodeClauseOutput } from "../../../relayer/core/formats/output.js";
import { ZkError } from "../../../relayer/core/zk/ZkError.js";
import { checkZkBindings } from "../../../relayer/core/zk/zkOutput.js";
import { parseZkProofEnvelope, ZK_SCHEME, type ZkProofEnvelope } from "../../../relayer/core/zk/zkProofEnvelope.js";
import { BN254_BASE_FIELD, fieldBinding, SNARK_SCALAR_FIELD } from "../../../relayer/core/zk/zkPublicSignals.js";
import { loadZkCircuit } from "../../../relayer/zk/loadZkCircuit.js";
import { proveZkClause } from "../../../relayer/zk/proveZkClause.js";
import { verifyZkProof } from "../../../relayer/zk/verifyZkProof.js";
import { terminateSnarkjsCurve } from "../../zk/zkTestKit.js";

const code = async (fn: () => unknown): Promise<string | undefined> => {
  try {
    await fn();
  } catch (error) {
    if (error instanceof ZkError) return error.code;
    throw error;
  }
  return undefined;
};

describe("core/zk: proof envelopes are refused with typed errors before and after verification", function () {
  this.timeout(60_000);
  after(terminateSnarkjsCurve);

  const flood = loadZkCircuit("flood_payout");
  const cash = loadZkCircuit("cash_transfer_eligibility");
  const clauseIdHash = keccak256(stringToHex(flood.spec.clauseId));
  const jobId = keccak256(stringToHex("envelope job"));
  let envelope: ZkProofEnvelope;
  before(async () => {
    envelope = (await proveZkClause(flood, { inputs: { rainfall_72h_mm_x10: 1600n, insured_households: 2n, salt: 3n }, clauseIdHash, jobId })).envelope;
  });
  const edit = (change: (e: ZkProofEnvelope) => void): unknown => {
    const copy = structuredClone(envelope);
    change(copy);
    return copy;
  };

  it("a valid envelope parses, verifies and binds to its clause, job and the CAC's output", async () => {
    const parsed = parseZkProofEnvelope(envelope);
    await verifyZkProof(flood, parsed);
    checkZkBindings(parsed.publicSignals, {
      clauseIdHash,
      jobId,
      output: encodeClauseOutput({ status: 1, action: "Payout:FloodRelief", amounts: [100_000_000n] }),
      actions: flood.spec.actions,
    });
    expect(envelope.scheme).to.equal(ZK_SCHEME);
  });

  it("malformed shapes → NSF_ZK_PROOF_MALFORMED; wrong counts → NSF_ZK_PUBLIC_SIGNAL_COUNT", async () => {
    expect(await code(() => parseZkProofEnvelope(null))).to.equal("NSF_ZK_PROOF_MALFORMED");
    expect(await code(() => parseZkProofEnvelope(edit((e) => ((e.proof.a as unknown as string[]) = ["1"]))))).to.equal("NSF_ZK_PROOF_MALFORMED");
    expect(await code(() => parseZkProofEnvelope(edit((e) => (e.proof.c[0] = "-5"))))).to.equal("NSF_ZK_PROOF_MALFORMED");
    expect(await code(() => parseZkProofEnvelope(edit((e) => ((e as { scheme: string }).scheme = "plonk")))))
      .to.equal("NSF_ZK_PROOF_MALFORMED");
    expect(await code(() => parseZkProofEnvelope(edit((e) => e.public_signals.pop())))).to.equal("NSF_ZK_PUBLIC_SIGNAL_COUNT");
    expect(await code(() => parseZkProofEnvelope(edit((e) => e.public_signals.push("0"))))).to.equal("NSF_ZK_PUBLIC_SIGNAL_COUNT");
  });

  it("values outside the fields → NSF_ZK_VALUE_OUT_OF_FIELD (a signal ≥ r would alias, a coordinate ≥ q)", async () => {
    expect(
      await code(() => parseZkProofEnvelope(edit((e) => (e.public_signals[4] = (BigInt(e.public_signals[4]!) + SNARK_SCALAR_FIELD).toString())))),
    ).to.equal("NSF_ZK_VALUE_OUT_OF_FIELD");
    expect(await code(() => parseZkProofEnvelope(edit((e) => (e.proof.b[1][0] = BN254_BASE_FIELD.toString()))))).to.equal("NSF_ZK_VALUE_OUT_OF_FIELD");
  });

  it("a proof for another circuit → NSF_ZK_WRONG_CIRCUIT; forged outputs → NSF_ZK_PROOF_INVALID; points off the curve → NSF_ZK_PROOF_MALFORMED", async () => {
    expect(await code(() => verifyZkProof(cash, parseZkProofEnvelope(envelope)))).to.equal("NSF_ZK_WRONG_CIRCUIT");
    // The flood proof relabelled as a cash-transfer proof still fails: the pairing is over the other key.
    const relabelled = parseZkProofEnvelope(edit((e) => ((e.circuit_hash = cash.manifest.circuit_hash), (e.vkey_hash = cash.manifest.vkey_hash))));
    expect(await code(() => verifyZkProof(cash, relabelled))).to.equal("NSF_ZK_PROOF_INVALID");
    const forged = parseZkProofEnvelope(edit((e) => (e.public_signals[1] = "999000000")));
    expect(await code(() => verifyZkProof(flood, forged))).to.equal("NSF_ZK_PROOF_INVALID");
    expect(await code(() => parseZkProofEnvelope(edit((e) => (e.proof.a = ["1", "3"]))))).to.equal("NSF_ZK_PROOF_MALFORMED");
    expect(await code(() => parseZkProofEnvelope(edit((e) => (e.proof.b[0] = ["1", "2"]))))).to.equal("NSF_ZK_PROOF_MALFORMED");
  });

  it("bindings: another clause, another job or another output than the CAC's → NSF_ZK_BINDING_MISMATCH", () => {
    const { publicSignals } = parseZkProofEnvelope(envelope);
    const output = encodeClauseOutput({ status: 1, action: "Payout:FloodRelief", amounts: [100_000_000n] });
    const expectMismatch = (overrides: Partial<Parameters<typeof checkZkBindings>[1]>) => {
      try {
        checkZkBindings(publicSignals, { clauseIdHash, jobId, output, actions: flood.spec.actions, ...overrides });
      } catch (error) {
        expect((error as ZkError).code).to.equal("NSF_ZK_BINDING_MISMATCH");
        return;
      }
      expect.fail("no mismatch reported");
    };
    expectMismatch({ clauseIdHash: keccak256(stringToHex("UNDRR::Disaster::FloodPayoutZk@2.0.0")) });
    expectMismatch({ jobId: keccak256(stringToHex("another job")) });
    expectMismatch({ output: encodeClauseOutput({ status: 1, action: "Payout:FloodRelief", amounts: [100_000_001n] }) });
    expect(publicSignals.job_binding).to.equal(fieldBinding(jobId));
  });
});
