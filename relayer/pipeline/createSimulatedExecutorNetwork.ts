import { getAddress, toBytes, type Address, type Hex } from "viem";
import type { Common } from "../common/Common.js";
import { loadFastKeccak } from "../crypto/loadFastKeccak.js";
import { createInMemoryRegistryReader, type InMemoryRegistryReader } from "../chain/createInMemoryRegistryReader.js";
import { clauseIdOf, packClauseVersion, parseClauseId } from "../core/formats/clauseRef.js";
import { clauseConfigDigest } from "../core/formats/configDigest.js";
import { ClauseStatus, ExecutionModel, PriorityClass, TeeType } from "../core/formats/enums.js";
import { jurisdictionToBytes3, sha256Of } from "../core/formats/ids.js";
import type { ClauseFacts, NodeFacts } from "../core/scheduling/types.js";
import { NodeStatus } from "../core/scheduling/types.js";
import type { BuiltClauseManifest } from "../clauses/clauseManifest.js";
import { createInMemoryChainView, type InMemoryChainView } from "../executor/chain/createInMemoryChainView.js";
import { createClauseStore } from "../executor/clauseStore/createClauseStore.js";
import { createUnsafeDevAttestationRoot } from "../executor/enclave/createUnsafeDevAttestationRoot.js";
import { createUnsafeSimulatedEnclaveRuntime } from "../executor/enclave/createUnsafeSimulatedEnclaveRuntime.js";
import type { EnclaveRuntime } from "../executor/enclave/EnclaveRuntime.js";
import { createJobExecutor, type JobExecutor } from "../executor/node/createJobExecutor.js";
import { createSandbox, type Sandbox } from "../executor/sandbox/createSandbox.js";
import type { NodeEndpoint } from "./NodeTransport.js";

/** The simulated measurement the fake network's enclaves report (and its registry allowlists). */
export const SIMULATED_NETWORK_MEASUREMENT: Hex = sha256Of(toBytes("NSF simulated executor network (UNSAFE FOR PRODUCTION)"));

export type SimulatedExecutor = {
  enclave: EnclaveRuntime;
  executor: JobExecutor;
  attestationId: Hex;
  facts: NodeFacts;
  endpoint: NodeEndpoint;
};

export type SimulatedExecutorNetwork = {
  chainId: bigint;
  deployments: { jobRouter: Address; rollupAnchor: Address; nodeRegistry: Address; clauseRegistry: Address; jurisdictionRegistry: Address };
  /** What the executors read (ClauseRegistry / NodeRegistry facts they check). */
  chainView: InMemoryChainView;
  /** What the relayer reads (the same facts, from the relayer's side). */
  reader: InMemoryRegistryReader;
  clause: ClauseFacts & { ref: string; manifest: BuiltClauseManifest };
  /** `clause` and every alias, as registered. */
  clauses: (ClauseFacts & { ref: string; manifest: BuiltClauseManifest })[];
  executors: SimulatedExecutor[];
  sandbox: Sandbox;
  /** Moves chain time for both sides (executors and relayer). */
  setChainTime(seconds: bigint): void;
};

/**
 * Tells a relayer-side registry reader what the simulated network's chain says: the clause, the scheduler key,
 * the simulated measurement and TEE type allowlisted, the DAO's tenancies, and each executor node. Used by
 * `createSimulatedExecutorNetwork` and by the threaded variant, whose executors live in worker threads.
 */
export function registerSimulatedNetwork(
  reader: InMemoryRegistryReader,
  network: { clause: ClauseFacts; scheduler: Address; dao: Address; tenantJurisdictions: readonly string[]; nodes: readonly NodeFacts[] },
): void {
  reader.setClause(network.clause);
  reader.setScheduler(network.scheduler, true);
  reader.setMeasurementAllowed(SIMULATED_NETWORK_MEASUREMENT, true);
  reader.setTeeTypeAllowed(TeeType.Simulated, true);
  for (const j of network.tenantJurisdictions) reader.setTenant(network.dao, jurisdictionToBytes3(j), true);
  for (const node of network.nodes) reader.setNode(node);
}

/**
 * A fake network for tests and the pipeline benchmark: `count` executor nodes with SIMULATED enclaves (UNSAFE
 * FOR PRODUCTION), each running the real job executor (token and payload checks, metered WASM, CAC signing),
 * over an in-memory chain; and an in-memory registry reader that tells the relayer the same facts. Nothing
 * leaves the process; `scheduler` is registered on the fake NodeRegistry.
 */
