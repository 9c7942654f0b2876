import { expect } from "chai";
import { loadExample, type ExampleClause } from "./exampleClause.js";

// Maximum level 0.015 ppm = 15 (ppm x 1000); equal to the limit is compliant.
describe("clause CODEX::Food::ToxinThreshold@1.0.0", () => {
  let clause: ExampleClause;
  before(async () => {
    clause = await loadExample("food-toxin");
  });

  const run = (ppmX1000: number, lot: bigint = 7_000_123n) => clause.run({ lot_id: lot, toxin_ppm_x1000: ppmX1000 });

  it("takes no action below the limit", async () => {
    const out = await run(14);
    expect(out).to.include({ status: 0, action: "" });
    expect(out.amounts).to.deep.equal([7_000_123n, 14n, 15n]);
  });

  it("takes no action exactly at the limit", async () => {
    expect(await run(15)).to.include({ status: 0, action: "" });
  });

  it("reports VIOLATION with Revoke:FoodExportVC just above the limit", async () => {
    const out = await run(16);
    expect(out).to.include({ status: 2, action: "Revoke:FoodExportVC" });
    expect(out.amounts).to.deep.equal([7_000_123n, 16n, 15n]);
  });

  it("carries the full int64 lot id through", async () => {
    const max = (1n << 63n) - 1n;
    expect((await run(900, max)).amounts[0]).to.equal(max);
  });
});
