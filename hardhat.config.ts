import { createRequire } from "node:module";
import { configVariable, defineConfig } from "hardhat/config";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import hardhatViem from "@nomicfoundation/hardhat-viem";

// The compiler download host is unreachable from our machines (TOOLCHAIN.md item 2):
// the compilers come from the npm `solc` package (WASM) pinned to the same version.
const require = createRequire(import.meta.url);
const solc0828 = require.resolve("solc/soljson.js");
const solc0829 = require.resolve("solc-0.8.29/soljson.js");

// One optimizer setting for tests, benchmarks and deployments, so measured gas is deployed gas.
const optimized = {
  version: "0.8.28",
  path: solc0828,
  settings: {
    optimizer: { enabled: true, runs: 10_000 },
    evmVersion: "cancun",
    viaIR: true,
    metadata: { bytecodeHash: "ipfs" as const },
    // The metadata JSON of every contract in the build output (artifacts/build-info/<id>.output.json), beside the
    // standard JSON input (<id>.json): what Sourcify and a manual Etherscan/Blockscout verification take. Output
    // selection is not part of the metadata, so the bytecode (and its metadata hash) does not change.
    outputSelection: { "*": { "*": ["metadata"] } },
  },
};
// Governor-sized contracts stay under the 24 KiB code limit with fewer optimizer runs.
const compact = { ...optimized, settings: { ...optimized.settings, optimizer: { enabled: true, runs: 200 } } };
// EAS 1.9.0 pins `pragma solidity 0.8.29` exactly; it is only compiled to be measured as a peer.
const eas = { version: "0.8.29", path: solc0829, settings: { optimizer: { enabled: true, runs: 1_000_000 } } };

// Our sources pin `pragma solidity 0.8.28` exactly, so Hardhat compiles them (and the OpenZeppelin
// and Chainlink files they import) with 0.8.28; only the EAS peer resolves to 0.8.29.
const overrides = { "contracts/governance/NSFGovernor.sol": compact };

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers, hardhatViem],
  solidity: {
    profiles: {
      default: { compilers: [optimized, eas], overrides },
      production: { compilers: [optimized, eas], overrides },
    },
    npmFilesToBuild: [
      "@chainlink/contracts/src/v0.8/shared/mocks/MockV3Aggregator.sol",
      "@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol",
      "@ethereum-attestation-service/eas-contracts/contracts/EAS.sol",
      "@ethereum-attestation-service/eas-contracts/contracts/SchemaRegistry.sol",
    ],
  },
  paths: {
    tests: { mocha: "test", solidity: "test/solidity" },
  },
  test: {
    solidity: {
      // A fixed seed makes every fuzz and invariant run reproducible (STYLE.md). The bytecode dictionary is off:
      // it would read the metadata hash at the end of the bytecode, which changes with how Hardhat groups files
      // into compilation jobs, so the same seed would draw different inputs (and gas snapshots) per checkout.
      fuzz: { runs: 256, seed: "0x4e53462d636c617573652d6f726368657374726174696f6e", dictionaryWeight: 0 },
      invariant: { runs: 64, depth: 32, failOnRevert: false, dictionaryWeight: 0 },
    },
  },
  typechain: { outDir: "typechain-types" },
  // Explorer verification (hardhat-verify, part of the toolbox): `npx hardhat verify --network <net> <address> <args…>`
  // submits to Etherscan, Blockscout and Sourcify (docs/MONITORING.md). The Etherscan key is a config variable,
  // resolved only when a verification runs (keystore or ETHERSCAN_API_KEY); nothing here touches the network.
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
    blockscout: { enabled: true },
    sourcify: { enabled: true },
  },
  networks: {
    // A separately started `hardhat node` (`nsf dev` starts one for you).
    localhost: { type: "http", url: "http://127.0.0.1:8545" },
  },
});
