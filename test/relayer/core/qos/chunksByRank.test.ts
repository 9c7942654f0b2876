import { expect } from "chai";
import { chunksByRank } from "../../../../relayer/core/qos/chunksByRank.js";

describe("relayer/core/qos chunksByRank", () => {
  const job = (id: number, qosRank: number | undefined) => ({ id, qosRank });

  it("never mixes two ranks in one chunk and keeps queue order", () => {
    const jobs = [job(1, undefined), job(2, 0), job(3, 0), job(4, 2), job(5, 2), job(6, 2)];
    expect(chunksByRank(jobs, 32).map((c) => c.map((j) => j.id))).to.deep.equal([[1], [2, 3], [4, 5, 6]]);
  });

  it("cuts a long run of one rank into chunks of at most the size", () => {
    const jobs = Array.from({ length: 7 }, (_, i) => job(i, 2));
    expect(chunksByRank(jobs, 3).map((c) => c.length)).to.deep.equal([3, 3, 1]);
  });
});
