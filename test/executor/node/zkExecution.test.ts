import { expect } from "chai";
import { cacFromJson } from "../../../relayer/core/cac/cacJson.js";
import { canonicalJsonHash } from "../../../relayer/core/formats/canonicalJson.js";
import { clauseIdOf } from "../../../relayer/core/formats/clauseRef.js";
import { decodeClauseOutput } from "../../../relayer/core/formats/output.js";
import { checkZkBindings } from "../../../relayer/core/zk/zkOutput.js";
import { ExecutorError } from "../../../relayer/executor/errors/ExecutorError.js";
import { loadZkCircuit } from "../../../relayer/zk/loadZkCircuit.js";
import { poseidonCommitment } from "../../../relayer/zk/poseidonCommitment.js";
import { verifyZkProof } from "../../../relayer/zk/verifyZkProof.js";
import { terminateSnarkjsCurve } from "../../zk/zkTestKit.js";
import { createNodeFixture, type NodeFixture } from "./nodeFixture.js";

const ZK_CLAUSE = "UNDRR::Disaster::FloodPayoutZk@1.0.0";
const SALT = "123456789012345678901234567890";

/** Proving in the executor (issue 9 item 3, FORMATS §11.3): the node runs the WASM clause, proves, signs. */
describe("nsf node: zk clause versions prove their run", function () {
  this.timeout(60_000);
  after(terminateSnarkjsCurve);
  const circuit = loadZkCircuit("flood_payout");
  let node: NodeFixture;
  before(async () => {
    node = await createNodeFixture({ zkCircuits: [circuit] });
  });

  async function expectRefusal(promise: Promise<unknown>, code: string): Promise<void> {
    const signed = node.enclave.signCalls;
    try {
      await promise;
      expect.fail(`expected ${code}`);
    } catch (error) {
      expect(error).to.be.instanceOf(ExecutorError);
      expect((error as ExecutorError).code).to.equal(code);
    }
    expect(node.enclave.signCalls, "nothing signed").to.equal(signed);
  }

  it("signs a CAC that carries the proof, the input hash and the commitment, never the inputs", async () => {
    const { body, bundle } = await node.job({ clause: ZK_CLAUSE, salt: SALT, values: { rainfall_72h_mm_x10: "1800", insured_households: "1200" } });
    const reply = await node.executor.execute(body);
    const text = JSON.stringify(reply.cac);
    expect(text, "the reading is not in the CAC").to.not.contain("1800");
    expect(text, "the salt is not in the CAC").to.not.contain(SALT);
    const { cac, zk, json } = cacFromJson(JSON.parse(text));
    expect(cac.inputHash).to.equal(canonicalJsonHash(bundle));
    expect(json.inputs).to.deep.equal({ input_hash: cac.inputHash, input_commitment: (await poseidonCommitment([1800n, 1200n, BigInt(SALT)])).toString() });
    expect(decodeClauseOutput(json.outputs.encoded as `0x${string}`)).to.deep.include({ status: 1, action: "Payout:FloodRelief" });
    // The proof verifies against the registered circuit and says what the signed output says.
    await verifyZkProof(circuit, zk!);
    checkZkBindings(zk!.publicSignals, { clauseIdHash: clauseIdOf(ZK_CLAUSE), jobId: cac.jobId, output: json.outputs.encoded as `0x${string}`, actions: circuit.spec.actions });
  });

  it("non-zk versions keep the bundle and carry no proof", async () => {
    const reply = await node.executor.execute((await node.job({ roundId: 7n })).body);
    expect(reply.cac).to.not.have.property("zk");
    expect(reply.cac.inputs).to.have.property("bundle");
  });

  it("refuses a zk job whose bundle has no salt, or a salt outside the field (NSF_ZK_SALT_MISSING)", async () => {
    await expectRefusal(node.executor.execute((await node.job({ clause: ZK_CLAUSE, roundId: 8n })).body), "NSF_ZK_SALT_MISSING");
    const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
    await expectRefusal(node.executor.execute((await node.job({ clause: ZK_CLAUSE, roundId: 9n, salt: r.toString() })).body), "NSF_ZK_SALT_MISSING");
  });

  it("refuses when the registered circuit is not one the node holds (NSF_ZK_CIRCUIT_UNAVAILABLE)", async () => {
    const id = clauseIdOf(ZK_CLAUSE);
    const registered = (await node.chain.getClause(id))!;
    node.chain.setClause(id, { ...registered, zkBinding: { ...registered.zkBinding!, vkeyHash: `0x${"ab".repeat(32)}` } });
    try {
      await expectRefusal(node.executor.execute((await node.job({ clause: ZK_CLAUSE, roundId: 10n, salt: "1" })).body), "NSF_ZK_CIRCUIT_UNAVAILABLE");
    } finally {
      node.chain.setClause(id, registered);
    }
  });

  it("refuses to sign when the circuit and the WASM clause disagree (NSF_ZK_BACKENDS_DISAGREE)", async () => {
    // A circuit whose actions differ from the WASM twin's stands for a circuit that computes another decision.
    const wrong = { ...circuit, spec: { ...circuit.spec, actions: { 0: "", 1: "Payout:Other" } } };
    const other = await createNodeFixture({ zkCircuits: [wrong] });
    const signed = other.enclave.signCalls;
    try {
      await other.executor.execute((await other.job({ clause: ZK_CLAUSE, roundId: 11n, salt: "5" })).body);
      expect.fail("expected NSF_ZK_BACKENDS_DISAGREE");
    } catch (error) {
      expect((error as ExecutorError).code).to.equal("NSF_ZK_BACKENDS_DISAGREE");
    }
    expect(other.enclave.signCalls).to.equal(signed);
  });
});
