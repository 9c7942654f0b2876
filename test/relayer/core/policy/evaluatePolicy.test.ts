import { expect } from "chai";
import { isRelayerError } from "../../../../relayer/core/errors/RelayerError.js";
import { clauseIdOf } from "../../../../relayer/core/formats/clauseRef.js";
import { PolicyFlag, PriorityClass, TeeType } from "../../../../relayer/core/formats/enums.js";
import { tenantIdOf } from "../../../../relayer/core/formats/ids.js";
import { evaluatePolicy, POLICY_RULES, requiredSigners, RULE_STAGES, type PolicyInput, type PolicyRule } from "../../../../relayer/core/policy/evaluatePolicy.js";
import { resolvePolicyConfig, type PolicyConfig } from "../../../../relayer/core/policy/policyConfig.js";
import { DAO, KEN, node, OTHER_DAO, UGA } from "../scheduling/fixtures.js";

const FLOOD = "UNDRR::Disaster::FloodPayout@1.0.0";
const HEALTH = "WHO::Health::PandemicAlert@1.0.0";
const BOND = "WB::Finance::CatBond@1.0.0";
const TENANT = tenantIdOf(DAO, "KEN");
const OTHER = tenantIdOf(OTHER_DAO, "KEN");
const STRANGER = tenantIdOf("0x00000000000000000000000000000000000da0c0", "KEN");

const config: PolicyConfig = {
  schema: "nsf.policy/1",
  clauses: [
    { clause: FLOOD, domain: "disaster", financial: true, independentEnclaves: 3, colocateWith: [HEALTH], pauseAtRisk: "high" },
    { clause: HEALTH, domain: "health" },
    { clause: BOND, domain: "finance" },
  ],
  tenants: [
    { dao: DAO, jurisdiction: "KEN", inCountryOnly: true, treaties: ["IHR"], coLocation: { allowTreaties: ["IHR"], allowTenants: [] } },
    { dao: OTHER_DAO, jurisdiction: "KEN", treaties: ["IHR"] },
  ],
};
const policy = resolvePolicyConfig(config);

function input(stage: PolicyInput["stage"], clause: string, overrides: Partial<PolicyInput> = {}): PolicyInput {
  return {
    stage,
    policy,
    job: { tenantId: TENANT, jurisdiction: KEN, clauseId: clauseIdOf(clause), priority: PriorityClass.Disaster, policyFlags: 0 },
    node: node(1, { sovereign: true }),
    peers: [],
    occupancy: { tenants: [], domains: [] },
    forecasts: [],
    ...overrides,
  };
}

type Case = { rule: PolicyRule; stage: PolicyInput["stage"]; pass: PolicyInput; fail: PolicyInput; reason: RegExp };

/** The policy matrix: every rule, a passing and a failing (or deferring) evaluation, and the reason reported. */
const MATRIX: Case[] = [
  { rule: "in-country", stage: "admission", pass: input("admission", HEALTH), fail: input("admission", HEALTH, { node: node(1, { jurisdiction: UGA }) }), reason: /located in UGA, the tenant allows only in-country nodes \(KEN\)/ },
  {
    rule: "treaty-co-location",
    stage: "admission",
    pass: input("admission", HEALTH, { occupancy: { tenants: [OTHER], domains: ["health"] } }),
    fail: input("admission", HEALTH, { occupancy: { tenants: [OTHER, STRANGER], domains: ["health"] } }),
    reason: new RegExp(`does not authorise co-location with tenant ${STRANGER}`),
  },
  {
    rule: "independent-enclaves",
    stage: "admission",
    pass: input("admission", FLOOD, { node: node(3, { teeType: TeeType.AmdSevSnp, sovereign: true }), peers: [node(1, { teeType: TeeType.IntelSgx }), node(2, { teeType: TeeType.AwsNitro })] }),
    fail: input("admission", FLOOD, { node: node(3, { teeType: TeeType.IntelTdx, sovereign: true }), peers: [node(1, { teeType: TeeType.IntelSgx })] }),
    reason: /TEE vendor intel already used by enclave .*; 3 independent enclaves required/,
  },
  {
    rule: "domain-separation",
    stage: "admission",
    pass: input("admission", HEALTH, { occupancy: { tenants: [], domains: ["disaster", "health"] } }),
    fail: input("admission", HEALTH, { occupancy: { tenants: [], domains: ["finance"] } }),
    reason: /health workload on a node that ran a finance workload in the last 3600 s/,
  },
  {
    rule: "sovereign-for-financial",
    stage: "admission",
    pass: input("admission", BOND, { job: { tenantId: TENANT, jurisdiction: KEN, clauseId: clauseIdOf(BOND), priority: PriorityClass.Finance, policyFlags: 0 } }),
    fail: input("admission", BOND, { job: { tenantId: TENANT, jurisdiction: KEN, clauseId: clauseIdOf(BOND), priority: PriorityClass.Finance, policyFlags: 0 }, node: node(1, { sovereign: false }) }),
    reason: /financial clause on non-sovereign node/,
  },
  {
    rule: "forecast-pause",
    stage: "queue",
    pass: input("queue", FLOOD, { node: undefined, forecasts: [{ jurisdiction: KEN, level: "moderate", source: "sim-1" }, { jurisdiction: UGA, level: "severe", source: "sim-2" }] }),
    fail: input("queue", FLOOD, { node: undefined, forecasts: [{ jurisdiction: KEN, level: "severe", source: "sim-1" }] }),
    reason: /paused: severe risk forecast for KEN from sim-1 \(pauses at high\)/,
  },
  {
    rule: "collocation",
    stage: "admission",
    pass: input("admission", FLOOD, { partnerNodes: new Set([node(1).enclaveKey]) }),
    fail: input("admission", FLOOD, { partnerNodes: new Set([node(2).enclaveKey]) }),
    reason: /co-location asked: node ran no partner clause in the window/,
  },
];

