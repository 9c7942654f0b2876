import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Signer } from "ethers";
import { createPublicClient, custom, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createCommon, type Common } from "../../../relayer/common/Common.js";
import { cacFromJson } from "../../../relayer/core/cac/cacJson.js";
import { canonicalJsonHash } from "../../../relayer/core/formats/canonicalJson.js";
import { clauseIdOf, packClauseVersion, parseClauseId } from "../../../relayer/core/formats/clauseRef.js";
import { cacTypedData } from "../../../relayer/core/formats/eip712.js";
import { PolicyFlag, TriggerType } from "../../../relayer/core/formats/enums.js";
import { tenantIdOf } from "../../../relayer/core/formats/ids.js";
import { assembleQuorumProof } from "../../../relayer/core/quorum/quorumProof.js";
import { resolveRelayerConfig, type RelayerConfig, type RelayerConfigInput } from "../../../relayer/config/relayerConfig.js";
import { createRegistryReader } from "../../../relayer/chain/createRegistryReader.js";
import type { DevConnection } from "../../../relayer/devnet/connection.js";
import { devPrivateKey } from "../../../relayer/devnet/devKeys.js";
import { SIMULATED_DEV_MEASUREMENT } from "../../../relayer/devnet/nodes.js";
import { buildJobRequest } from "../../../relayer/executor/client/buildJobRequest.js";
import { createViemChainView } from "../../../relayer/executor/chain/viemChainView.js";
import { createClauseStore } from "../../../relayer/executor/clauseStore/createClauseStore.js";
import { loadBuiltClause } from "../../../relayer/executor/clauseStore/loadBuiltClause.js";
import { createAttestationValidator } from "../../../relayer/executor/enclave/createAttestationValidator.js";
import { createEvidenceVerifierRegistry } from "../../../relayer/executor/enclave/createEvidenceVerifierRegistry.js";
import { createUnsafeDevAttestationRoot } from "../../../relayer/executor/enclave/createUnsafeDevAttestationRoot.js";
import { createUnsafeSimulatedEnclaveRuntime } from "../../../relayer/executor/enclave/createUnsafeSimulatedEnclaveRuntime.js";
import { createUnsafeSimulatedEvidenceVerifier } from "../../../relayer/executor/enclave/createUnsafeSimulatedEvidenceVerifier.js";
import type { EnclaveRuntime } from "../../../relayer/executor/enclave/EnclaveRuntime.js";
import { createJobExecutor } from "../../../relayer/executor/node/createJobExecutor.js";
import { createNodeServer } from "../../../relayer/executor/node/createNodeServer.js";
import { createSandbox } from "../../../relayer/executor/sandbox/createSandbox.js";
import { createDirectoryInputProvider } from "../../../relayer/pipeline/createDirectoryInputProvider.js";
import { createHttpNodeTransport } from "../../../relayer/pipeline/createHttpNodeTransport.js";
import { createPipeline, type Pipeline } from "../../../relayer/pipeline/createPipeline.js";
import { createSchedulerAccount } from "../../../relayer/pipeline/crypto/nativeSchedulerAccount.js";
import type { NodeTransport } from "../../../relayer/pipeline/NodeTransport.js";
import type { ResultSink } from "../../../relayer/core/results/AgreedResult.js";
import { openDatabase } from "../../../relayer/store/openDatabase.js";
import { AttemptStatus, createJobStore, JOB_STORE_MIGRATIONS, type JobStore } from "../../../relayer/store/jobStore.js";
import type { DevPriceFeed } from "../../../typechain-types/index.js";
import { exampleDir } from "../../clauses/exampleClause.js";
import { baseFixture, chainTime, clauseSpec, KEN, UGA, type BaseFixture } from "../../helpers/fixtures.js";

export const FLOOD_ID = "UNDRR::Disaster::FloodPayout@1.0.0";
/** A second clause line whose code no node holds: only ever used where selection fails first. */
export const STRICT_ID = "UNDRR::Disaster::FloodPayoutStrict@1.0.0";
export const SCHEDULER_KEY = devPrivateKey("scheduler", 0);

export type Misbehavior = "malformed" | "wrong-key" | "replay-other-job" | "late";

export type RunningExecutor = {
  enclave: EnclaveRuntime;
  attestationId: Hex;
  jurisdiction: string;
  /** Where the relayer reaches it: the node itself, or a misbehaving proxy in front of it. */
  url: string;
  misbehavior?: Misbehavior;
  close(): Promise<void>;
};

