import { expect } from "chai";
import { loadExample, type ExampleClause } from "./exampleClause.js";

// incidence = floor(cases * 100000 / population); population 1 000 000 makes incidence = cases / 10.
describe("clause WHO::Health::PandemicAlert@1.0.0", () => {
  let clause: ExampleClause;
  before(async () => {
    clause = await loadExample("pandemic-alert");
  });

  const run = (incidence: number, rX100: number) =>
    clause.run({ new_cases_7d: incidence * 10, population: 1_000_000, reproduction_number_x100: rX100 });

  it("stays quiet below every threshold", async () => {
    const out = await run(49, 99);
    expect(out).to.include({ status: 0, action: "" });
    expect(out.amounts).to.deep.equal([0n, 49n]);
  });

  it("raises level 1 (watch) at incidence 50 or at R = 1.00, each alone", async () => {
    expect(await run(50, 0)).to.include({ status: 3, action: "Alert:PandemicLevel1" });
    expect((await run(0, 100)).amounts).to.deep.equal([1n, 0n]);
  });

  it("needs both incidence >= 100 and R >= 1.20 for level 2", async () => {
    expect((await run(100, 119)).amounts[0]).to.equal(1n);
    expect((await run(99, 120)).amounts[0]).to.equal(1n);
    const out = await run(100, 120);
    expect(out).to.include({ status: 3, action: "Alert:PandemicLevel2" });
    expect(out.amounts).to.deep.equal([2n, 100n]);
  });

  it("needs both incidence >= 200 and R >= 1.50 for level 3", async () => {
    expect((await run(200, 149)).amounts[0]).to.equal(2n);
    expect((await run(199, 150)).amounts[0]).to.equal(2n);
    expect(await run(200, 150)).to.include({ action: "Alert:PandemicLevel3" });
    expect((await run(5000, 2000)).amounts).to.deep.equal([3n, 5000n]);
  });

  it("floors the incidence (integer arithmetic only)", async () => {
    const out = await clause.run({ new_cases_7d: 1, population: 3, reproduction_number_x100: 0 });
    expect(out.amounts).to.deep.equal([1n, 33_333n]);
  });

  it("refuses a zero population instead of dividing by it", async () => {
    try {
      await clause.run({ new_cases_7d: 1, population: 0, reproduction_number_x100: 0 });
      expect.fail("expected a schema violation");
    } catch (error) {
      expect(error).to.have.property("code", "NSF_INPUT_SCHEMA_VIOLATION");
    }
  });
});
