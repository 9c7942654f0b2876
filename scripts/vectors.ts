/**
 * Golden vectors for docs/FORMATS.md: fixed example values and what the TypeScript formats core
 * (relayer/core/formats) computes for them.
 *
 *   npm run vectors        (= sh scripts/with-node22.sh tsx scripts/vectors.ts)
 *
 * writes
 *   test/vectors/formats.json                       the vectors (bigints as decimal strings)
 *   test/solidity/generated/FormatsVectors.sol      the same vectors as a Solidity library
 *
 * test/formats/vectors.test.ts recomputes every output with the TypeScript code and checks that the
 * Solidity file is the rendering of the JSON; test/solidity/Vectors.t.sol checks the same vectors
 * against the Solidity libraries and contracts. Regenerate only when a format changes on purpose.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { domainSeparator, getAddress, keccak256, toBytes, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  AGGREGATOR_ROLE,
  ATTESTATION_VALIDATOR_ROLE,
  AttestationVerdictTypes,
  BatchHeaderTypes,
  CacTypes,
  DomainName,
  DOMAIN_VERSION,
  GENESIS_COMMITMENT,
  JobTokenTypes,
  actionToBytes32,
  batchCommitmentOf,
  batchHeaderDigest,
  cacDigest,
  cacSetHash,
  canonicalJson,
  canonicalJsonHash,
  clauseConfigDigest,
  clauseIdOf,
  clauseLineOf,
  daoTriggerNonce,
  encodeClauseOutput,
  jobIdOf,
  jobTokenDigest,
  jurisdictionToBytes3,
  leafHash,
  outputHashOf,
  packClauseVersion,
  parseClauseId,
  quorumConfigDigest,
  referenceTree,
  runtimeHashOf,
  verdictIdOf,
  sensorInputCommitment,
  sensorTriggerNonce,
  simulationTriggerNonce,
  tenantIdOf,
  verdictDigest,
  type AttestationVerdict,
  type BatchHeader,
  type Cac,
  type ExecutionLeaf,
  type JobToken,
} from "../relayer/core/formats/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const VECTORS_PATH = join(root, "test/vectors/formats.json");
export const SOLIDITY_PATH = join(root, "test/solidity/generated/FormatsVectors.sol");

/** A fixed 32-byte value named by a label, so every input is reproducible and self-describing. */
const h = (label: string): Hex => keccak256(toBytes(`nsf.vectors.${label}`));
/** A fixed address named by a label (checksummed, as Solidity literals require). */
const a = (label: string): Address => getAddress(`0x${h(label).slice(26)}`);

export const CHAIN_ID = 31337n;
export const CONTRACTS = {
  jobRouter: a("JobRouter"),
  rollupAnchor: a("RollupAnchor"),
  nodeRegistry: a("NodeRegistry"),
  clauseRegistry: a("ClauseRegistry"),
} as const;

/** Fixed private keys of the example aggregator and validator quorums, ascending by address. */
function keysByAddress(label: string, n: number): { key: Hex; address: Address }[] {
  return Array.from({ length: n }, (_, i) => {
    const key = h(`${label}.${i}`);
    return { key, address: privateKeyToAccount(key).address };
  }).sort((x, y) => (BigInt(x.address) < BigInt(y.address) ? -1 : 1));
}

const typeString = (types: Record<string, readonly { name: string; type: string }[]>): string => {
  const [[name, fields]] = Object.entries(types) as [[string, readonly { name: string; type: string }[]]];
  return `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(",")})`;
};

