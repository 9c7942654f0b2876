import { expect } from "chai";
import type { Hex } from "viem";
import { finalizedBelow, findCommonAncestor, nextRange, tipMatches } from "../../../../relayer/core/chain/reorg.js";

const h = (n: number, fork = "a") => `0x${fork.repeat(2)}${n.toString(16).padStart(62, "0")}` as Hex;

describe("relayer/core/chain/reorg", () => {
  describe("nextRange", () => {
    it("reads only blocks at least `confirmations` deep", () => {
      expect(nextRange({ cursor: 10n, startBlock: 0n, head: 12n, confirmations: 2, maxRange: 100 })).to.equal(undefined);
      expect(nextRange({ cursor: 10n, startBlock: 0n, head: 13n, confirmations: 2, maxRange: 100 })).to.deep.equal({ from: 11n, to: 11n });
    });
    it("starts at startBlock without a cursor and caps a backfill at maxRange blocks", () => {
      expect(nextRange({ cursor: undefined, startBlock: 5n, head: 1_000n, confirmations: 0, maxRange: 100 })).to.deep.equal({ from: 5n, to: 104n });
      expect(nextRange({ cursor: 104n, startBlock: 5n, head: 1_000n, confirmations: 0, maxRange: 100 })).to.deep.equal({ from: 105n, to: 204n });
    });
    it("returns nothing when the head is below the start (a chain shorter than expected)", () => {
      expect(nextRange({ cursor: undefined, startBlock: 50n, head: 10n, confirmations: 0, maxRange: 10 })).to.equal(undefined);
    });
  });

  it("finalizedBelow keeps exactly finalityDepth blocks under the head", () => {
    expect(finalizedBelow(100n, 64)).to.equal(36n);
  });

  describe("findCommonAncestor", () => {
    const stored = [10, 9, 7, 4].map((n) => ({ number: BigInt(n), hash: h(n) }));
    it("returns the highest stored block the chain still has", async () => {
      const canonical = async (n: bigint) => (n >= 8n ? h(Number(n), "b") : h(Number(n)));
      expect(await findCommonAncestor(stored, canonical)).to.deep.equal({ number: 7n, hash: h(7) });
    });
    it("treats heights above the new head as gone (evm_revert shortens the chain)", async () => {
      const canonical = async (n: bigint) => (n > 8n ? undefined : h(Number(n)));
      expect((await findCommonAncestor(stored, canonical))?.number).to.equal(7n);
    });
    it("returns undefined when the reorg is deeper than every stored block", async () => {
      expect(await findCommonAncestor(stored, async (n) => h(Number(n), "c"))).to.equal(undefined);
    });
  });

  it("tipMatches compares hashes case-insensitively and treats a missing block as a mismatch", () => {
    expect(tipMatches({ number: 1n, hash: h(1) }, h(1).toUpperCase().replace("0X", "0x") as Hex)).to.equal(true);
    expect(tipMatches({ number: 1n, hash: h(1) }, undefined)).to.equal(false);
    expect(tipMatches(undefined, undefined)).to.equal(true);
  });
});