export type RelayerNetworkFixture = BaseFixture & {
  client: PublicClient;
  clauseId: Hex;
  strictClauseId: Hex;
  tenantId: Hex;
  feed: DevPriceFeed;
  feedAddress: Address;
  /** 0..3 honest KEN nodes, 4 an honest UGA node, then misbehaving KEN nodes (registered last, so freshest). */
  executors: RunningExecutor[];
  honest: RunningExecutor[];
  misbehaving: RunningExecutor[];
  /** The store a misbehaving proxy polls to answer "late" (set by the test that uses it). */
  lateStore: { current: JobStore | undefined };
  close(): Promise<void>;
};

type ProxyState = { lastReply?: string };

/** A node in front of a real one: forwards everything, except that `/v1/execute` replies misbehave. */
async function startProxy(target: string, misbehavior: Misbehavior, anchor: { chainId: bigint; address: Address }, lateStore: { current: JobStore | undefined }, state: ProxyState): Promise<{ url: string; server: Server }> {
  const forward = async (req: IncomingMessage, body: string) => {
    const res = await fetch(new URL(req.url ?? "/", target), { method: req.method, headers: { "content-type": "application/json" }, ...(req.method === "POST" ? { body } : {}) });
    return { status: res.status, text: await res.text() };
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      void (async () => {
        const send = (status: number, text: string) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(text);
        };
        if (req.method !== "POST") {
          const r = await forward(req, body);
          return send(r.status, r.text);
        }
        if (misbehavior === "malformed") return send(200, '{"cac": {"schema": "nsf.cac/1", "execution_id": ');
        const r = await forward(req, body);
        if (r.status !== 200) return send(r.status, r.text);
        switch (misbehavior) {
          case "wrong-key": {
            const reply = JSON.parse(r.text) as { cac: unknown; signature: Hex };
            const { cac } = cacFromJson(reply.cac);
            const stranger = privateKeyToAccount(`0x${"5e".repeat(32)}`);
            return send(200, JSON.stringify({ ...reply, signature: await stranger.signTypedData(cacTypedData(anchor, cac)) }));
          }
          case "replay-other-job": {
            const previous = state.lastReply;
            state.lastReply = r.text;
            return send(200, previous ?? r.text);
          }
          case "late": {
            const request = JSON.parse(body) as { token: { jobId: Hex; attempt: number } };
            for (let i = 0; i < 2_000; i++) {
              const store = lateStore.current;
              const attempt = store?.attemptsOf(request.token.jobId).find((a) => a.attempt === request.token.attempt);
              if (attempt && attempt.status !== AttemptStatus.Open) break;
              await new Promise((resolve) => setTimeout(resolve, 10));
            }
            return send(200, r.text);
          }
        }
      })().catch(() => {
        res.writeHead(500);
        res.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * The in-process Hardhat network (fixtures.ts base: contracts, ReliefDAO in KEN, validators, the dev scheduler
 * key) plus: the real flood clause registered by ReliefDAO's timelock (3-of-5, in-country), a strict clause of
 * the second DAO in UGA (3-of-5, in-country), a feed with a sensor trigger, and REAL executor nodes (simulated
 * enclaves, HTTP servers) registered on-chain through attestation validators and NodeRegistry.submitVerdict.
 */
export async function relayerNetworkFixture(connection: DevConnection): Promise<RelayerNetworkFixture> {
  const base = await baseFixture(connection);
  const { network, roles, actors, reliefTimelock, otherDao } = base;
  const common = createCommon({ logLevel: "silent" });
  const client = createPublicClient({ transport: custom(connection.provider) }) as PublicClient;
  const flood = await loadBuiltClause(exampleDir("flood-payout"));

  await (
    await network.contracts.clauseRegistry
      .connect(reliefTimelock)
      .registerClause(clauseSpec(FLOOD_ID, { codeHash: flood.manifest.codeHash, policyFlags: PolicyFlag.InCountry }))
  ).wait();
  await (
    await network.contracts.clauseRegistry
      .connect(otherDao)
      .registerClause(clauseSpec(STRICT_ID, { codeHash: flood.manifest.codeHash, policyFlags: PolicyFlag.InCountry, jurisdictions: [UGA] }))
  ).wait();
  const clauseId = clauseIdOf(FLOOD_ID);
  const feed = (await connection.ethers.deployContract("DevPriceFeed", [1, 800n])) as unknown as DevPriceFeed;
  const feedAddress = (await feed.getAddress()) as Address;
  // Threshold 150.0 mm, staleness 1 h, no cooldown (tests fire it repeatedly), job window 1 h.
  await (await network.contracts.jobRouter.connect(reliefTimelock).registerSensorTrigger(clauseId, KEN, feedAddress, 1500n, true, 3600, 0, 3600)).wait();

  // Attestation: two of the three dev validators, each with its own key and its own checks.
  const devRoot = createUnsafeDevAttestationRoot();
  const verifiers = createEvidenceVerifierRegistry([createUnsafeSimulatedEvidenceVerifier({ trustedDevRoots: [devRoot.address] })]);
  const registry = network.addresses.nodeRegistry;
  const validators = roles.validators.slice(0, roles.validatorThreshold).map((account) =>
    createAttestationValidator({
      common,
      account,
      verifiers,
      policy: { chainId: network.chainId, nodeRegistry: registry, allowedMeasurements: [SIMULATED_DEV_MEASUREMENT], maxEvidenceAgeSeconds: 600n, maxClockSkewSeconds: 60n, verdictValiditySeconds: 86_400n, allowSimulated: true },
      configDigest: async () => (await network.contracts.nodeRegistry.validatorConfig())[0] as Hex,
      now: () => chainTime(connection),
    }),
  );
  const chainView = createViemChainView({ client, clauseRegistry: network.addresses.clauseRegistry, nodeRegistry: registry });
  const sandbox = createSandbox();
  const clauses = createClauseStore([flood]);
  const anchor = { chainId: network.chainId, address: network.addresses.rollupAnchor };
  const lateStore: { current: JobStore | undefined } = { current: undefined };

  async function startExecutor(index: number, jurisdiction: string, operator: Signer, misbehavior?: Misbehavior): Promise<RunningExecutor> {
    const enclave = createUnsafeSimulatedEnclaveRuntime({ common, measurement: SIMULATED_DEV_MEASUREMENT, chainId: network.chainId, nodeRegistry: registry, devRoot, now: chainView.chainTime });
    const nonce = `0x${(index + 1).toString(16).padStart(64, "0")}` as Hex;
    const evidence = await enclave.evidence(nonce);
    const request = { teeType: evidence.teeType, evidence: evidence.raw, nonce, operator: (await operator.getAddress()) as Address, jurisdiction, sovereign: false };
    const signed = await Promise.all(validators.map((v) => v.validate(request)));
    const [, configVersion] = await network.contracts.nodeRegistry.validatorConfig();
    const proof = assembleQuorumProof({
      configVersion,
      threshold: roles.validatorThreshold,
      signers: roles.validators.map((v) => v.address),
      signatures: new Map(signed.map((s) => [s.signer, s.signature])),
    });
    await (await network.contracts.nodeRegistry.connect(operator).submitVerdict(signed[0]!.verdict, proof)).wait();
    const executor = createJobExecutor({ common, chain: chainView, enclave, clauses, sandbox, deployments: { chainId: network.chainId, jobRouter: network.addresses.jobRouter, rollupAnchor: network.addresses.rollupAnchor, nodeRegistry: registry }, attestationId: evidence.attestationId });
    const server = createNodeServer({ common, executor, enclave, clauses, attestationId: evidence.attestationId });
    const { url } = await server.listen(0);
    if (!misbehavior) return { enclave, attestationId: evidence.attestationId, jurisdiction, url, close: () => server.close() };
    const state: ProxyState = {};
    const proxy = await startProxy(url, misbehavior, anchor, lateStore, state);
    if (misbehavior === "replay-other-job") {
      // Warm the replay proxy with a genuine CAC of another job, signed by this node's own enclave key.
      const bundle = { schema: "nsf.inputs/1", job_id: `0x${"4e".repeat(32)}`, trigger: { type: "dao", commitment: `0x${"4f".repeat(32)}` }, values: { rainfall_72h_mm_x10: "1800", insured_households: "10" } };
      const tenantId = tenantIdOf(base.relief.timelockAddress, "KEN");
      const body = await buildJobRequest({
        scheduler: privateKeyToAccount(SCHEDULER_KEY),
        router: { chainId: network.chainId, address: network.addresses.jobRouter },
        token: {
          jobId: bundle.job_id as Hex,
          clauseId,
          clauseVersion: packClauseVersion(parseClauseId(FLOOD_ID)),
          codeHash: flood.manifest.codeHash as Hex,
          tenantId,
          executor: enclave.address,
          attempt: 1,
          inputHash: canonicalJsonHash(bundle),
          triggerType: TriggerType.Dao,
          expiresAt: (await chainTime(connection)) + 600n,
        },
        bundle,
        payloadKey: await enclave.tenantPayloadKey(tenantId),
        nodeRegistry: registry,
      });
      await fetch(new URL("/v1/execute", proxy.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    }
    return {
      enclave,
      attestationId: evidence.attestationId,
      jurisdiction,
      url: proxy.url,
      misbehavior,
      close: async () => {
        await server.close();
        await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
        proxy.server.closeAllConnections();
      },
    };
  }

  const executors: RunningExecutor[] = [];
  const plan: [string, Misbehavior | undefined][] = [
    ["KEN", undefined],
    ["KEN", undefined],
    ["KEN", undefined],
    ["KEN", undefined],
    ["UGA", undefined],
    ["KEN", "late"],
    ["KEN", "replay-other-job"],
    ["KEN", "wrong-key"],
    ["KEN", "malformed"],
  ];
  for (const [i, [jurisdiction, misbehavior]] of plan.entries()) {
    // Registered one by one: each later verdict is fresher, so the misbehaving nodes rank first when listed.
    executors.push(await startExecutor(i, jurisdiction, [...actors.operators, ...actors.voters, actors.stranger][i]!, misbehavior));
  }
  return {
    ...base,
    client,
    clauseId,
    strictClauseId: clauseIdOf(STRICT_ID),
    tenantId: tenantIdOf(base.relief.timelockAddress, "KEN"),
    feed,
    feedAddress,
    executors,
    honest: executors.filter((e) => !e.misbehavior),
    misbehaving: executors.filter((e) => e.misbehavior),
    lateStore,
    async close() {
      await Promise.all(executors.map((e) => e.close()));
      await sandbox.close();
    },
  };
}

export type RelayerUnderTest = { pipeline: Pipeline; store: JobStore; config: RelayerConfig; common: Common; file: string };

/** A relayer (part A) over the fixture's chain: real registry reads, HTTP to the nodes, a database file. */
export async function startRelayer(
  f: RelayerNetworkFixture,
  options: { executors?: RunningExecutor[]; file?: string; sink: ResultSink; transport?: NodeTransport; config?: Partial<RelayerConfigInput>; inputsDir?: string; common?: Common; startBlock?: bigint },
): Promise<RelayerUnderTest> {
  const file = options.file ?? path.join(mkdtempSync(path.join(tmpdir(), "nsf-relayer-")), "relayer.db");
  const startBlock = options.startBlock ?? (await f.client.getBlockNumber({ cacheTime: 0 }));
  const input: RelayerConfigInput = {
    logLevel: "silent",
    chain: { rpcUrl: "http://in-process.invalid", chainId: Number(f.network.chainId), confirmations: 1, finalityDepth: 32, startBlock: startBlock.toString(), rpcRetry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 }, registryCacheMs: 0, chainTimeCacheMs: 0 },
    contracts: {
      jobRouter: f.network.addresses.jobRouter,
      nodeRegistry: f.network.addresses.nodeRegistry,
      clauseRegistry: f.network.addresses.clauseRegistry,
      rollupAnchor: f.network.addresses.rollupAnchor,
      jurisdictionRegistry: f.network.addresses.jurisdictionRegistry,
      disputeResolver: f.network.addresses.disputeResolver,
    },
    nodes: (options.executors ?? f.honest).map((e) => ({ url: e.url, enclaveKey: e.enclave.address })),
    dispatch: { timeoutMs: 15_000, retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 20 } },
    inputs: { directory: options.inputsDir ?? mkdtempSync(path.join(tmpdir(), "nsf-inputs-")), waitSeconds: 600, sensorBindings: [{ clause: FLOOD_ID, answerInput: "rainfall_72h_mm_x10", values: { insured_households: "1200" } }] },
    database: { file },
    ...options.config,
  };
  const config = resolveRelayerConfig(input, { NSF_SCHEDULER_KEY: SCHEDULER_KEY });
  const common = options.common ?? createCommon({ logLevel: "silent" });
  // Group commit, as the benchmark and a busy relayer run it: the crash tests below must hold in this mode.
  const store = createJobStore({ database: openDatabase({ file: config.database.file, migrations: { jobs: JOB_STORE_MIGRATIONS } }), commit: "grouped" });
  const reader = createRegistryReader({
    common,
    client: f.client,
    contracts: config.contracts,
    rpc: { timeoutMs: config.chain.rpcTimeoutMs, retry: config.chain.rpcRetry },
    cacheMs: config.chain.registryCacheMs,
    startBlock: 0n,
  });
  const pipeline = createPipeline({
    common,
    config,
    store,
    client: f.client,
    reader,
    transport: options.transport ?? createHttpNodeTransport(),
    sink: options.sink,
    inputs: createDirectoryInputProvider({ directory: config.inputs.directory, sensorBindings: config.inputs.sensorBindings }),
    scheduler: createSchedulerAccount(config.scheduler.key.reveal()),
  });
  return { pipeline, store, config, common, file };
}

/** Crosses the flood threshold and fires the sensor trigger; returns the job id. */
export async function fireFlood(f: RelayerNetworkFixture, answer = 1875n): Promise<Hex> {
  await (await f.feed.updateAnswer(answer)).wait();
  const receipt = await (await f.network.contracts.jobRouter.fireSensorTrigger(0n)).wait();
  const router = f.network.contracts.jobRouter;
  const fired = receipt!.logs.map((l) => router.interface.parseLog(l)).find((l) => l?.name === "JobRequested")!;
  return (fired.args.jobId as string).toLowerCase() as Hex;
}