export function buildVectors() {
  const anchor = { chainId: CHAIN_ID, address: CONTRACTS.rollupAnchor };

  const clauseIdStrings = [
    "WHO::Health::PandemicAlert@1.0.0",
    "UN::Climate::FloodRelief@2.13.7",
    "WHO::Health::PandemicAlert@1.2.3-KE",
    "Ns_1::D0main::Name_With_32_Characters_xxxxxxxx@65535.0.65535-Fork16Characters",
  ];
  const clauseIds = clauseIdStrings.map((id) => {
    const ref = parseClauseId(id);
    return { id, ...ref, clauseId: clauseIdOf(id), version: packClauseVersion(ref), line: clauseLineOf(ref) };
  });

  const tenants = [
    { dao: a("ReliefDAO.timelock"), jurisdiction: "KEN" },
    { dao: a("ReliefDAO.timelock"), jurisdiction: "UGA" },
    { dao: a("HealthDAO.timelock"), jurisdiction: "KEN" },
  ].map((t) => ({ ...t, jurisdictionBytes3: jurisdictionToBytes3(t.jurisdiction), tenantId: tenantIdOf(t.dao, t.jurisdiction) }));

  const sensorNonces = [
    { feed: a("feed.rainfall"), roundId: 1n },
    { feed: a("feed.rainfall"), roundId: (1n << 80n) - 1n },
  ].map((s) => ({ ...s, nonce: sensorTriggerNonce(s.feed, s.roundId) }));
  const daoNonces = [{ timelock: a("ReliefDAO.timelock"), daoNonce: h("daoNonce.1") }].map((d) => ({
    ...d,
    nonce: daoTriggerNonce(d.timelock, d.daoNonce),
  }));
  const simulationNonces = [{ simulator: a("simulator"), resultCommitment: h("simulation.result") }].map((s) => ({
    ...s,
    nonce: simulationTriggerNonce(s.simulator, s.resultCommitment),
  }));

  const jobIds = [
    { clauseId: clauseIds[0]!.clauseId, triggerNonce: sensorNonces[0]!.nonce },
    { clauseId: clauseIds[1]!.clauseId, triggerNonce: daoNonces[0]!.nonce },
    { clauseId: clauseIds[2]!.clauseId, triggerNonce: simulationNonces[0]!.nonce },
  ].map((j) => ({ chainId: CHAIN_ID, jobRouter: CONTRACTS.jobRouter, ...j, jobId: jobIdOf(CHAIN_ID, CONTRACTS.jobRouter, j.clauseId, j.triggerNonce) }));

  const sensorInputCommitments = [
    { feed: a("feed.rainfall"), roundId: 18446744073709551617n, answer: 1234567890n, updatedAt: 1767225600n },
    { feed: a("feed.temperature"), roundId: 7n, answer: -27315n, updatedAt: 0n },
  ].map((s) => ({ ...s, commitment: sensorInputCommitment(s.feed, s.roundId, s.answer, s.updatedAt) }));

  const runtimeHashes = [
    { teeType: 1, measurement: h("measurement.simulated"), enclaveKey: a("enclave.1"), attestationId: h("attestation.1"), attestedAt: 1767225600n, validUntil: 1767312000n, tcbStatus: "NotApplicable" },
    { teeType: 5, measurement: h("measurement.nitro"), enclaveKey: a("enclave.2"), attestationId: h("attestation.2"), attestedAt: 1767225601n, validUntil: 1767830401n, tcbStatus: "NotApplicable" },
    { teeType: 3, measurement: h("measurement.tdx"), enclaveKey: a("enclave.3"), attestationId: h("attestation.3"), attestedAt: 1767225602n, validUntil: 1767830402n, tcbStatus: "SWHardeningNeeded" },
  ].map(({ attestedAt, validUntil, ...r }) => {
    // The verdict id comes from the registration (docs/FORMATS.md §1); the runtime hash commits to it.
    const verdictId = verdictIdOf({ chainId: CHAIN_ID, nodeRegistry: CONTRACTS.nodeRegistry, enclaveKey: r.enclaveKey, attestationId: r.attestationId, attestedAt, validUntil });
    return { ...r, attestedAt, validUntil, verdictId, runtimeHash: runtimeHashOf({ ...r, verdictId }) };
  });

  const aggregators = keysByAddress("aggregator", 5);
  const validators = keysByAddress("validator", 3);
  const quorumConfigs = [
    { role: "NSF.AGGREGATOR", roleHash: AGGREGATOR_ROLE, verifyingContract: CONTRACTS.rollupAnchor, configVersion: 1n, threshold: 3, signers: aggregators.map((k) => k.address) },
    { role: "NSF.AGGREGATOR", roleHash: AGGREGATOR_ROLE, verifyingContract: CONTRACTS.rollupAnchor, configVersion: 2n, threshold: 3, signers: aggregators.map((k) => k.address) },
    { role: "NSF.ATTESTATION_VALIDATOR", roleHash: ATTESTATION_VALIDATOR_ROLE, verifyingContract: CONTRACTS.nodeRegistry, configVersion: 1n, threshold: 2, signers: validators.map((k) => k.address) },
  ].map((c) => ({ chainId: CHAIN_ID, ...c, digest: quorumConfigDigest({ ...c, chainId: CHAIN_ID, role: c.roleHash }) }));

  const clauseConfigs = [
    { clause: clauseIds[0]!, codeHash: h("wasm.pandemic"), executionModel: 1, quorumK: 3, quorumN: 5, policyFlags: 0 },
    { clause: clauseIds[1]!, codeHash: h("wasm.flood"), executionModel: 0, quorumK: 1, quorumN: 1, policyFlags: 0xdeadbeef },
    { clause: clauseIds[2]!, codeHash: h("wasm.pandemic.ke"), executionModel: 2, quorumK: 2, quorumN: 32, policyFlags: 7 },
  ].map(({ clause, ...c }) => ({
    chainId: CHAIN_ID,
    clauseRegistry: CONTRACTS.clauseRegistry,
    clauseIdString: clause.id,
    clauseId: clause.clauseId,
    ...c,
    digest: clauseConfigDigest({ chainId: CHAIN_ID, clauseRegistry: CONTRACTS.clauseRegistry, clauseId: clause.clauseId, ...c }),
  }));

  const domains = (Object.keys(DomainName) as (keyof typeof DomainName)[]).map((contract) => {
    const verifyingContract = CONTRACTS[`${contract[0]!.toLowerCase()}${contract.slice(1)}` as keyof typeof CONTRACTS];
    const domain = { name: DomainName[contract], version: DOMAIN_VERSION, chainId: Number(CHAIN_ID), verifyingContract };
    return { ...domain, chainId: CHAIN_ID, separator: domainSeparator({ domain }) };
  });

  const typeHashes = [AttestationVerdictTypes, JobTokenTypes, CacTypes, BatchHeaderTypes].map((types) => {
    const type = typeString(types);
    return { primaryType: Object.keys(types)[0]!, type, typeHash: keccak256(toBytes(type)) };
  });

  const verdicts: AttestationVerdict[] = [
    {
      enclaveKey: a("enclave.1"),
      operator: a("operator.1"),
      teeType: 1,
      measurement: h("measurement.simulated"),
      jurisdiction: jurisdictionToBytes3("KEN"),
      sovereign: false,
      debug: false,
      attestationId: h("attestation.1"),
      attestedAt: 1767225600n,
      validUntil: 1767225600n + 86400n,
      configDigest: quorumConfigs[2]!.digest,
    },
    {
      enclaveKey: a("enclave.2"),
      operator: a("operator.2"),
      teeType: 5,
      measurement: h("measurement.nitro"),
      jurisdiction: jurisdictionToBytes3("UGA"),
      sovereign: true,
      debug: true,
      attestationId: h("attestation.2"),
      attestedAt: (1n << 64n) - 2n,
      validUntil: (1n << 64n) - 1n,
      configDigest: h("validator.config.other"),
    },
  ];
  const registry = { chainId: CHAIN_ID, address: CONTRACTS.nodeRegistry };
  const verdictVectors = verdicts.map((message) => ({ message, digest: verdictDigest(registry, message) }));

  const jobTokens: JobToken[] = [
    {
      jobId: jobIds[0]!.jobId,
      clauseId: clauseIds[0]!.clauseId,
      clauseVersion: clauseIds[0]!.version,
      codeHash: h("wasm.pandemic"),
      tenantId: tenants[0]!.tenantId,
      executor: a("enclave.1"),
      attempt: 1,
      inputHash: h("input.1"),
      triggerType: 1,
      expiresAt: 1767229200n,
    },
    {
      jobId: jobIds[1]!.jobId,
      clauseId: clauseIds[3]!.clauseId,
      clauseVersion: clauseIds[3]!.version,
      codeHash: h("wasm.long"),
      tenantId: tenants[2]!.tenantId,
      executor: a("enclave.2"),
      attempt: 0xffffffff,
      inputHash: h("input.2"),
      triggerType: 2,
      expiresAt: (1n << 64n) - 1n,
    },
  ];
  const router = { chainId: CHAIN_ID, address: CONTRACTS.jobRouter };
  const jobTokenVectors = jobTokens.map((message) => ({ message, digest: jobTokenDigest(router, message) }));

  const outputs = [
    { status: 1, action: "Payout:FloodRelief", amounts: [250000000n, 1n] },
    { status: 0, action: "", amounts: [] as bigint[] },
    { status: 3, action: "Revoke:FoodExportVC", amounts: [(1n << 256n) - 1n] },
    { status: 65535, action: "A".repeat(31), amounts: [0n, 2n, 3n] },
  ].map((o) => {
    const encoded = encodeClauseOutput(o);
    return { ...o, actionBytes32: actionToBytes32(o.action), encoded, outputHash: outputHashOf(encoded) };
  });

  const cacs: Cac[] = [0, 1, 2].map((i) => ({
    jobId: jobIds[0]!.jobId,
    clauseId: clauseIds[0]!.clauseId,
    clauseVersion: clauseIds[0]!.version,
    codeHash: clauseConfigs[0]!.codeHash,
    tenantId: tenants[0]!.tenantId,
    attempt: i + 1,
    inputHash: h("input.1"),
    outputHash: outputs[0]!.outputHash,
    runtimeHash: runtimeHashes[i % 2]!.runtimeHash,
    configDigest: clauseConfigs[0]!.digest,
    timestamp: 1767225700n + BigInt(i),
  }));
  const cacVectors = cacs.map((message) => ({ message, digest: cacDigest(anchor, message) }));

  // The agreeing CACs, given in an order that is not ascending by signer: the hash sorts them.
  const cacSetEntries = [
    { signer: a("enclave.c"), cacDigest: cacVectors[0]!.digest },
    { signer: a("enclave.a"), cacDigest: cacVectors[1]!.digest },
    { signer: a("enclave.b"), cacDigest: cacVectors[2]!.digest },
  ];
  const sortedCacDigests = [...cacSetEntries]
    .sort((x, y) => (BigInt(x.signer) < BigInt(y.signer) ? -1 : 1))
    .map((e) => e.cacDigest);
  const cacSets = [{ entries: cacSetEntries, sortedCacDigests, cacSetHash: cacSetHash(cacSetEntries) }];

  const leaves: ExecutionLeaf[] = [0, 1, 2, 3, 4].map((i) => ({
    jobId: i === 0 ? jobIds[0]!.jobId : h(`job.${i}`),
    resultSeq: BigInt(i + 1),
    clauseId: clauseIds[i % 3]!.clauseId,
    tenantId: tenants[i % 3]!.tenantId,
    inputHash: h(`input.${i}`),
    outputHash: outputs[i % 4]!.outputHash,
    cacSetHash: i === 0 ? cacSets[0]!.cacSetHash : h(`cacSet.${i}`),
  }));
  const tree = referenceTree(leaves);
  const merkle = {
    leaves: leaves.map((values, index) => ({ values, leafHash: leafHash(values), proof: tree.getProof(index) as Hex[] })),
    root: tree.root as Hex,
  };

  const batchCommitments = [
    { root: `0x${"00".repeat(32)}` as Hex, lastSeq: 0n },
    { root: merkle.root, lastSeq: 5n },
    { root: h("root.max"), lastSeq: (1n << 64n) - 1n },
  ].map((b) => ({ ...b, commitment: batchCommitmentOf(b.root, b.lastSeq) }));

  // Header 0 is the first batch of an anchor at CONTRACTS.rollupAnchor whose aggregator config is
  // quorumConfigs[0] (version 1): the Solidity test reproduces it on a real RollupAnchor.
  const headers: BatchHeader[] = [
    {
      batchSeq: 1n,
      firstSeq: 1n,
      lastSeq: 5n,
      count: 5n,
      root: merkle.root,
      prevCommitment: GENESIS_COMMITMENT,
      bundleHash: h("bundle.1"),
      configDigest: quorumConfigs[0]!.digest,
    },
    {
      batchSeq: 7n,
      firstSeq: 1001n,
      lastSeq: 2024n,
      count: 1024n,
      root: h("root.7"),
      prevCommitment: batchCommitmentOf(h("root.6"), 1000n),
      bundleHash: h("bundle.7"),
      configDigest: quorumConfigs[1]!.digest,
    },
  ];
  const batchHeaderVectors = headers.map((message) => ({ message, digest: batchHeaderDigest(anchor, message) }));

  const inputBundle = {
    schema: "nsf.inputs/1",
    job_id: jobIds[0]!.jobId,
    trigger: {
      type: "sensor",
      commitment: sensorInputCommitments[0]!.commitment,
      feed: sensorInputCommitments[0]!.feed,
      round_id: sensorInputCommitments[0]!.roundId.toString(),
      answer: sensorInputCommitments[0]!.answer.toString(),
      updated_at: Number(sensorInputCommitments[0]!.updatedAt),
    },
    values: { rainfall_mm: "1234.5", "région": "Nairobi", threshold: "1000" },
  };
  const inputBundles = [{ bundle: inputBundle, canonical: canonicalJson(inputBundle), inputHash: canonicalJsonHash(inputBundle) }];

  return {
    schema: "nsf.formats-vectors/1",
    generator: "scripts/vectors.ts",
    chainId: CHAIN_ID,
    contracts: CONTRACTS,
    keys: { aggregators, validators },
    clauseIds,
    tenants,
    triggerNonces: { sensor: sensorNonces, dao: daoNonces, simulation: simulationNonces },
    jobIds,
    sensorInputCommitments,
    runtimeHashes,
    quorumConfigs,
    clauseConfigs,
    eip712: {
      domains,
      typeHashes,
      attestationVerdicts: verdictVectors,
      jobTokens: jobTokenVectors,
      cacs: cacVectors,
      batchHeaders: batchHeaderVectors,
    },
    outputs,
    cacSets,
    merkle,
    batchCommitments: { genesis: GENESIS_COMMITMENT, vectors: batchCommitments },
    inputBundles,
  };
}

