/**
 * Hand-written ABI fragments of exactly what the TypeScript side calls, reads or decodes (typed by viem from
 * `as const`), in one place. Each mirrors its Solidity declaration in contracts/interfaces/ field for field;
 * test/core/abi/contractAbis.test.ts checks every fragment against the compiled artifacts, so a contract change
 * cannot drift silently. Pure data: no I/O, usable from the core and from every adapter.
 */

export const jobRouterAbi = [
  // Fault isolation and bandwidth tokens (ADR 0014).
  {
    type: "function",
    name: "isWorkloadSuspended",
    stateMutability: "view",
    inputs: [
      { name: "tenantId", type: "bytes32" },
      { name: "clauseId", type: "bytes32" },
    ],
    outputs: [{ name: "", type: "bool" }],
  },
  {
    type: "function",
    name: "reportFailure",
    stateMutability: "nonpayable",
    inputs: [
      { name: "jobId", type: "bytes32" },
      { name: "reasonCode", type: "bytes32" },
      { name: "suspend", type: "bool" },
    ],
    outputs: [],
  },
  {
    type: "function",
    name: "tenantUsage",
    stateMutability: "view",
    inputs: [{ name: "tenantId", type: "bytes32" }],
    outputs: [
      { name: "quota", type: "uint32" },
      { name: "used", type: "uint32" },
      { name: "epoch", type: "uint64" },
    ],
  },
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
  { type: "function", name: "clauses", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "address" }] },
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
  { type: "function", name: "isActiveAt", stateMutability: "view", inputs: [{ name: "enclaveKey", type: "address" }, { name: "time", type: "uint64" }], outputs: [{ name: "", type: "bool" }] },
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
  { type: "function", name: "teePolicy", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "bytes32" }] },
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

/** The tuple mirrors `IClauseRegistry.ClauseVersion` field for field (including `domain`): decoding a struct
 * with a dynamic member depends on every static field before it. */
export const clauseRegistryViewAbi = [
  {
    type: "function",
    name: "getClause",
    stateMutability: "view",
    inputs: [{ name: "clauseId", type: "bytes32" }],
    outputs: [
      {
        name: "",
        type: "tuple",
        components: [
          { name: "owner", type: "address" },
          { name: "version", type: "uint48" },
          { name: "model", type: "uint8" },
          { name: "quorumK", type: "uint8" },
          { name: "quorumN", type: "uint8" },
          { name: "status", type: "uint8" },
          { name: "priority", type: "uint8" },
          { name: "policyFlags", type: "uint32" },
          { name: "validFrom", type: "uint64" },
          { name: "validUntil", type: "uint64" },
          { name: "codeHash", type: "bytes32" },
          { name: "configDigest", type: "bytes32" },
          { name: "parent", type: "bytes32" },
          { name: "line", type: "bytes32" },
          { name: "domain", type: "bytes32" },
          { name: "jurisdictions", type: "bytes3[]" },
        ],
      },
    ],
  },
  {
    type: "function",
    name: "getZkBinding",
    stateMutability: "view",
    inputs: [{ name: "clauseId", type: "bytes32" }],
    outputs: [
      {
        name: "",
        type: "tuple",
        components: [
          { name: "circuitHash", type: "bytes32" },
          { name: "vkeyHash", type: "bytes32" },
          { name: "verifier", type: "address" },
        ],
      },
    ],
  },
  { type: "error", name: "ClauseRegistryUnknownClause", inputs: [{ name: "clauseId", type: "bytes32" }] },
  { type: "error", name: "ClauseRegistryZkBindingNotSet", inputs: [{ name: "clauseId", type: "bytes32" }] },
] as const;

