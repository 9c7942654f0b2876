import { Writable } from "node:stream";
import { bytesToHex, toBytes, type Address, type Hex, type LocalAccount } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createCommon, type Common } from "../../../relayer/common/Common.js";
import { canonicalJson, canonicalJsonHash } from "../../../relayer/core/formats/canonicalJson.js";
import { clauseIdOf, packClauseVersion, parseClauseId } from "../../../relayer/core/formats/clauseRef.js";
import { clauseConfigDigest } from "../../../relayer/core/formats/configDigest.js";
import { jobTokenTypedData, type JobToken } from "../../../relayer/core/formats/eip712.js";
import { ClauseStatus, ExecutionModel, TriggerType } from "../../../relayer/core/formats/enums.js";
import { jobIdOf, sensorInputCommitment, sensorTriggerNonce, sha256Of, tenantIdOf, verdictIdOf } from "../../../relayer/core/formats/ids.js";
import type { NodeRegistration } from "../../../relayer/executor/chain/ChainView.js";
import type { BuiltClauseManifest } from "../../../relayer/clauses/clauseManifest.js";
import { buildJobRequest } from "../../../relayer/executor/client/buildJobRequest.js";
import { createInMemoryChainView, type InMemoryChainView } from "../../../relayer/executor/chain/createInMemoryChainView.js";
import { createClauseStore } from "../../../relayer/executor/clauseStore/createClauseStore.js";
import { loadBuiltClause } from "../../../relayer/executor/clauseStore/loadBuiltClause.js";
import { createUnsafeDevAttestationRoot } from "../../../relayer/executor/enclave/createUnsafeDevAttestationRoot.js";
import { createUnsafeSimulatedEnclaveRuntime } from "../../../relayer/executor/enclave/createUnsafeSimulatedEnclaveRuntime.js";
import { sealPayload } from "../../../relayer/executor/enclave/tenantPayloadKeys.js";
import type { EnclaveRuntime } from "../../../relayer/executor/enclave/EnclaveRuntime.js";
import { createJobExecutor, type JobExecutor } from "../../../relayer/executor/node/createJobExecutor.js";
import { jobTokenFromJson, jobTokenToJson, type JobTokenJson } from "../../../relayer/executor/node/jobRequest.js";
import { createSandbox, type Sandbox } from "../../../relayer/executor/sandbox/createSandbox.js";
import { EXAMPLES, exampleDir } from "../../clauses/exampleClause.js";
import type { ZkCircuit } from "../../../relayer/zk/loadZkCircuit.js";
import { abiModule, HOSTILE, i32Const, OUTPUT_AT } from "../wasmFixtures.js";

export const CHAIN_ID = 31337n;
export const DEPLOYMENTS = {
  chainId: CHAIN_ID,
  jobRouter: "0x00000000000000000000000000000000000a0001" as Address,
  rollupAnchor: "0x00000000000000000000000000000000000a0002" as Address,
  nodeRegistry: "0x00000000000000000000000000000000000a0003" as Address,
  clauseRegistry: "0x00000000000000000000000000000000000a0004" as Address,
};
export const MEASUREMENT = sha256Of(toBytes("NSF test enclave"));
export const DAO_A = "0x00000000000000000000000000000000000da0a0" as Address;
export const DAO_B = "0x00000000000000000000000000000000000da0b0" as Address;
export const TENANT_A = tenantIdOf(DAO_A, "KEN");
export const TENANT_B = tenantIdOf(DAO_B, "IDN");
const FEED = "0x00000000000000000000000000000000000feed0" as Address;

/** Hand-assembled hostile clauses registered like real ones, so the node meets them through the normal path. */
export const HOSTILE_CLAUSES = {
  loop: { id: "TEST::Hostile::InfiniteLoop@1.0.0", wasm: HOSTILE.infiniteLoop() },
  bomb: { id: "TEST::Hostile::MemoryBomb@1.0.0", wasm: HOSTILE.memoryBomb() },
  invalid: { id: "TEST::Hostile::NotWasm@1.0.0", wasm: HOSTILE.garbage() },
  float: { id: "TEST::Hostile::Float@1.0.0", wasm: HOSTILE.float() },
  noop: { id: "TEST::Benign::Noop@1.0.0", wasm: abiModule(i32Const(OUTPUT_AT)) },
} as const;

function hostileManifest(id: string, wasm: Uint8Array): BuiltClauseManifest {
  const ref = parseClauseId(id);
  return {
    schema: "nsf.clause-manifest/1",
    clauseId: id,
    version: `${ref.major}.${ref.minor}.${ref.patch}`,
    name: ref.name.toLowerCase(),
    description: "test fixture",
    abi: "nsf-clause/1",
    entry: "assembly/index.ts",
    limits: { steps: 100_000, memoryPages: 1 },
    parameters: {},
    inputs: [],
    outputs: { statuses: [0], actions: [""], amounts: [] },
    wasm: `${ref.name.toLowerCase()}.wasm`,
    codeHash: sha256Of(wasm),
  };
}

