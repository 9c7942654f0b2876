import { expect } from "chai";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FAULT_CHECKPOINTS, parseFaultKillAt } from "../../../relayer/faults/faultPoint.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

describe("relayer/faults/faultPoint", () => {
  it("parses <checkpoint>[:<n>] and refuses anything else with a typed error", () => {
    expect(parseFaultKillAt(undefined)).to.equal(undefined);
    expect(parseFaultKillAt("")).to.equal(undefined);
    expect(parseFaultKillAt("tx-signed")).to.deep.equal({ checkpoint: "tx-signed", hit: 1 });
    expect(parseFaultKillAt("receipt-seen:3")).to.deep.equal({ checkpoint: "receipt-seen", hit: 3 });
    for (const bad of ["tx-sign", "tx-signed:0", "tx-signed:x", "TX-SIGNED", "event-seen:1:2"]) {
      expect(() => parseFaultKillAt(bad), bad).to.throw().with.property("code", "NSF_FAULT_INVALID");
    }
    expect(FAULT_CHECKPOINTS).to.have.length(7);
  });

  it("kills the process with SIGKILL at the n-th hit of the armed checkpoint, and does nothing unarmed", function () {
    this.timeout(60_000);
    const script = `import { faultPoint } from "./relayer/faults/faultPoint.ts"; faultPoint("tx-sent"); faultPoint("batch-built"); faultPoint("batch-built"); console.log("survived");`;
    const run = (value: string) => spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, env: { ...process.env, NSF_FAULT_KILL_AT: value }, encoding: "utf8" });
    const armed = run("batch-built:2");
    expect(armed.signal, armed.stderr).to.equal("SIGKILL");
    expect(armed.stderr).to.include("nsf fault: SIGKILL at batch-built (hit 2)");
    expect(armed.stdout).to.not.include("survived");
    const later = run("batch-built:3");
    expect(later.status, later.stderr).to.equal(0);
    expect(later.stdout).to.include("survived");
    const unarmed = run("");
    expect(unarmed.status).to.equal(0);
  });
});
