import { expect } from "chai";
import { getAddress } from "viem";
import { recoverCacSigner } from "../../../relayer/core/cac/cacJson.js";
import { createCommon } from "../../../relayer/common/Common.js";
import { tenantIdOf } from "../../../relayer/core/formats/ids.js";
import { devAccount } from "../../../relayer/devnet/devKeys.js";
import { createNodeClient } from "../../../relayer/executor/client/createNodeClient.js";
import { loadNodeConfig, resolveNodeConfig } from "../../../relayer/executor/node/nodeConfig.js";
import { startNode, type RunningNode } from "../../../relayer/executor/node/startNode.js";
import { runJobSubmit } from "../../../relayer/cli/commands/jobSubmit.js";

describe("nsf node (composition root, dev mode)", function () {
  this.timeout(60_000);
  let node: RunningNode;

  before(async () => {
    const config = resolveNodeConfig({ port: 0, logLevel: "silent", sandbox: { wallClockMs: 5000, workers: 1 } });
    node = await startNode({ config, common: createCommon({ logLevel: "silent" }) });
  });
  after(async () => {
    await node.close();
  });

  it("starts with the four example clauses and answers health", async () => {
    const health = await createNodeClient({ url: node.url }).health();
    expect(health.status).to.equal(200);
    const clauses = (health.body as { clauses: { clauseId: string }[] }).clauses.map((c) => c.clauseId);
    expect(clauses).to.have.members([
      "UNDRR::Disaster::FloodPayout@1.0.0",
      "WHO::Health::PandemicAlert@1.0.0",
      "CODEX::Food::ToxinThreshold@1.0.0",
      "UNFCCC::Climate::EmissionsPenalty@1.0.0",
    ]);
  });

  it("answers a job sent by `nsf job submit` with the dev scheduler key, in a sandbox worker", async () => {
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      written.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      await runJobSubmit({
        node: node.url,
        clause: "clauses/examples/food-toxin",
        set: ["lot_id=4242", "toxin_ppm_x1000=16"],
        dao: "0x00000000000000000000000000000000000d4001",
        jurisdiction: "KEN",
        chainId: 31337,
        ttl: 600,
        attempt: 1,
      });
    } finally {
      process.stdout.write = write;
    }
    const printed = JSON.parse(written.join("")) as { status: number; verifiedSigner: string; reply: { cac: { outputs: { action: string }; tenant_info: { tenant_id: string } }; signature: `0x${string}` } };
    expect(printed.status).to.equal(200);
    expect(printed.verifiedSigner).to.equal(node.enclave.address);
    expect(await recoverCacSigner(printed.reply.cac, printed.reply.signature)).to.equal(node.enclave.address);
    expect(printed.reply.cac.outputs.action).to.equal("Revoke:FoodExportVC");
    expect(printed.reply.cac.tenant_info.tenant_id).to.equal(tenantIdOf("0x00000000000000000000000000000000000d4001", "KEN"));
  });
});

describe("node configuration", () => {
  it("defaults to a development node on an in-memory chain with the public dev scheduler", () => {
    const config = resolveNodeConfig({});
    expect(config.chain).to.deep.equal({ mode: "memory", chainId: 31337n, schedulers: [devAccount("scheduler", 0).address] });
    expect(config.port).to.equal(8650);
    expect(Object.isFrozen(config.chain)).to.equal(true);
  });

  it("requires deployments for an RPC chain and reports every problem with NSF_CONFIG_INVALID", () => {
    expect(() => resolveNodeConfig({ chain: { mode: "rpc", rpcUrl: "http://127.0.0.1:8545" } })).to.throw().with.property("code", "NSF_CONFIG_INVALID");
    expect(() => resolveNodeConfig({ port: -1, sandbox: { wallClockMs: 0 } })).to.throw().with.property("code", "NSF_CONFIG_INVALID");
    expect(() => resolveNodeConfig({ surprise: true })).to.throw().with.property("code", "NSF_CONFIG_INVALID");
  });

  it("layers environment over defaults and flags over environment", async () => {
    const config = await loadNodeConfig({ env: { NSF_NODE_PORT: "9001", NSF_NODE_HOST: "0.0.0.0" }, flags: { port: 9002 } });
    expect(config.port).to.equal(9002);
    expect(config.host).to.equal("0.0.0.0");
    const rpc = resolveNodeConfig({
      chain: { mode: "rpc", rpcUrl: "http://127.0.0.1:8545" },
      deployments: {
        jobRouter: "0x000000000000000000000000000000000000a001",
        rollupAnchor: "0x000000000000000000000000000000000000a002",
        nodeRegistry: "0x000000000000000000000000000000000000a003",
        clauseRegistry: "0x000000000000000000000000000000000000a004",
      },
    });
    expect(rpc.deployments.nodeRegistry).to.equal(getAddress("0x000000000000000000000000000000000000a003"));
  });
});
