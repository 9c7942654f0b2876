import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { runContractGasBench } from "../../bench/contractGas.js";

/**
 * Gas snapshot: the benchmark's gas figures are deterministic (fixed chain time, fixed keys), so any change
 * fails this test until the snapshot is updated on purpose with `npm run gas:snapshot`.
 * Gas, not time: this never asserts wall-clock figures.
 */
const snapshotFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bench/gas-snapshot.json");

describe("contract gas snapshot (bench/gas-snapshot.json)", function () {
  this.timeout(120_000);

  it("every snapshotted gas figure is unchanged", async () => {
    const snapshot = JSON.parse(readFileSync(snapshotFile, "utf8")) as Record<string, number>;
    const { metrics } = await runContractGasBench();
    const changed = Object.entries(snapshot)
      .filter(([name, expected]) => metrics[name] !== expected)
      .map(([name, expected]) => `${name}: snapshot ${expected}, now ${metrics[name]}`);
    expect(changed, `gas changed — if intended, run \`npm run gas:snapshot\` and commit bench/gas-snapshot.json:\n${changed.join("\n")}`).to.deep.equal([]);
  });
});
