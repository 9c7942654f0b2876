import { expect } from "chai";
import fc from "fast-check";
import { getAddress, type Address, type Hex } from "viem";
import { tally, type CountedCac } from "../../../../relayer/core/agreement/tally.js";

const signer = (i: number) => getAddress(`0x${(0x100 + i).toString(16).padStart(40, "0")}`) as Address;
const out = (i: number) => `0x${i.toString(16).padStart(64, "0")}` as Hex;
const cac = (s: number, o: number): CountedCac => ({ signer: signer(s), outputHash: out(o) });

describe("relayer/core/agreement/tally", () => {
  it("agrees once k distinct signers share one output hash, listing signers ascending", () => {
    const t = tally({ cacs: [cac(3, 1), cac(1, 1), cac(2, 1)], k: 3, inFlight: 0, untried: 2 });
    expect(t).to.deep.include({ kind: "agreed", outputHash: out(1), signers: [signer(1), signer(2), signer(3)], dissent: [] });
  });

  it("counts a signer once however many CACs it sent", () => {
    const t = tally({ cacs: [cac(1, 1), cac(1, 1), cac(1, 1), cac(2, 1)], k: 3, inFlight: 0, untried: 0 });
    expect(t.kind).to.equal("unreachable");
  });

  it("keeps a dissenting minority as evidence when the majority reaches k", () => {
    const t = tally({ cacs: [cac(1, 1), cac(2, 2), cac(3, 1), cac(4, 1)], k: 3, inFlight: 0, untried: 0 });
    expect(t.kind).to.equal("agreed");
    if (t.kind === "agreed") expect(t.dissent).to.deep.equal([{ outputHash: out(2), signers: [signer(2)] }]);
  });

  it("asks for exactly the missing CACs, counting the replies still in flight", () => {
    expect(tally({ cacs: [], k: 3, inFlight: 0, untried: 5 })).to.deep.equal({ kind: "pending", dispatchMore: 3, best: 0 });
    expect(tally({ cacs: [cac(1, 1)], k: 3, inFlight: 1, untried: 3 })).to.deep.equal({ kind: "pending", dispatchMore: 1, best: 1 });
    expect(tally({ cacs: [cac(1, 1), cac(2, 1)], k: 3, inFlight: 1, untried: 3 })).to.deep.equal({ kind: "pending", dispatchMore: 0, best: 2 });
  });

  it("is a dispute when outputs differ and no output can reach k any more", () => {
    const t = tally({ cacs: [cac(1, 1), cac(2, 2), cac(3, 3)], k: 3, inFlight: 0, untried: 1 });
    expect(t.kind).to.equal("disputed");
  });

  it("is unreachable (not a dispute) when everyone agrees but too few can answer", () => {
    expect(tally({ cacs: [cac(1, 1)], k: 3, inFlight: 0, untried: 1 }).kind).to.equal("unreachable");
  });

  it("never agrees when two different outputs both reach k", () => {
    const t = tally({ cacs: [cac(1, 1), cac(2, 1), cac(3, 2), cac(4, 2)], k: 2, inFlight: 0, untried: 0 });
    expect(t.kind).to.equal("disputed");
  });

  it("property: an agreed output always has k distinct signers that all sent it", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 2 })), { maxLength: 12 }), fc.integer({ min: 1, max: 4 }), (pairs, k) => {
        const cacs = pairs.map(([s, o]) => cac(s, o));
        const t = tally({ cacs, k, inFlight: 0, untried: 0 });
        if (t.kind !== "agreed") return true;
        const firstBySigner = new Map<string, Hex>();
        for (const c of cacs) if (!firstBySigner.has(c.signer)) firstBySigner.set(c.signer, c.outputHash);
        return t.signers.length >= k && new Set(t.signers).size === t.signers.length && t.signers.every((s) => firstBySigner.get(s) === t.outputHash);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