/** Log lines as parsed JSON objects, captured from pino. */
export function captureLogs(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  let buffer = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      buffer += chunk.toString();
      let index;
      while ((index = buffer.indexOf("\n")) !== -1) {
        lines.push(JSON.parse(buffer.slice(0, index)));
        buffer = buffer.slice(index + 1);
      }
      done();
    },
  });
  return { lines, stream };
}

export type JobOptions = {
  clause?: string;
  values?: Record<string, string>;
  tenant?: Hex;
  /** Seal the payload with this tenant's key instead of the token's. */
  sealForTenant?: Hex;
  roundId?: bigint;
  attempt?: number;
  scheduler?: LocalAccount;
  token?: Partial<JobToken>;
  /** Change the bundle after the token's inputHash was computed. */
  mutateBundle?: (bundle: Record<string, unknown>) => void;
  /** The bundle's zk commitment salt (decimal), for zk clause versions. */
  salt?: string;
};

export type NodeFixture = {
  common: Common;
  logs: Record<string, unknown>[];
  chain: InMemoryChainView;
  enclave: EnclaveRuntime & { signCalls: number };
  sandbox: Sandbox;
  executor: JobExecutor;
  scheduler: LocalAccount;
  attestationId: Hex;
  /** The registration the in-memory NodeRegistry holds for the enclave, and its verdict id (docs/FORMATS.md §1). */
  registration: NodeRegistration;
  verdictId: Hex;
  manifests: Map<string, BuiltClauseManifest>;
  job(options?: JobOptions): Promise<{ body: Record<string, unknown>; token: JobToken; bundle: Record<string, unknown> }>;
  /** Changes token fields of a built request and signs it again with the registered scheduler. */
  resign(body: Record<string, unknown>, patch: Partial<JobToken>): Promise<Record<string, unknown>>;
};

