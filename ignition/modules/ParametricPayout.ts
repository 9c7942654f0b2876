import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/** A ParametricPayout consumer for one clause version and tenant; parameters name them. */
export default buildModule("ParametricPayout", (m) => {
  const payout = m.contract("ParametricPayout", [
    m.getParameter<string>("rollupAnchor"),
    m.getParameter<string>("token"),
    m.getParameter<string>("clauseRegistry"),
    m.getParameter<string>("clauseId"),
    m.getParameter<string>("dao"),
    m.getParameter<string>("jurisdiction"),
    m.getParameter<string>("beneficiary"),
    m.getParameter<string>("action"),
    m.getParameter<bigint>("maxPayout"),
    m.getParameter<boolean>("requireInCountry", true),
  ]);
  return { payout };
});
