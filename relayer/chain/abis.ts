/**
 * Hand-written ABI fragments of exactly what the relayer reads (typed by viem from `as const`). Each mirrors
 * its Solidity declaration in contracts/interfaces/ field for field; test/relayer/chain/abis.test.ts checks
 * them against the compiled artifacts so a contract change cannot drift silently.
 */
export { clauseRegistryViewAbi } from "../executor/chain/viemChainView.js";

export const jobRouterAbi = [
  {
    type: "event",
    name: "JobRequested",
    inputs: [
      { name: "jobId", type: "bytes32", indexed: true },
      { name: "clauseId", type: "bytes32", indexed: true },
      { name: "tenantId", type: "bytes32", indexed: true },
      { name: "clauseVersion", type: "uint48", indexed: false },
      { name: "triggerType", type: "uint8", indexed: false },
      { name: "inputCommitment", type: "bytes32", indexed: false },
      { name: "deadline", type: "uint64", indexed: false },
      { name: "dao", type: "address", indexed: false },
      { name: "jurisdiction", type: "bytes3", indexed: false },
      { name: "triggerNonce", type: "bytes32", indexed: false },
    ],
  },
  {
    type: "event",
    name: "SensorTriggerFired",
    inputs: [
      { name: "triggerId", type: "uint256", indexed: true },
      { name: "jobId", type: "bytes32", indexed: true },
      { name: "feed", type: "address", indexed: true },
      { name: "roundId", type: "uint80", indexed: false },
      { name: "answer", type: "int256", indexed: false },
      { name: "updatedAt", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "SimulationResultPosted",
    inputs: [
      { name: "triggerId", type: "uint256", indexed: true },
      { name: "jobId", type: "bytes32", indexed: true },
      { name: "simulator", type: "address", indexed: true },
      { name: "resultCommitment", type: "bytes32", indexed: false },
    ],
  },
  {
    type: "event",
    name: "JobExpired",
    inputs: [
      { name: "jobId", type: "bytes32", indexed: true },
      { name: "tenantId", type: "bytes32", indexed: true },
      { name: "by", type: "address", indexed: true },
    ],
  },
  {
    type: "function",
    name: "sensorTrigger",
    stateMutability: "view",
    inputs: [{ name: "triggerId", type: "uint256" }],
    outputs: [
      {
        name: "",
        type: "tuple",
        components: [
          { name: "clauseId", type: "bytes32" },
          { name: "dao", type: "address" },
          { name: "jurisdiction", type: "bytes3" },
          { name: "feed", type: "address" },
          { name: "threshold", type: "int256" },
          { name: "above", type: "bool" },
          { name: "active", type: "bool" },
          { name: "maxStalenessSeconds", type: "uint32" },
          { name: "cooldownSeconds", type: "uint32" },
          { name: "jobWindowSeconds", type: "uint32" },
          { name: "lastFiredAt", type: "uint64" },
          { name: "lastRoundId", type: "uint80" },
        ],
      },
    ],
  },
] as const;

export const nodeRegistryAbi = [
  {
    type: "function",
    name: "getNode",
    stateMutability: "view",
    inputs: [{ name: "enclaveKey", type: "address" }],
    outputs: [
      {
        name: "",
        type: "tuple",
        components: [
          { name: "attestedAt", type: "uint64" },
          { name: "attestedUntil", type: "uint64" },
          { name: "status", type: "uint8" },
          { name: "teeType", type: "uint8" },
          { name: "jurisdiction", type: "bytes3" },
          { name: "sovereign", type: "bool" },
          { name: "activeSince", type: "uint64" },
          { name: "operator", type: "address" },
          { name: "measurement", type: "bytes32" },
          { name: "attestationId", type: "bytes32" },
        ],
      },
    ],
  },
  { type: "function", name: "isMeasurementAllowed", stateMutability: "view", inputs: [{ name: "measurement", type: "bytes32" }], outputs: [{ name: "", type: "bool" }] },
  { type: "function", name: "isTeeTypeAllowed", stateMutability: "view", inputs: [{ name: "teeType", type: "uint8" }], outputs: [{ name: "", type: "bool" }] },
  { type: "function", name: "isScheduler", stateMutability: "view", inputs: [{ name: "scheduler", type: "address" }], outputs: [{ name: "", type: "bool" }] },
  {
    type: "event",
    name: "NodeRegistered",
    inputs: [
      { name: "enclaveKey", type: "address", indexed: true },
      { name: "operator", type: "address", indexed: true },
      { name: "teeType", type: "uint8", indexed: false },
      { name: "jurisdiction", type: "bytes3", indexed: false },
      { name: "sovereign", type: "bool", indexed: false },
    ],
  },
  {
    type: "event",
    name: "NodeAttested",
    inputs: [
      { name: "enclaveKey", type: "address", indexed: true },
      { name: "measurement", type: "bytes32", indexed: true },
      { name: "attestationId", type: "bytes32", indexed: true },
      { name: "attestedAt", type: "uint64", indexed: false },
      { name: "validUntil", type: "uint64", indexed: false },
      { name: "validatorConfigDigest", type: "bytes32", indexed: false },
    ],
  },
  {
    type: "event",
    name: "NodeStatusChanged",
    inputs: [
      { name: "enclaveKey", type: "address", indexed: true },
      { name: "from", type: "uint8", indexed: false },
      { name: "to", type: "uint8", indexed: false },
      { name: "reason", type: "bytes32", indexed: false },
    ],
  },
] as const;

export const jurisdictionRegistryAbi = [
  {
    type: "function",
    name: "isTenant",
    stateMutability: "view",
    inputs: [
      { name: "dao", type: "address" },
      { name: "jurisdiction", type: "bytes3" },
    ],
    outputs: [{ name: "", type: "bool" }],
  },
] as const;

/** Chainlink AggregatorV3Interface, the two reads the input resolver needs. */
export const aggregatorV3Abi = [
  {
    type: "function",
    name: "getRoundData",
    stateMutability: "view",
    inputs: [{ name: "_roundId", type: "uint80" }],
    outputs: [
      { name: "roundId", type: "uint80" },
      { name: "answer", type: "int256" },
      { name: "startedAt", type: "uint256" },
      { name: "updatedAt", type: "uint256" },
      { name: "answeredInRound", type: "uint80" },
    ],
  },
  { type: "function", name: "decimals", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "uint8" }] },
] as const;
