import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { DISPUTE_SELECTORS, FAULT_REPORTER_SELECTORS, Roles } from "./roles.js";

/**
 * The network's contracts and their wiring. The deployer starts as the access manager's admin so the
 * bootstrap (validators, aggregators, allowlists) can run; `scripts/lib/bootstrap.ts` then hands the
 * admin role to the network DAO's timelock and renounces it.
 */
export default buildModule("NsfNetwork", (m) => {
  const deployer = m.getAccount(0);
  const maxAttestationSeconds = m.getParameter("maxAttestationSeconds", 7n * 24n * 3600n);
  const epochSeconds = m.getParameter("epochSeconds", 24n * 3600n);
  const maxJobWindowSeconds = m.getParameter("maxJobWindowSeconds", 24n * 3600n);

  const accessManager = m.contract("NSFAccessManager", [deployer]);
  const jurisdictionRegistry = m.contract("JurisdictionRegistry", [accessManager]);
  const clauseRegistry = m.contract("ClauseRegistry", [accessManager, jurisdictionRegistry]);
  const nodeRegistry = m.contract("NodeRegistry", [accessManager, maxAttestationSeconds]);
  const jobRouter = m.contract("JobRouter", [accessManager, clauseRegistry, jurisdictionRegistry, epochSeconds, maxJobWindowSeconds]);
  const rollupAnchor = m.contract("RollupAnchor", [accessManager, nodeRegistry]);
  const disputeResolver = m.contract("DisputeResolver", [clauseRegistry, jurisdictionRegistry, nodeRegistry, rollupAnchor]);

  m.call(accessManager, "setTargetFunctionRole", [rollupAnchor, [...DISPUTE_SELECTORS.rollupAnchor], Roles.Dispute], { id: "DisputeRoleOnAnchor" });
  m.call(accessManager, "setTargetFunctionRole", [clauseRegistry, [...DISPUTE_SELECTORS.clauseRegistry], Roles.Dispute], {
    id: "DisputeRoleOnClauses",
  });
  m.call(accessManager, "grantRole", [Roles.Dispute, disputeResolver, 0], { id: "GrantDisputeRole" });
  // Who may report workload faults is network governance's decision: the role has a target but no holder yet.
  m.call(accessManager, "setTargetFunctionRole", [jobRouter, [...FAULT_REPORTER_SELECTORS.jobRouter], Roles.FaultReporter], { id: "FaultReporterRoleOnRouter" });

  return { accessManager, jurisdictionRegistry, clauseRegistry, nodeRegistry, jobRouter, rollupAnchor, disputeResolver };
});