export const rollupAnchorAbi = [
  { type: "function", name: "batchCommitment", stateMutability: "view", inputs: [{ name: "batchSeq", type: "uint64" }], outputs: [{ name: "", type: "bytes32" }] },
  {
    type: "function",
    name: "config",
    stateMutability: "view",
    inputs: [],
    outputs: [
      { name: "configDigest", type: "bytes32" },
      { name: "configVersion", type: "uint64" },
      { name: "threshold", type: "uint8" },
      { name: "signers", type: "address[]" },
    ],
  },
  {
    type: "function",
    name: "anchor",
    stateMutability: "nonpayable",
    inputs: [
      {
        name: "header",
        type: "tuple",
        components: [
          { name: "batchSeq", type: "uint64" },
          { name: "lastSeq", type: "uint64" },
          { name: "root", type: "bytes32" },
          { name: "bundleHash", type: "bytes32" },
        ],
      },
      { name: "arweaveTxId", type: "bytes32" },
      {
        name: "quorum",
        type: "tuple",
        components: [
          { name: "configVersion", type: "uint64" },
          { name: "threshold", type: "uint8" },
          { name: "signerBitmap", type: "uint256" },
          { name: "packed", type: "bytes" },
        ],
      },
    ],
    outputs: [],
  },
  { type: "function", name: "nodeRegistry", stateMutability: "view", inputs: [], outputs: [{ name: "", type: "address" }] },
  {
    type: "event",
    name: "BatchAnchored",
    inputs: [
      { name: "batchSeq", type: "uint64", indexed: true },
      { name: "root", type: "bytes32", indexed: true },
      { name: "lastSeq", type: "uint64", indexed: false },
      { name: "bundleHash", type: "bytes32", indexed: false },
      { name: "arweaveTxId", type: "bytes32", indexed: false },
      { name: "signerBitmap", type: "uint256", indexed: false },
    ],
  },
  {
    type: "event",
    name: "ConfigSet",
    inputs: [
      { name: "configDigest", type: "bytes32", indexed: true },
      { name: "configVersion", type: "uint64", indexed: false },
      { name: "threshold", type: "uint8", indexed: false },
      { name: "signers", type: "address[]", indexed: false },
    ],
  },
  { type: "error", name: "RollupAnchorBatchAlreadyAnchored", inputs: [{ name: "batchSeq", type: "uint64" }] },
  { type: "error", name: "RollupAnchorPreviousBatchMissing", inputs: [{ name: "batchSeq", type: "uint64" }] },
  { type: "error", name: "RollupAnchorInvalidRange", inputs: [{ name: "firstSeq", type: "uint64" }, { name: "lastSeq", type: "uint64" }] },
  { type: "error", name: "RollupAnchorZeroRoot", inputs: [] },
] as const;

/** `DisputeResolver.openDispute(DisagreementEvidence)` (IDisputeResolver.sol). */
export const openDisputeAbi = [
  {
    type: "function",
    name: "openDispute",
    stateMutability: "nonpayable",
    inputs: [
      {
        name: "evidence",
        type: "tuple",
        components: [
          {
            name: "leafA",
            type: "tuple",
            components: [
              { name: "jobId", type: "bytes32" },
              { name: "resultSeq", type: "uint64" },
              { name: "clauseId", type: "bytes32" },
              { name: "tenantId", type: "bytes32" },
              { name: "inputHash", type: "bytes32" },
              { name: "outputHash", type: "bytes32" },
              { name: "cacSetHash", type: "bytes32" },
            ],
          },
          { name: "outputHashB", type: "bytes32" },
          {
            name: "ctx",
            type: "tuple",
            components: [
              { name: "clauseVersion", type: "uint48" },
              { name: "codeHash", type: "bytes32" },
              { name: "configDigest", type: "bytes32" },
            ],
          },
          { name: "executorA", type: "tuple", components: executorComponents() },
          { name: "executorB", type: "tuple", components: executorComponents() },
          { name: "dao", type: "address" },
          { name: "jurisdiction", type: "bytes3" },
        ],
      },
    ],
    outputs: [],
  },
] as const;

function executorComponents() {
  return [
    { name: "attempt", type: "uint32" },
    { name: "runtimeHash", type: "bytes32" },
    { name: "timestamp", type: "uint64" },
    { name: "r", type: "bytes32" },
    { name: "s", type: "bytes32" },
    { name: "v", type: "uint8" },
  ] as const;
}
