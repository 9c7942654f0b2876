import { expect } from "chai";
import { toEventSelector, type Hex } from "viem";
import { jobRouterAbi } from "../../../../relayer/core/abi/contractAbis.js";
import { bloomMayContain } from "../../../../relayer/core/chain/logsBloom.js";
import { bloomOf, jobRequestedLog, ROUTER } from "../../helpers/fakeChain.js";

describe("relayer/core/chain/logsBloom", () => {
  const topic = toEventSelector(jobRouterAbi.find((x) => x.type === "event" && x.name === "JobRequested")!);

  it("says present for every item a block's logs put in the bloom, and absent for others", () => {
    const bloom = bloomOf([jobRequestedLog(`0x${"01".repeat(32)}`)]);
    expect(bloomMayContain(bloom, [ROUTER, topic])).to.equal(true);
    expect(bloomMayContain(bloom, [ROUTER, `0x${"ab".repeat(32)}`])).to.equal(false);
    expect(bloomMayContain(bloom, ["0x000000000000000000000000000000000000dEaD", topic])).to.equal(false);
    expect(bloomMayContain(`0x${"00".repeat(256)}`, [ROUTER])).to.equal(false);
  });

  it("claims nothing (true) for a value that is not a 256-byte bloom", () => {
    expect(bloomMayContain("0x", [ROUTER])).to.equal(true);
    expect(bloomMayContain(`0x${"00".repeat(255)}` as Hex, [ROUTER])).to.equal(true);
  });
});
