import { expect } from "chai";
import { loadExample, type ExampleClause } from "./exampleClause.js";

// Thresholds (inclusive): 150.0 mm -> 50 USDC per household, 250.0 mm -> 120 USDC per household.
describe("clause UNDRR::Disaster::FloodPayout@1.0.0", () => {
  let clause: ExampleClause;
  before(async () => {
    clause = await loadExample("flood-payout");
  });

  const run = (rainfall: number, households = 1000) => clause.run({ rainfall_72h_mm_x10: rainfall, insured_households: households });

  it("pays nothing just below the trigger (149.9 mm)", async () => {
    const out = await run(1499);
    expect(out).to.include({ status: 0, action: "" });
    expect(out.amounts).to.deep.equal([0n]);
  });

  it("pays tier 1 exactly at the trigger (150.0 mm)", async () => {
    const out = await run(1500);
    expect(out).to.include({ status: 1, action: "Payout:FloodRelief" });
    expect(out.amounts).to.deep.equal([1000n * 50_000_000n]);
  });

  it("pays tier 1 just below the severe threshold (249.9 mm)", async () => {
    expect((await run(2499)).amounts).to.deep.equal([1000n * 50_000_000n]);
  });

  it("pays tier 2 exactly at and above the severe threshold", async () => {
    expect((await run(2500)).amounts).to.deep.equal([1000n * 120_000_000n]);
    expect((await run(100_000, 10_000_000)).amounts).to.deep.equal([10_000_000n * 120_000_000n]);
  });

  it("triggers with zero households but pays zero", async () => {
    const out = await run(1800, 0);
    expect(out).to.include({ status: 1 });
    expect(out.amounts).to.deep.equal([0n]);
  });

  it("rejects inputs outside the declared ranges before running", async () => {
    for (const values of [{ rainfall_72h_mm_x10: -1, insured_households: 1 }, { rainfall_72h_mm_x10: 100_001, insured_households: 1 }]) {
      try {
        await clause.run(values);
        expect.fail("expected a schema violation");
      } catch (error) {
        expect(error).to.have.property("code", "NSF_INPUT_SCHEMA_VIOLATION");
      }
    }
  });
});
