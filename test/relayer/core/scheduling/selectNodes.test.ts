import { expect } from "chai";
import type { Address } from "viem";
import { PolicyFlag } from "../../../../relayer/core/formats/enums.js";
import { eligibleCount, quorumImpossibleMessage, selectNodes, type NodeLoad, type SelectionInput } from "../../../../relayer/core/scheduling/selectNodes.js";
import { NodeStatus, type NodeFacts } from "../../../../relayer/core/scheduling/types.js";
import { clauseFacts, KEN, MEASUREMENT, node, NOW, UGA } from "./fixtures.js";

function input(nodes: (NodeFacts | undefined)[], overrides: Partial<SelectionInput> = {}): SelectionInput {
  return {
    candidates: nodes.map((f, i) => ({ enclaveKey: f?.enclaveKey ?? node(100 + i).enclaveKey, facts: f })),
    clause: clauseFacts(),
    jurisdiction: KEN,
    chainTime: NOW,
    measurementAllowed: (m) => m === MEASUREMENT,
    teeTypeAllowed: (t) => t === 1,
    loads: new Map(),
    exclude: new Set(),
    count: 3,
    ...overrides,
  };
}

describe("relayer/core/scheduling/selectNodes", () => {
  it("keeps only registered, active, unexpired, allowlisted nodes and says why each other one was left out", () => {
    const nodes = [
      node(0),
      undefined,
      node(2, { status: NodeStatus.Revoked }),
      node(3, { attestedUntil: NOW - 1n }),
      node(4, { measurement: `0x${"99".repeat(32)}` }),
      node(5, { teeType: 2 }),
      node(6, { activeSince: NOW + 10n }),
    ];
    const s = selectNodes(input(nodes));
    expect(s.selected).to.deep.equal([nodes[0]!.enclaveKey]);
    const reasons = s.assessments.map((a) => a.reasons.join("; "));
    expect(reasons[1]).to.match(/not registered/);
    expect(reasons[2]).to.match(/status revoked/);
    expect(reasons[3]).to.match(/attestation expired/);
    expect(reasons[4]).to.match(/not allowlisted/);
    expect(reasons[5]).to.match(/TEE type 2 not allowed/);
    expect(reasons[6]).to.match(/starts at/);
    expect(eligibleCount(s)).to.equal(1);
  });

  it("runs a clause version only on nodes whose attested measurement its own allowlist names, and says so", () => {
    const other = `0x${"77".repeat(32)}` as const;
    // Both measurements are allowlisted in NodeRegistry; the clause version accepts only one of them.
    const nodes = [node(0), node(1, { measurement: other })];
    const registryAllows = { measurementAllowed: (m: string) => m === MEASUREMENT || m === other };
    expect(selectNodes(input(nodes, registryAllows)).eligible).to.have.length(2);
    expect(selectNodes(input(nodes, { ...registryAllows, clauseMeasurements: [] })).eligible).to.have.length(2);
    const s = selectNodes(input(nodes, { ...registryAllows, clauseMeasurements: [other.toUpperCase().replace("0X", "0x") as `0x${string}`] }));
    expect(s.selected).to.deep.equal([nodes[1]!.enclaveKey]);
    expect(s.assessments[0]!.eligible).to.equal(false);
    expect(s.assessments[0]!.reasons).to.deep.equal([`measurement ${MEASUREMENT} not allowed for this clause version (1 allowed)`]);
    expect(s.assessments[1]!.eligible).to.equal(true);
  });

  it("enforces in-country clauses (PolicyFlag.InCountry) and ignores location otherwise", () => {
    const nodes = [node(0), node(1, { jurisdiction: UGA })];
    expect(selectNodes(input(nodes)).eligible).to.have.length(2);
    const s = selectNodes(input(nodes, { clause: clauseFacts({ policyFlags: PolicyFlag.InCountry }) }));
    expect(s.eligible).to.deep.equal([nodes[0]!.enclaveKey]);
    expect(s.assessments[1]!.reasons[0]).to.equal("located in UGA, clause requires in-country (KEN)");
  });

  it("ranks by reliability, then load, then freshness, then address — deterministically", () => {
    const a = node(0, { attestedAt: NOW - 500n });
    const b = node(1, { attestedAt: NOW - 10n });
    const c = node(2);
    const d = node(3);
    const loads = new Map<Address, NodeLoad>([
      [a.enclaveKey, { successes: 20, failures: 0, open: 0 }],
      [b.enclaveKey, { successes: 20, failures: 0, open: 0 }],
      [c.enclaveKey, { successes: 0, failures: 9, open: 0 }],
      [d.enclaveKey, { successes: 20, failures: 0, open: 5 }],
    ]);
    const s = selectNodes(input([a, b, c, d], { loads, count: 4 }));
    // a and b tie on reliability and load; b is fresher. d is loaded. c is unreliable.
    expect(s.eligible).to.deep.equal([b.enclaveKey, a.enclaveKey, d.enclaveKey, c.enclaveKey]);
    expect(s.assessments.find((x) => x.enclaveKey === b.enclaveKey)!.reasons.at(-1)).to.match(/^rank 1: reliability 0\.95, load 0, attested at .* — selected$/);
  });

  it("never picks an excluded node again but still counts it as eligible for the quorum check", () => {
    const nodes = [node(0), node(1), node(2)];
    const s = selectNodes(input(nodes, { exclude: new Set([nodes[1]!.enclaveKey]) }));
    expect(s.selected).to.deep.equal([nodes[0]!.enclaveKey, nodes[2]!.enclaveKey]);
    expect(eligibleCount(s)).to.equal(3);
  });

  it("refuses nodes whose attestation would lapse before the token expires", () => {
    const s = selectNodes(input([node(0, { attestedUntil: NOW + 60n })], { minRemainingValiditySeconds: 600n }));
    expect(s.eligible).to.deep.equal([]);
  });

  it("words the quorum-impossible failure as an operator can act on it", () => {
    expect(quorumImpossibleMessage(1, 3, KEN, true)).to.equal("quorum impossible: 1 of 3 eligible nodes in KEN");
    expect(quorumImpossibleMessage(2, 3, KEN, false)).to.equal("quorum impossible: 2 of 3 eligible nodes");
  });
});
