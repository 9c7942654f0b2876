import { expect } from "chai";
import { getAddress, type Hex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { createCommon } from "../../../relayer/common/Common.js";
import { canonicalJsonHash } from "../../../relayer/core/formats/canonicalJson.js";
import { TriggerType } from "../../../relayer/core/formats/enums.js";
import { tenantIdOf } from "../../../relayer/core/formats/ids.js";
import { recoverCacSigner } from "../../../relayer/core/cac/cacJson.js";
import { buildJobRequest } from "../../../relayer/executor/client/buildJobRequest.js";
import { loadBuiltClause } from "../../../relayer/executor/clauseStore/loadBuiltClause.js";
import { createSchedulerAccount } from "../../../relayer/pipeline/crypto/nativeSchedulerAccount.js";
import { createThreadedExecutorNetwork, type ThreadedExecutorNetwork } from "../../../relayer/pipeline/createThreadedExecutorNetwork.js";
import { exampleDir } from "../../clauses/exampleClause.js";

const DAO = getAddress("0x00000000000000000000000000000000000da0a0");
const TENANT = tenantIdOf(DAO, "KEN");

describe("relayer/pipeline threaded executor network (executors in worker threads)", function () {
  this.timeout(60_000);
  const scheduler = createSchedulerAccount(generatePrivateKey());
  let network: ThreadedExecutorNetwork;

  before(async () => {
    network = await createThreadedExecutorNetwork({
      clause: await loadBuiltClause(exampleDir("flood-payout")),
      scheduler: scheduler.address,
      jurisdictions: ["KEN", "KEN", "UGA"],
      quorum: { k: 2, n: 3 },
      dao: DAO,
      tenantJurisdictions: ["KEN"],
      threads: 2,
    });
  });
  after(async () => {
    await network.close();
  });

  async function request(node: (typeof network.executors)[number], overrides: { executor?: Hex } = {}) {
    const bundle = { schema: "nsf.inputs/1", job_id: `0x${"0b".repeat(32)}`, trigger: { type: "dao", commitment: `0x${"0c".repeat(32)}` }, values: { rainfall_72h_mm_x10: "1800", insured_households: "1200" } };
    const signal = new AbortController().signal;
    const payloadKey = await network.transport.payloadKey(node.endpoint, TENANT, signal);
    const token = {
      jobId: bundle.job_id as Hex,
      clauseId: network.clause.clauseId,
      clauseVersion: network.clause.version,
      codeHash: network.clause.codeHash,
      tenantId: TENANT,
      executor: overrides.executor ?? node.facts.enclaveKey,
      attempt: 1,
      inputHash: canonicalJsonHash(bundle),
      triggerType: TriggerType.Dao,
      expiresAt: 1_750_000_600n,
    };
    // A misdirected token carries a payload sealed to the node it is sent to: skip the certificate's executor check.
    return buildJobRequest({ scheduler, router: { chainId: network.chainId, address: network.deployments.jobRouter }, token, bundle, payloadKey, nodeRegistry: network.deployments.nodeRegistry, payloadKeyVerified: overrides.executor !== undefined });
  }

  it("spreads the executors over the threads and tells the relayer-side reader the same facts", async () => {
    expect(network.executors).to.have.length(3);
    expect(new Set(network.executors.map((e) => e.endpoint.url.split("/")[2])).size).to.equal(2);
    for (const e of network.executors) expect(await network.reader.getNode(e.facts.enclaveKey)).to.deep.equal(e.facts);
    expect(await network.reader.isScheduler(scheduler.address)).to.equal(true);
    expect((await network.reader.getClause(network.clause.clauseId))!.configDigest).to.equal(network.clause.configDigest);
  });

  it("executes on the addressed node in its thread: a CAC its enclave key signed", async () => {
    for (const node of network.executors) {
      const reply = (await network.transport.execute(node.endpoint, await request(node), new AbortController().signal)) as { cac: Record<string, unknown>; signature: Hex };
      expect(await recoverCacSigner(reply.cac, reply.signature)).to.equal(node.facts.enclaveKey);
    }
  });

  it("maps node refusals as over HTTP, and an aborted request to NODE_TIMEOUT", async () => {
    const [a, b] = network.executors;
    try {
      await network.transport.execute(a!.endpoint, await request(a!, { executor: b!.facts.enclaveKey }), new AbortController().signal);
      expect.fail("expected a refusal");
    } catch (error) {
      expect(error).to.have.property("code", "NSF_NODE_REFUSED");
      expect((error as { details: string }).details).to.match(/^NSF_TOKEN_WRONG_EXECUTOR/);
    }
    const controller = new AbortController();
    const pending = network.transport.execute(a!.endpoint, await request(a!), controller.signal);
    controller.abort();
    try {
      await pending;
      expect.fail("expected an abort");
    } catch (error) {
      expect(error).to.have.property("code", "NSF_NODE_TIMEOUT");
    }
  });

  it("moves chain time on both sides: a token past its expiry is refused by the executor thread", async () => {
    const node = network.executors[0]!;
    const body = await request(node);
    await network.setChainTime(1_750_000_601n);
    try {
      await network.transport.execute(node.endpoint, body, new AbortController().signal);
      expect.fail("expected a refusal");
    } catch (error) {
      expect((error as { details: string }).details).to.match(/^NSF_TOKEN_EXPIRED/);
    } finally {
      await network.setChainTime(1_750_000_000n);
    }
    expect(await network.reader.chainTime()).to.equal(1_750_000_000n);
    expect(await network.cpuMicros()).to.be.greaterThan(0);
  });
});