export type Vectors = ReturnType<typeof buildVectors>;

/** JSON with bigints as decimal strings (the form FORMATS.md uses for integers that may exceed 2^53). */
export function vectorsToJson(vectors: unknown): string {
  return `${JSON.stringify(vectors, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value), 2)}\n`;
}

// ------------------------------------------------------------------------------------------ Solidity

/** Anything the JSON holds as a decimal string or a number, as a Solidity integer literal. */
const int = (x: unknown): string => {
  const s = String(x);
  if (!/^-?[0-9]+$/.test(s)) throw new Error(`not an integer: ${s}`);
  return s;
};
const addr = (x: unknown): string => getAddress(String(x));
const b32 = (x: unknown): string => {
  const s = String(x);
  if (!/^0x[0-9a-f]{64}$/.test(s)) throw new Error(`not a bytes32: ${s}`);
  return s;
};
const str = (x: unknown): string => JSON.stringify(String(x)); // ASCII only in these vectors
const hexBytes = (x: unknown): string => `hex"${String(x).slice(2)}"`;
const bool = (x: unknown): string => (x ? "true" : "false");

type Json = Record<string, any>;

function arrayFn(name: string, struct: string, items: Json[], render: (item: Json, i: number) => string[]): string[] {
  const out = [`    function ${name}() internal pure returns (${struct}[] memory v) {`, `        v = new ${struct}[](${items.length});`];
  items.forEach((item, i) => out.push(...render(item, i).map((line) => `        ${line}`)));
  out.push("    }", "");
  return out;
}

