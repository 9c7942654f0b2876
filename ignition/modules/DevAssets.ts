import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/** DEVELOPMENT ONLY: a settable Chainlink-style feed (Chainlink's MockV3Aggregator) and a
 * mintable 6-decimal stablecoin, for local chains. */
export default buildModule("DevAssets", (m) => {
  const feed = m.contract("DevPriceFeed", [m.getParameter<bigint>("decimals", 1n), m.getParameter<bigint>("initialAnswer", 0n)]);
  const stablecoin = m.contract("DevStablecoin", []);
  return { feed, stablecoin };
});