export async function createSimulatedExecutorNetwork(parameters: {
  common: Common;
  clause: { manifest: BuiltClauseManifest; wasm: Uint8Array };
  scheduler: Address;
  /** One ISO alpha-3 code per executor. */
  jurisdictions: readonly string[];
  quorum: { k: number; n: number };
  policyFlags?: number;
  /** DAO timelock owning the clause, and the tenants it is admitted in. */
  dao: Address;
  tenantJurisdictions: readonly string[];
  chainTime?: bigint;
  /** The clause's priority class (default disaster). */
  priority?: number;
  /**
   * The same module registered again under other clause ids with their own priority class: mixed-priority
   * workloads for QoS tests and benchmarks without more WASM (two clause lines may share code).
   */
  aliases?: readonly { clause: string; priority: number; owner?: Address; tenantJurisdictions?: readonly string[] }[];
}): Promise<SimulatedExecutorNetwork> {
  const chainId = 31337n;
  const deployments = {
    jobRouter: getAddress("0x000000000000000000000000000000000000a001"),
    rollupAnchor: getAddress("0x000000000000000000000000000000000000a002"),
    nodeRegistry: getAddress("0x000000000000000000000000000000000000a003"),
    clauseRegistry: getAddress("0x000000000000000000000000000000000000a004"),
    jurisdictionRegistry: getAddress("0x000000000000000000000000000000000000a005"),
  };
  const now = parameters.chainTime ?? 1_750_000_000n;
  const chainView = createInMemoryChainView({ chainTime: now });
  const reader = createInMemoryRegistryReader({ chainTime: now });
  const { wasm } = parameters.clause;
  const model = parameters.quorum.k === 1 && parameters.quorum.n === 1 ? ExecutionModel.Single : ExecutionModel.Quorum;
  const policyFlags = parameters.policyFlags ?? 0;
  const register = (manifest: BuiltClauseManifest, priority: number, owner = parameters.dao, tenantJurisdictions = parameters.tenantJurisdictions): SimulatedExecutorNetwork["clause"] => {
    const clauseId = clauseIdOf(manifest.clauseId);
    const codeHash = manifest.codeHash.toLowerCase() as Hex;
    const configDigest = clauseConfigDigest({ chainId, clauseRegistry: deployments.clauseRegistry, clauseId, codeHash, executionModel: model, quorumK: parameters.quorum.k, quorumN: parameters.quorum.n, policyFlags });
    const version = packClauseVersion(parseClauseId(manifest.clauseId));
    const facts: SimulatedExecutorNetwork["clause"] = {
      clauseId,
      owner: getAddress(owner),
      version,
      model,
      quorumK: parameters.quorum.k,
      quorumN: parameters.quorum.n,
      status: ClauseStatus.Active,
      priority,
      policyFlags,
      validFrom: 0n,
      validUntil: 0n,
      codeHash,
      configDigest,
      jurisdictions: tenantJurisdictions.map((j) => jurisdictionToBytes3(j).toLowerCase() as Hex),
      ref: manifest.clauseId,
      manifest,
    };
    chainView.setClause(clauseId, { codeHash, configDigest, version, status: ClauseStatus.Active });
    registerSimulatedNetwork(reader, { clause: facts, scheduler: parameters.scheduler, dao: owner, tenantJurisdictions, nodes: [] });
    return facts;
  };
  const clause = register(parameters.clause.manifest, parameters.priority ?? PriorityClass.Disaster);
  const aliases = (parameters.aliases ?? []).map((a) => register({ ...parameters.clause.manifest, clauseId: a.clause }, a.priority, a.owner, a.tenantJurisdictions));
  chainView.setScheduler(parameters.scheduler, true);

  const keccak = await loadFastKeccak();
  const devRoot = createUnsafeDevAttestationRoot();
  const sandbox = createSandbox();
  const clauses = createClauseStore([clause, ...aliases].map((c) => ({ manifest: c.manifest, wasm })));
  const executors: SimulatedExecutor[] = [];
  for (const [i, jurisdiction] of parameters.jurisdictions.entries()) {
    const enclave = createUnsafeSimulatedEnclaveRuntime({ common: parameters.common, measurement: SIMULATED_NETWORK_MEASUREMENT, chainId, nodeRegistry: deployments.nodeRegistry, devRoot, now: chainView.chainTime, keccak });
    const { attestationId } = await enclave.evidence(`0x${(i + 1).toString(16).padStart(64, "0")}`);
    const executor = createJobExecutor({
      common: parameters.common,
      chain: chainView,
      enclave,
      clauses,
      sandbox,
      deployments: { chainId, jobRouter: deployments.jobRouter, rollupAnchor: deployments.rollupAnchor, nodeRegistry: deployments.nodeRegistry },
      attestationId,
      keccak,
    });
    const facts: NodeFacts = {
      enclaveKey: enclave.address,
      operator: getAddress(`0x${(0x0ff0000 + i).toString(16).padStart(40, "0")}`),
      status: NodeStatus.Active,
      teeType: enclave.teeType,
      jurisdiction: jurisdictionToBytes3(jurisdiction).toLowerCase() as Hex,
      sovereign: false,
      attestedAt: now - 60n,
      attestedUntil: now + 7n * 86_400n,
      activeSince: now - 60n,
      measurement: SIMULATED_NETWORK_MEASUREMENT,
      attestationId,
    };
    reader.setNode(facts);
    chainView.setRegistration(enclave.address, facts);
    executors.push({ enclave, executor, attestationId, facts, endpoint: { enclaveKey: enclave.address, url: `inprocess://node-${i}` } });
  }
  return {
    chainId,
    deployments,
    chainView,
    reader,
    clause,
    clauses: [clause, ...aliases],
    executors,
    sandbox,
    setChainTime(seconds) {
      chainView.setChainTime(seconds);
      reader.setChainTime(seconds);
    },
  };
}
