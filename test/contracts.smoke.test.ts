import { expect } from "chai";
import { network } from "hardhat";
import type { DevConnection } from "../relayer/devnet/connection.js";
import { clauseFixture } from "./helpers/fixtures.js";

describe("fixtures", () => {
  it("clauseFixture registers the clause, five active nodes and a sensor trigger", async () => {
    const connection = (await network.create()) as unknown as DevConnection;
    const f = await connection.networkHelpers.loadFixture(clauseFixture);
    const clause = await f.network.contracts.clauseRegistry.getClause(f.clauseId);
    expect(clause.owner).to.equal(f.relief.timelockAddress);
    const now = BigInt((await connection.ethers.provider.getBlock("latest"))!.timestamp);
    for (const node of f.nodes) {
      expect(await f.network.contracts.nodeRegistry.isActiveAt(node.enclave.address, now)).to.equal(true);
    }
    expect((await f.network.contracts.jobRouter.sensorTrigger(0n)).active).to.equal(true);
  });
});
