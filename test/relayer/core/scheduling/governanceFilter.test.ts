import { expect } from "chai";
import { ClauseStatus, PolicyFlag } from "../../../../relayer/core/formats/enums.js";
import { checkGovernance } from "../../../../relayer/core/scheduling/governanceFilter.js";
import { tenantIdOf } from "../../../../relayer/core/formats/ids.js";
import { clauseFacts, DAO, jobFacts, NOW, OTHER_DAO, UGA } from "./fixtures.js";

const ok = { job: jobFacts(), clause: clauseFacts(), isTenant: true, chainTime: NOW };
const codeOf = (v: ReturnType<typeof checkGovernance>) => (v.ok ? "ok" : v.kind);

describe("relayer/core/scheduling/governanceFilter", () => {
  it("passes a job whose DAO owns the active clause, is a tenant, inside the window and before its deadline", () => {
    const v = checkGovernance(ok);
    expect(v.ok).to.equal(true);
    expect(v.checks.map((c) => c.check)).to.deep.equal(["tenant", "clause-registered", "clause-version", "clause-active", "dao-owner", "dao-tenant", "jurisdiction", "validity-window", "deadline", "policy-flags"]);
  });

  it("rejects each failing check with its own code and records the checks evaluated", () => {
    const cases: [string, Parameters<typeof checkGovernance>[0]][] = [
      ["GOV_CLAUSE_UNKNOWN", { ...ok, clause: undefined }],
      ["GOV_CLAUSE_VERSION_MISMATCH", { ...ok, clause: clauseFacts({ version: 2 ** 32 + 1 }) }],
      ["GOV_CLAUSE_NOT_ACTIVE", { ...ok, clause: clauseFacts({ status: ClauseStatus.Paused }) }],
      ["GOV_CLAUSE_NOT_ACTIVE", { ...ok, clause: clauseFacts({ status: ClauseStatus.Frozen }) }],
      ["GOV_DAO_NOT_OWNER", { ...ok, clause: clauseFacts({ owner: OTHER_DAO }) }],
      ["GOV_NOT_TENANT", { ...ok, isTenant: false }],
      ["GOV_JURISDICTION_NOT_LISTED", { ...ok, job: jobFacts({ jurisdiction: UGA, tenantId: tenantIdOf(DAO, "UGA") }) }],
      ["GOV_OUTSIDE_VALIDITY", { ...ok, clause: clauseFacts({ validFrom: NOW + 1n }) }],
      ["GOV_OUTSIDE_VALIDITY", { ...ok, clause: clauseFacts({ validUntil: NOW - 1n }) }],
      ["GOV_DEADLINE_PASSED", { ...ok, job: jobFacts({ deadline: NOW - 1n }) }],
      ["GOV_POLICY_UNSUPPORTED", { ...ok, clause: clauseFacts({ policyFlags: PolicyFlag.InCountry | 4 }) }],
      ["GOV_TENANT_MISMATCH", { ...ok, job: jobFacts({ tenantId: tenantIdOf(OTHER_DAO, "KEN") }) }],
    ];
    for (const [code, input] of cases) {
      const v = checkGovernance(input);
      expect(codeOf(v), code).to.equal(code);
      expect(v.checks.at(-1)!.passed).to.equal(false);
      if (!v.ok) expect(v.reason).to.be.a("string").and.not.empty;
    }
  });

  it("accepts the in-country flag (it is enforced at node selection) and an open-ended window", () => {
    expect(checkGovernance({ ...ok, clause: clauseFacts({ policyFlags: PolicyFlag.InCountry, validUntil: 0n }) }).ok).to.equal(true);
  });

  it("treats the deadline second itself as still valid (expiresAt is the last valid second)", () => {
    expect(checkGovernance({ ...ok, job: jobFacts({ deadline: NOW }) }).ok).to.equal(true);
  });
});
