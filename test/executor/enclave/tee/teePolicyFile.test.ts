import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toBytes } from "viem";
import { canonicalJson } from "../../../../relayer/core/formats/canonicalJson.js";
import { sha256Of } from "../../../../relayer/core/formats/ids.js";
import { hardwarePolicyId } from "../../../../relayer/executor/enclave/tee/hardwareAttestationPolicy.js";
import { loadTeePolicyFile, parseTeePolicy } from "../../../../relayer/executor/enclave/tee/teePolicyFile.js";
import { ExecutorError } from "../../../../relayer/executor/errors/ExecutorError.js";

/** A policy file as governance would publish it (docs/FORMATS.md §17): seconds as decimal strings. */
const FILE = {
  version: "nsf.tee-policy/1",
  measurements: { "2": [`0x${"a1".repeat(32)}`], "5": [`0x${"b2".repeat(32)}`] },
  tcbStatuses: { UpToDate: { graceSeconds: null }, SWHardeningNeeded: { graceSeconds: "2592000" }, NotApplicable: { graceSeconds: null } },
  maxCollateralAgeSeconds: "2592000",
  snpMinimumTcb: { Milan: { bootloader: 3, tee: 0, snp: 8, microcode: 115 } },
};

describe("nsf.tee-policy/1 file (the policy whose id governance records in NodeRegistry)", () => {
  it("parses to the policy the validator applies, and its id is sha256 of the file's canonical JSON", () => {
    const { policy, policyId } = parseTeePolicy(FILE);
    expect(policyId).to.equal(sha256Of(toBytes(canonicalJson(FILE))));
    expect(hardwarePolicyId(policy)).to.equal(policyId);
    expect(policy.tcbStatuses.SWHardeningNeeded).to.deep.equal({ graceSeconds: 2_592_000n });
    expect(policy.maxCollateralAgeSeconds).to.equal(2_592_000n);
    // Any edit is another policy.
    expect(parseTeePolicy({ ...FILE, maxCollateralAgeSeconds: "2592001" }).policyId).to.not.equal(policyId);
  });

  it("refuses unknown fields, unknown statuses, numbers for seconds and upper-case hex with NSF_CONFIG_INVALID", () => {
    const bad: unknown[] = [
      { ...FILE, extra: true },
      { ...FILE, tcbStatuses: { Fine: { graceSeconds: null } } },
      { ...FILE, maxCollateralAgeSeconds: 2592000 },
      { ...FILE, measurements: { "2": [`0x${"A1".repeat(32)}`] } },
      { ...FILE, measurements: { "1": [`0x${"a1".repeat(32)}`] } },
      { ...FILE, version: "nsf.tee-policy/2" },
    ];
    for (const json of bad) {
      expect(() => parseTeePolicy(json), JSON.stringify(json)).to.throw(ExecutorError).with.property("code", "NSF_CONFIG_INVALID");
    }
  });

  it("loads from a file; an unreadable or non-JSON file is a typed error", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nsf-tee-policy-"));
    try {
      await writeFile(join(dir, "policy.json"), JSON.stringify(FILE, null, 2));
      expect((await loadTeePolicyFile(join(dir, "policy.json"))).policyId).to.equal(parseTeePolicy(FILE).policyId);
      await writeFile(join(dir, "broken.json"), "{");
      for (const path of [join(dir, "broken.json"), join(dir, "missing.json")]) {
        try {
          await loadTeePolicyFile(path);
          expect.fail("must throw");
        } catch (error) {
          expect(error).to.be.instanceOf(ExecutorError).with.property("code", "NSF_CONFIG_INVALID");
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