function uintArray(name: string, values: unknown[]): string[] {
  return [`uint256[] memory ${name} = new uint256[](${values.length});`, ...values.map((x, j) => `${name}[${j}] = ${int(x)};`)];
}

function bytes32Array(name: string, values: unknown[]): string[] {
  return [`bytes32[] memory ${name} = new bytes32[](${values.length});`, ...values.map((x, j) => `${name}[${j}] = ${b32(x)};`)];
}

function addressArray(name: string, values: unknown[]): string[] {
  return [`address[] memory ${name} = new address[](${values.length});`, ...values.map((x, j) => `${name}[${j}] = ${addr(x)};`)];
}

/** Renders the vectors (in their JSON form) as a Solidity library. Pure: the vectors test re-renders and compares. */
export function renderSolidity(v: Json): string {
  const out: string[] = [
    "// SPDX-License-Identifier: Apache-2.0",
    "// GENERATED by scripts/vectors.ts from test/vectors/formats.json: do not edit, run `npm run vectors`.",
    "pragma solidity 0.8.28;",
    "",
    "/// @notice The golden vectors of docs/FORMATS.md (test/vectors/formats.json) as Solidity values.",
    "library FormatsVectors {",
    `    uint256 internal constant CHAIN_ID = ${int(v.chainId)};`,
    `    address internal constant JOB_ROUTER = ${addr(v.contracts.jobRouter)};`,
    `    address internal constant ROLLUP_ANCHOR = ${addr(v.contracts.rollupAnchor)};`,
    `    address internal constant NODE_REGISTRY = ${addr(v.contracts.nodeRegistry)};`,
    `    address internal constant CLAUSE_REGISTRY = ${addr(v.contracts.clauseRegistry)};`,
    `    bytes32 internal constant GENESIS_COMMITMENT = ${b32(v.batchCommitments.genesis)};`,
    `    bytes32 internal constant MERKLE_ROOT = ${b32(v.merkle.root)};`,
    "",
    "    struct ClauseIdVector { string id; string namespace_; string domain; string name; uint16 major; uint16 minor; uint16 patch; string fork; bytes32 clauseId; uint48 version; bytes32 line; }",
    "    struct TenantVector { address dao; bytes3 jurisdiction; bytes32 tenantId; }",
    "    struct SensorNonceVector { address feed; uint80 roundId; bytes32 nonce; }",
    "    struct DaoNonceVector { address timelock; bytes32 daoNonce; bytes32 nonce; }",
    "    struct SimulationNonceVector { address simulator; bytes32 resultCommitment; bytes32 nonce; }",
    "    struct JobIdVector { uint256 chainId; address jobRouter; bytes32 clauseId; bytes32 triggerNonce; bytes32 jobId; }",
    "    struct SensorCommitmentVector { address feed; uint80 roundId; int256 answer; uint256 updatedAt; bytes32 commitment; }",
    "    struct RuntimeHashVector { uint8 teeType; bytes32 measurement; address enclaveKey; bytes32 attestationId; bytes32 verdictId; string tcbStatus; bytes32 runtimeHash; }",
    "    struct QuorumConfigVector { uint256 chainId; address verifyingContract; bytes32 role; uint64 configVersion; uint8 threshold; address[] signers; bytes32 digest; }",
    "    struct ClauseConfigVector { uint256 chainId; address clauseRegistry; string clauseIdString; bytes32 clauseId; bytes32 codeHash; uint8 executionModel; uint8 quorumK; uint8 quorumN; uint32 policyFlags; bytes32 digest; }",
    "    struct DomainVector { string name; uint256 chainId; address verifyingContract; bytes32 separator; }",
    "    struct TypeHashVector { string primaryType; string typeString; bytes32 typeHash; }",
    "    struct VerdictVector { address enclaveKey; address operator; uint8 teeType; bytes32 measurement; bytes3 jurisdiction; bool sovereign; bool debug; bytes32 attestationId; uint64 attestedAt; uint64 validUntil; bytes32 configDigest; bytes32 digest; }",
    "    struct JobTokenVector { bytes32 jobId; bytes32 clauseId; uint48 clauseVersion; bytes32 codeHash; bytes32 tenantId; address executor; uint32 attempt; bytes32 inputHash; uint8 triggerType; uint64 expiresAt; bytes32 digest; }",
    "    struct CacVector { bytes32 jobId; bytes32 clauseId; uint48 clauseVersion; bytes32 codeHash; bytes32 tenantId; uint32 attempt; bytes32 inputHash; bytes32 outputHash; bytes32 runtimeHash; bytes32 configDigest; uint64 timestamp; bytes32 digest; }",
    "    struct BatchHeaderVector { uint64 batchSeq; uint64 firstSeq; uint64 lastSeq; uint64 count; bytes32 root; bytes32 prevCommitment; bytes32 bundleHash; bytes32 configDigest; bytes32 digest; }",
    "    struct OutputVector { uint16 status; bytes32 action; uint256[] amounts; bytes encoded; bytes32 outputHash; }",
    "    struct CacSetVector { bytes32[] sortedCacDigests; bytes32 cacSetHash; }",
    "    struct LeafVector { bytes32 jobId; uint64 resultSeq; bytes32 clauseId; bytes32 tenantId; bytes32 inputHash; bytes32 outputHash; bytes32 cacSetHash; bytes32 leafHash; bytes32[] proof; }",
    "    struct CommitmentVector { bytes32 root; uint64 lastSeq; bytes32 commitment; }",
    "",
  ];

  out.push(
    "    /// @dev The example aggregator quorum's private keys (test keys derived from public labels), ascending by address.",
    `    function aggregatorKeys() internal pure returns (uint256[] memory keys) {`,
    ...uintArray("k", v.keys.aggregators.map((k: Json) => BigInt(k.key).toString())).map((l) => `        ${l}`),
    "        keys = k;",
    "    }",
    "",
    ...arrayFn("clauseIds", "ClauseIdVector", v.clauseIds, (c, i) => [
      `v[${i}] = ClauseIdVector({id: ${str(c.id)}, namespace_: ${str(c.namespace)}, domain: ${str(c.domain)}, name: ${str(c.name)}, major: ${int(c.major)}, minor: ${int(c.minor)}, patch: ${int(c.patch)}, fork: ${str(c.fork)}, clauseId: ${b32(c.clauseId)}, version: ${int(c.version)}, line: ${b32(c.line)}});`,
    ]),
    ...arrayFn("tenants", "TenantVector", v.tenants, (t, i) => [
      `v[${i}] = TenantVector({dao: ${addr(t.dao)}, jurisdiction: bytes3(${t.jurisdictionBytes3}), tenantId: ${b32(t.tenantId)}});`,
    ]),
    ...arrayFn("sensorNonces", "SensorNonceVector", v.triggerNonces.sensor, (s, i) => [
      `v[${i}] = SensorNonceVector({feed: ${addr(s.feed)}, roundId: ${int(s.roundId)}, nonce: ${b32(s.nonce)}});`,
    ]),
    ...arrayFn("daoNonces", "DaoNonceVector", v.triggerNonces.dao, (d, i) => [
      `v[${i}] = DaoNonceVector({timelock: ${addr(d.timelock)}, daoNonce: ${b32(d.daoNonce)}, nonce: ${b32(d.nonce)}});`,
    ]),
    ...arrayFn("simulationNonces", "SimulationNonceVector", v.triggerNonces.simulation, (s, i) => [
      `v[${i}] = SimulationNonceVector({simulator: ${addr(s.simulator)}, resultCommitment: ${b32(s.resultCommitment)}, nonce: ${b32(s.nonce)}});`,
    ]),
    ...arrayFn("jobIds", "JobIdVector", v.jobIds, (j, i) => [
      `v[${i}] = JobIdVector({chainId: ${int(j.chainId)}, jobRouter: ${addr(j.jobRouter)}, clauseId: ${b32(j.clauseId)}, triggerNonce: ${b32(j.triggerNonce)}, jobId: ${b32(j.jobId)}});`,
    ]),
    ...arrayFn("sensorCommitments", "SensorCommitmentVector", v.sensorInputCommitments, (s, i) => [
      `v[${i}] = SensorCommitmentVector({feed: ${addr(s.feed)}, roundId: ${int(s.roundId)}, answer: ${int(s.answer)}, updatedAt: ${int(s.updatedAt)}, commitment: ${b32(s.commitment)}});`,
    ]),
    ...arrayFn("runtimeHashes", "RuntimeHashVector", v.runtimeHashes, (r, i) => [
      `v[${i}] = RuntimeHashVector({teeType: ${int(r.teeType)}, measurement: ${b32(r.measurement)}, enclaveKey: ${addr(r.enclaveKey)}, attestationId: ${b32(r.attestationId)}, verdictId: ${b32(r.verdictId)}, tcbStatus: ${JSON.stringify(r.tcbStatus)}, runtimeHash: ${b32(r.runtimeHash)}});`,
    ]),
    ...arrayFn("quorumConfigs", "QuorumConfigVector", v.quorumConfigs, (q, i) => [
      ...addressArray(`signers${i}`, q.signers),
      `v[${i}] = QuorumConfigVector({chainId: ${int(q.chainId)}, verifyingContract: ${addr(q.verifyingContract)}, role: keccak256(${str(q.role)}), configVersion: ${int(q.configVersion)}, threshold: ${int(q.threshold)}, signers: signers${i}, digest: ${b32(q.digest)}});`,
    ]),
    ...arrayFn("clauseConfigs", "ClauseConfigVector", v.clauseConfigs, (c, i) => [
      `v[${i}] = ClauseConfigVector({chainId: ${int(c.chainId)}, clauseRegistry: ${addr(c.clauseRegistry)}, clauseIdString: ${str(c.clauseIdString)}, clauseId: ${b32(c.clauseId)}, codeHash: ${b32(c.codeHash)}, executionModel: ${int(c.executionModel)}, quorumK: ${int(c.quorumK)}, quorumN: ${int(c.quorumN)}, policyFlags: ${int(c.policyFlags)}, digest: ${b32(c.digest)}});`,
    ]),
    ...arrayFn("domains", "DomainVector", v.eip712.domains, (d, i) => [
      `v[${i}] = DomainVector({name: ${str(d.name)}, chainId: ${int(d.chainId)}, verifyingContract: ${addr(d.verifyingContract)}, separator: ${b32(d.separator)}});`,
    ]),
    ...arrayFn("typeHashes", "TypeHashVector", v.eip712.typeHashes, (t, i) => [
      `v[${i}] = TypeHashVector({primaryType: ${str(t.primaryType)}, typeString: ${str(t.type)}, typeHash: ${b32(t.typeHash)}});`,
    ]),
    ...arrayFn("verdicts", "VerdictVector", v.eip712.attestationVerdicts, ({ message: m, digest }, i) => [
      `v[${i}] = VerdictVector({enclaveKey: ${addr(m.enclaveKey)}, operator: ${addr(m.operator)}, teeType: ${int(m.teeType)}, measurement: ${b32(m.measurement)}, jurisdiction: bytes3(${m.jurisdiction}), sovereign: ${bool(m.sovereign)}, debug: ${bool(m.debug)}, attestationId: ${b32(m.attestationId)}, attestedAt: ${int(m.attestedAt)}, validUntil: ${int(m.validUntil)}, configDigest: ${b32(m.configDigest)}, digest: ${b32(digest)}});`,
    ]),
    ...arrayFn("jobTokens", "JobTokenVector", v.eip712.jobTokens, ({ message: m, digest }, i) => [
      `v[${i}] = JobTokenVector({jobId: ${b32(m.jobId)}, clauseId: ${b32(m.clauseId)}, clauseVersion: ${int(m.clauseVersion)}, codeHash: ${b32(m.codeHash)}, tenantId: ${b32(m.tenantId)}, executor: ${addr(m.executor)}, attempt: ${int(m.attempt)}, inputHash: ${b32(m.inputHash)}, triggerType: ${int(m.triggerType)}, expiresAt: ${int(m.expiresAt)}, digest: ${b32(digest)}});`,
    ]),
    ...arrayFn("cacs", "CacVector", v.eip712.cacs, ({ message: m, digest }, i) => [
      `v[${i}] = CacVector({jobId: ${b32(m.jobId)}, clauseId: ${b32(m.clauseId)}, clauseVersion: ${int(m.clauseVersion)}, codeHash: ${b32(m.codeHash)}, tenantId: ${b32(m.tenantId)}, attempt: ${int(m.attempt)}, inputHash: ${b32(m.inputHash)}, outputHash: ${b32(m.outputHash)}, runtimeHash: ${b32(m.runtimeHash)}, configDigest: ${b32(m.configDigest)}, timestamp: ${int(m.timestamp)}, digest: ${b32(digest)}});`,
    ]),
    ...arrayFn("batchHeaders", "BatchHeaderVector", v.eip712.batchHeaders, ({ message: m, digest }, i) => [
      `v[${i}] = BatchHeaderVector({batchSeq: ${int(m.batchSeq)}, firstSeq: ${int(m.firstSeq)}, lastSeq: ${int(m.lastSeq)}, count: ${int(m.count)}, root: ${b32(m.root)}, prevCommitment: ${b32(m.prevCommitment)}, bundleHash: ${b32(m.bundleHash)}, configDigest: ${b32(m.configDigest)}, digest: ${b32(digest)}});`,
    ]),
    ...arrayFn("outputs", "OutputVector", v.outputs, (o, i) => [
      ...uintArray(`amounts${i}`, o.amounts),
      `v[${i}] = OutputVector({status: ${int(o.status)}, action: ${b32(o.actionBytes32)}, amounts: amounts${i}, encoded: ${hexBytes(o.encoded)}, outputHash: ${b32(o.outputHash)}});`,
    ]),
    ...arrayFn("cacSets", "CacSetVector", v.cacSets, (c, i) => [
      ...bytes32Array(`digests${i}`, c.sortedCacDigests),
      `v[${i}] = CacSetVector({sortedCacDigests: digests${i}, cacSetHash: ${b32(c.cacSetHash)}});`,
    ]),
    ...arrayFn("leaves", "LeafVector", v.merkle.leaves, ({ values: l, leafHash, proof }, i) => [
      ...bytes32Array(`proof${i}`, proof),
      `v[${i}] = LeafVector({jobId: ${b32(l.jobId)}, resultSeq: ${int(l.resultSeq)}, clauseId: ${b32(l.clauseId)}, tenantId: ${b32(l.tenantId)}, inputHash: ${b32(l.inputHash)}, outputHash: ${b32(l.outputHash)}, cacSetHash: ${b32(l.cacSetHash)}, leafHash: ${b32(leafHash)}, proof: proof${i}});`,
    ]),
    ...arrayFn("batchCommitments", "CommitmentVector", v.batchCommitments.vectors, (c, i) => [
      `v[${i}] = CommitmentVector({root: ${b32(c.root)}, lastSeq: ${int(c.lastSeq)}, commitment: ${b32(c.commitment)}});`,
    ]),
  );
  out.pop(); // no blank line before the closing brace
  out.push("}", "");
  return out.join("\n");
}

function main(): void {
  const json = vectorsToJson(buildVectors());
  mkdirSync(dirname(VECTORS_PATH), { recursive: true });
  mkdirSync(dirname(SOLIDITY_PATH), { recursive: true });
  writeFileSync(VECTORS_PATH, json);
  writeFileSync(SOLIDITY_PATH, renderSolidity(JSON.parse(json)));
  console.log(`wrote ${VECTORS_PATH}\nwrote ${SOLIDITY_PATH}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