/** One executor node on an in-memory chain with the four examples and the hostile fixtures registered. */
export async function createNodeFixture(options: { sandbox?: Sandbox; zkCircuits?: readonly ZkCircuit[] } = {}): Promise<NodeFixture> {
  const { lines, stream } = captureLogs();
  const common = createCommon({ logLevel: "debug", destination: stream });
  const chain = createInMemoryChainView({ chainTime: 1_750_000_000n });
  const devRoot = createUnsafeDevAttestationRoot();
  const simulated = createUnsafeSimulatedEnclaveRuntime({
    common,
    measurement: MEASUREMENT,
    chainId: CHAIN_ID,
    nodeRegistry: DEPLOYMENTS.nodeRegistry,
    devRoot,
    now: chain.chainTime,
  });
  // Counts signatures: "nothing signed" is asserted, not assumed.
  const enclave = Object.assign(Object.create(simulated) as EnclaveRuntime, { signCalls: 0 });
  enclave.signCac = async (anchor, cac) => {
    enclave.signCalls++;
    return simulated.signCac(anchor, cac);
  };
  const { attestationId } = await simulated.evidence(`0x${"01".repeat(32)}`);
  const registration: NodeRegistration = { status: 1, teeType: simulated.teeType, measurement: MEASUREMENT.toLowerCase() as Hex, attestationId, attestedAt: 1_749_999_900n, attestedUntil: 1_750_086_400n };
  chain.setRegistration(simulated.address, registration);
  const verdictId = verdictIdOf({ chainId: CHAIN_ID, nodeRegistry: DEPLOYMENTS.nodeRegistry, enclaveKey: simulated.address, attestationId, attestedAt: registration.attestedAt, validUntil: registration.attestedUntil });

  const entries: { manifest: BuiltClauseManifest; wasm: Uint8Array }[] = [];
  for (const name of EXAMPLES) entries.push(await loadBuiltClause(exampleDir(name)));
  for (const { id, wasm } of Object.values(HOSTILE_CLAUSES)) entries.push({ manifest: hostileManifest(id, wasm), wasm });
  // Each zk circuit's clause version runs its WASM twin (the example of the same decision) under the zk clause id.
  const zkVersions = new Map<string, ZkCircuit>();
  for (const circuit of options.zkCircuits ?? []) {
    const twin = entries.find((e) => e.manifest.clauseId === circuit.spec.clauseId.replace("Zk@", "@"))!;
    entries.push({ manifest: { ...twin.manifest, clauseId: circuit.spec.clauseId }, wasm: twin.wasm });
    zkVersions.set(circuit.spec.clauseId, circuit);
  }
  for (const { manifest } of entries) {
    const clauseId = clauseIdOf(manifest.clauseId);
    const zk = zkVersions.get(manifest.clauseId);
    chain.setClause(clauseId, {
      ...(zk ? { model: ExecutionModel.Zk, zkBinding: { circuitHash: zk.manifest.circuit_hash, vkeyHash: zk.manifest.vkey_hash, verifier: DEPLOYMENTS.clauseRegistry } } : {}),
      codeHash: manifest.codeHash as Hex,
      configDigest: clauseConfigDigest({
        chainId: CHAIN_ID,
        clauseRegistry: DEPLOYMENTS.clauseRegistry,
        clauseId,
        codeHash: manifest.codeHash as Hex,
        executionModel: zk ? ExecutionModel.Zk : ExecutionModel.Single,
        quorumK: 1,
        quorumN: 1,
        policyFlags: 0,
      }),
      version: packClauseVersion(parseClauseId(manifest.clauseId)),
      status: ClauseStatus.Active,
    });
  }
  const scheduler = privateKeyToAccount(generatePrivateKey());
  chain.setScheduler(scheduler.address, true);
  const sandbox = options.sandbox ?? createSandbox();
  const executor = createJobExecutor({
    common,
    chain,
    enclave,
    clauses: createClauseStore(entries),
    sandbox,
    deployments: DEPLOYMENTS,
    attestationId,
    ...(options.zkCircuits ? { zkCircuits: options.zkCircuits } : {}),
  });
  const manifests = new Map(entries.map((e) => [e.manifest.clauseId, e.manifest]));
  const router = { chainId: CHAIN_ID, address: DEPLOYMENTS.jobRouter };

  return {
    common,
    logs: lines,
    chain,
    enclave,
    sandbox,
    executor,
    scheduler,
    attestationId,
    registration,
    verdictId,
    manifests,
    async job(o = {}) {
      const clause = o.clause ?? "UNDRR::Disaster::FloodPayout@1.0.0";
      const manifest = manifests.get(clause)!;
      const roundId = o.roundId ?? 42n;
      const clauseId = clauseIdOf(clause);
      const jobId = jobIdOf(CHAIN_ID, DEPLOYMENTS.jobRouter, clauseId, sensorTriggerNonce(FEED, roundId));
      const values = o.values ?? (manifest.inputs.length ? { rainfall_72h_mm_x10: "1800", insured_households: "1200" } : {});
      const rainfall = values.rainfall_72h_mm_x10 ?? "0";
      const answer = /^[0-9]+$/.test(rainfall) ? BigInt(rainfall) : 0n;
      const bundle: Record<string, unknown> = {
        schema: "nsf.inputs/1",
        job_id: jobId,
        trigger: {
          type: "sensor",
          commitment: sensorInputCommitment(FEED, roundId, answer, 1_749_999_000n),
          feed: FEED,
          round_id: roundId.toString(),
          answer: answer.toString(),
          updated_at: 1_749_999_000,
        },
        values,
        ...(o.salt !== undefined ? { salt: o.salt } : {}),
      };
      const tenant = o.tenant ?? TENANT_A;
      const token: JobToken = {
        jobId,
        clauseId,
        clauseVersion: packClauseVersion(parseClauseId(clause)),
        codeHash: manifest.codeHash as Hex,
        tenantId: tenant,
        executor: enclave.address,
        attempt: o.attempt ?? 1,
        inputHash: canonicalJsonHash(bundle),
        triggerType: TriggerType.Sensor,
        expiresAt: (await chain.chainTime()) + 600n,
        ...o.token,
      };
      o.mutateBundle?.(bundle);
      const request = await buildJobRequest({
        scheduler: o.scheduler ?? scheduler,
        router,
        token,
        bundle,
        payloadKey: await enclave.tenantPayloadKey(tenant),
        nodeRegistry: DEPLOYMENTS.nodeRegistry,
      });
      const body = o.sealForTenant
        ? // The same bundle sealed with another tenant's key: a scheduler mix-up or a cross-tenant replay.
          { ...request, payload: bytesToHex(sealPayload((await enclave.tenantPayloadKey(o.sealForTenant)).publicKey, toBytes(canonicalJson(bundle)))) }
        : request;
      return { body: body as unknown as Record<string, unknown>, token, bundle };
    },
    async resign(body, patch) {
      const token = { ...jobTokenFromJson(body.token as JobTokenJson), ...patch };
      return { ...body, token: jobTokenToJson(token), signature: await scheduler.signTypedData(jobTokenTypedData(router, token)) };
    },
  };
}
