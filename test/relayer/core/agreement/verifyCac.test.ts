import { expect } from "chai";
import { decodeFunctionData, getAddress, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { openDisputeAbi } from "../../../../relayer/core/abi/contractAbis.js";
import { buildOpenDisputeCalldata } from "../../../../relayer/core/agreement/disputeEvidence.js";
import { verifyCacReply, type ExpectedCac } from "../../../../relayer/core/agreement/verifyCac.js";
import { cacFromJson } from "../../../../relayer/core/cac/cacJson.js";
import { cacTypedData } from "../../../../relayer/core/formats/eip712.js";
import { jurisdictionToBytes3 } from "../../../../relayer/core/formats/ids.js";
import { NodeStatus } from "../../../../relayer/core/scheduling/types.js";
import { CHAIN_ID, createNodeFixture, DAO_A, DEPLOYMENTS, type NodeFixture } from "../../../executor/node/nodeFixture.js";

describe("relayer/core/agreement/verifyCac", function () {
  this.timeout(30_000);
  let f: NodeFixture;
  let reply: { cac: Record<string, unknown>; signature: Hex };
  let expected: ExpectedCac;

  before(async () => {
    f = await createNodeFixture();
    const job = await f.job();
    reply = (await f.executor.execute(job.body)) as unknown as typeof reply;
    const registered = (await f.chain.getClause(job.token.clauseId))!;
    const now = await f.chain.chainTime();
    expected = {
      anchor: { chainId: CHAIN_ID, address: DEPLOYMENTS.rollupAnchor },
      jobId: job.token.jobId,
      clauseId: job.token.clauseId,
      clauseVersion: job.token.clauseVersion,
      codeHash: job.token.codeHash,
      tenantId: job.token.tenantId,
      inputHash: job.token.inputHash,
      configDigest: registered.configDigest,
      attempt: job.token.attempt,
      node: {
        enclaveKey: f.enclave.address,
        runtime: { teeType: f.enclave.teeType, measurement: f.enclave.measurement, attestationId: f.attestationId, verdictId: f.verdictId },
        status: NodeStatus.Active,
        activeSince: now - 100n,
        attestedUntil: now + 86_400n,
        jurisdiction: jurisdictionToBytes3("KEN"),
      },
      dispatchedAt: now,
      chainTime: now,
      maxClockSkewSeconds: 60n,
    };
  });

  it("accepts a real executor reply and returns the verified CAC and its signer", async () => {
    const v = await verifyCacReply(reply, expected);
    expect(v.signer).to.equal(f.enclave.address);
    expect(v.cac.jobId).to.equal(expected.jobId);
  });

  const expectCode = async (promise: Promise<unknown>, code: string) => {
    try {
      await promise;
      expect.fail(`expected ${code}`);
    } catch (error) {
      expect((error as { code?: string }).code).to.equal(code);
    }
  };

  it("types every bad reply: malformed, tampered, wrong signer, other job, wrong field, attempt, runtime, time, jurisdiction", async () => {
    await expectCode(verifyCacReply("not json", expected), "NSF_NODE_REPLY_MALFORMED");
    await expectCode(verifyCacReply({ cac: reply.cac }, expected), "NSF_NODE_REPLY_MALFORMED");
    const tampered = structuredClone(reply);
    (tampered.cac.outputs as { status: number }).status = 0;
    await expectCode(verifyCacReply(tampered, expected), "NSF_CAC_INVALID");
    // Same CAC signed by a key that is not the dispatched node's enclave key.
    const stranger = privateKeyToAccount(generatePrivateKey());
    const parsed = cacFromJson(reply.cac);
    const forged = { cac: reply.cac, signature: await stranger.signTypedData(cacTypedData(parsed.anchor, parsed.cac)) };
    await expectCode(verifyCacReply(forged, expected), "NSF_CAC_WRONG_SIGNER");
    await expectCode(verifyCacReply(reply, { ...expected, jobId: `0x${"77".repeat(32)}` }), "NSF_CAC_OTHER_JOB");
    await expectCode(verifyCacReply(reply, { ...expected, inputHash: `0x${"77".repeat(32)}` }), "NSF_CAC_FIELD_MISMATCH");
    await expectCode(verifyCacReply(reply, { ...expected, configDigest: `0x${"77".repeat(32)}` }), "NSF_CAC_FIELD_MISMATCH");
    await expectCode(verifyCacReply(reply, { ...expected, attempt: 2 }), "NSF_CAC_ATTEMPT_MISMATCH");
    await expectCode(verifyCacReply(reply, { ...expected, anchor: { chainId: 1n, address: DEPLOYMENTS.rollupAnchor } }), "NSF_CAC_WRONG_DOMAIN");
    // Each registry fact the runtime hash commits to: the registration the CAC names must be the node's own.
    for (const patch of [{ measurement: `0x${"77".repeat(32)}` }, { attestationId: `0x${"77".repeat(32)}` }, { verdictId: `0x${"77".repeat(32)}` }, { teeType: 2 }] as const) {
      await expectCode(verifyCacReply(reply, { ...expected, node: { ...expected.node, runtime: { ...expected.node.runtime, ...patch } } }), "NSF_CAC_RUNTIME_MISMATCH");
    }
    await expectCode(verifyCacReply(reply, { ...expected, dispatchedAt: expected.chainTime + 1000n, chainTime: expected.chainTime + 1000n }), "NSF_CAC_TIMESTAMP_INVALID");
    await expectCode(verifyCacReply(reply, { ...expected, node: { ...expected.node, attestedUntil: expected.chainTime - 1n } }), "NSF_CAC_SIGNER_NOT_ACTIVE");
    await expectCode(verifyCacReply(reply, { ...expected, node: { ...expected.node, status: NodeStatus.Revoked } }), "NSF_CAC_SIGNER_NOT_ACTIVE");
    await expectCode(verifyCacReply(reply, { ...expected, requiredJurisdiction: jurisdictionToBytes3("UGA") }), "NSF_CAC_SIGNER_NOT_ELIGIBLE");
  });

  it("refuses the high-s twin of a valid signature", async () => {
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const r = reply.signature.slice(0, 66);
    const s = BigInt(`0x${reply.signature.slice(66, 130)}`);
    const v = Number.parseInt(reply.signature.slice(130), 16);
    const twin = `${r}${(n - s).toString(16).padStart(64, "0")}${(v === 27 ? 28 : 27).toString(16)}` as Hex;
    await expectCode(verifyCacReply({ ...reply, signature: twin }, expected), "NSF_CAC_WRONG_SIGNER");
  });

  it("builds openDispute calldata from two disagreeing CACs and refuses agreeing or unrelated ones", async () => {
    const a = cacFromJson(reply.cac);
    const bCac = { ...a.cac, outputHash: `0x${"0f".repeat(32)}` as Hex };
    const signerB = privateKeyToAccount(generatePrivateKey());
    const b = { cac: bCac, signature: await signerB.signTypedData(cacTypedData(a.anchor, bCac)) };
    const calldata = buildOpenDisputeCalldata({ a: { cac: a.cac, signature: reply.signature }, b, dao: DAO_A, jurisdiction: jurisdictionToBytes3("KEN") });
    const decoded = decodeFunctionData({ abi: openDisputeAbi, data: calldata });
    const [evidence] = decoded.args;
    expect(evidence.leafA.jobId).to.equal(a.cac.jobId);
    expect(evidence.leafA.outputHash).to.equal(a.cac.outputHash);
    expect(evidence.outputHashB).to.equal(bCac.outputHash);
    expect(getAddress(evidence.dao)).to.equal(getAddress(DAO_A));
    expect(() => buildOpenDisputeCalldata({ a: { cac: a.cac, signature: reply.signature }, b: { ...b, cac: a.cac }, dao: DAO_A, jurisdiction: "0x4b454e" })).to.throw().with.property("code", "NSF_CAC_FIELD_MISMATCH");
    expect(() => buildOpenDisputeCalldata({ a: { cac: a.cac, signature: reply.signature }, b: { ...b, cac: { ...bCac, inputHash: bCac.codeHash } }, dao: DAO_A, jurisdiction: "0x4b454e" })).to.throw().with.property("code", "NSF_CAC_FIELD_MISMATCH");
  });
});