describe("policy engine (evaluatePolicy)", () => {
  it("the matrix covers every rule", () => {
    expect(MATRIX.map((c) => c.rule).sort()).to.deep.equal([...POLICY_RULES].sort());
  });

  for (const c of MATRIX) {
    describe(`rule ${c.rule} (${RULE_STAGES[c.rule].join(", ")})`, () => {
      it("passes, with its reason reported", () => {
        const verdict = evaluatePolicy(c.pass);
        const result = verdict.results.find((r) => r.rule === c.rule)!;
        expect(result.outcome, result.reason).to.equal("pass");
        expect(result.reason).to.be.a("string").that.is.not.empty;
      });
      it("fails (or defers), decides the verdict and reports why", () => {
        const verdict = evaluatePolicy(c.fail);
        expect(verdict.decisive?.rule).to.equal(c.rule);
        expect(verdict.decision).to.equal(c.rule === "forecast-pause" ? "defer" : "deny");
        expect(verdict.decisive!.reason).to.match(c.reason);
      });
    });
  }

  it("in-country also follows the clause's on-chain flag for tenants without a policy", () => {
    const base = input("cac", BOND, { job: { tenantId: OTHER, jurisdiction: KEN, clauseId: clauseIdOf(BOND), priority: PriorityClass.Planning, policyFlags: PolicyFlag.InCountry }, node: node(1, { jurisdiction: UGA }) });
    const verdict = evaluatePolicy(base);
    expect(verdict.decision).to.equal("deny");
    expect(verdict.decisive!.reason).to.match(/the clause is in-country only/);
    expect(evaluatePolicy({ ...base, job: { ...base.job, policyFlags: 0 } }).decision).to.equal("allow");
  });

  it("co-location is refused when the OTHER tenant does not authorise this one (both directions)", () => {
    const verdict = evaluatePolicy(input("admission", HEALTH, { job: { tenantId: STRANGER, jurisdiction: KEN, clauseId: clauseIdOf(HEALTH), priority: 0, policyFlags: 0 }, occupancy: { tenants: [TENANT], domains: [] } }));
    expect(verdict.decision).to.equal("deny");
    expect(verdict.decisive!.reason).to.match(new RegExp(`tenant ${TENANT} .* does not authorise co-location with this tenant`));
  });

  it("independent enclaves: the same operator is refused even with another vendor", () => {
    const peer = node(1, { teeType: TeeType.IntelSgx });
    const verdict = evaluatePolicy(input("cac", FLOOD, { node: node(2, { teeType: TeeType.AmdSevSnp, operator: peer.operator, sovereign: true }), peers: [peer] }));
    expect(verdict.decisive?.rule).to.equal("independent-enclaves");
    expect(verdict.decisive!.reason).to.match(/^operator .* already runs enclave/);
    expect(requiredSigners(policy, { clauseId: clauseIdOf(FLOOD), priority: 0, quorumK: 2 })).to.equal(3);
  });

  it("finance-priority clauses need sovereign nodes even when the policy file does not name them", () => {
    const unnamed = clauseIdOf("X::Finance::Unlisted@1.0.0");
    const verdict = evaluatePolicy(input("admission", BOND, { job: { tenantId: OTHER, jurisdiction: KEN, clauseId: unnamed, priority: PriorityClass.Finance, policyFlags: 0 }, node: node(1, { sovereign: false }) }));
    expect(verdict.decisive?.rule).to.equal("sovereign-for-financial");
  });

  it("every evaluated rule reports a reason, applicable or not", () => {
    const verdict = evaluatePolicy(input("admission", HEALTH));
    expect(verdict.results.map((r) => r.rule)).to.deep.equal(POLICY_RULES.filter((r) => RULE_STAGES[r].includes("admission")));
    for (const r of verdict.results) expect(r.reason, r.rule).to.not.equal("");
  });

  it("policy files are validated with typed errors naming the path", () => {
    for (const bad of [{ schema: "nsf.policy/2" }, { schema: "nsf.policy/1", clauses: [{ clause: "not a clause", domain: "health" }] }, { schema: "nsf.policy/1", clauses: [{ clause: HEALTH, domain: "cooking" }] }, { schema: "nsf.policy/1", tenants: [{ dao: DAO, jurisdiction: "ke" }] }, { schema: "nsf.policy/1", clauses: [{ clause: HEALTH, domain: "health", measurements: ["0x1234"] }] }]) {
      let caught: unknown;
      try {
        resolvePolicyConfig(bad);
      } catch (error) {
        caught = error;
      }
      expect(isRelayerError(caught, "CONFIG_INVALID"), JSON.stringify(bad)).to.equal(true);
      expect((caught as { details: string }).details).to.match(/^policy\./);
    }
  });
});

