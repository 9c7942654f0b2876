import { expect } from "chai";
import { loadExample, type ExampleClause } from "./exampleClause.js";

// EUR 100.00 (10 000 cents) per tonne above the cap; at the cap, no penalty.
describe("clause UNFCCC::Climate::EmissionsPenalty@1.0.0", () => {
  let clause: ExampleClause;
  before(async () => {
    clause = await loadExample("emissions-penalty");
  });

  const run = (measured: bigint | number, cap: bigint | number) => clause.run({ measured_tco2e: measured, cap_tco2e: cap });

  it("takes no action below the cap", async () => {
    const out = await run(999_999, 1_000_000);
    expect(out).to.include({ status: 0, action: "" });
    expect(out.amounts).to.deep.equal([0n, 0n]);
  });

  it("takes no action exactly at the cap", async () => {
    expect((await run(1_000_000, 1_000_000)).status).to.equal(0);
  });

  it("penalises one tonne above the cap", async () => {
    const out = await run(1_000_001, 1_000_000);
    expect(out).to.include({ status: 2, action: "Penalty:EmissionsExcess" });
    expect(out.amounts).to.deep.equal([1n, 10_000n]);
  });

  it("penalises the largest declared excess without overflow", async () => {
    expect((await run(1_000_000_000_000n, 0)).amounts).to.deep.equal([1_000_000_000_000n, 10_000_000_000_000_000n]);
  });
});
