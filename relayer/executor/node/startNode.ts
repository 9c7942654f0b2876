import { resolve } from "node:path";
import { bytesToHex, createPublicClient, http, type Hex } from "viem";
import type { Common } from "../../common/Common.js";
import { packClauseVersion, parseClauseId } from "../../core/formats/clauseRef.js";
import { clauseConfigDigest } from "../../core/formats/configDigest.js";
import { ClauseStatus, ExecutionModel } from "../../core/formats/enums.js";
import type { ChainView } from "../chain/ChainView.js";
import { createInMemoryChainView, type InMemoryChainView } from "../chain/createInMemoryChainView.js";
import { createViemChainView } from "../chain/viemChainView.js";
import { createClauseStore, type ClauseStore } from "../clauseStore/createClauseStore.js";
import { loadBuiltClause } from "../clauseStore/loadBuiltClause.js";
import { zkTwinEntry } from "../clauseStore/zkTwinEntry.js";
import { loadZkCircuit } from "../../zk/loadZkCircuit.js";
import { createUnsafeDevAttestationRoot } from "../enclave/createUnsafeDevAttestationRoot.js";
import { loadFastKeccak } from "../../crypto/loadFastKeccak.js";
import { createUnsafeSimulatedEnclaveRuntime } from "../enclave/createUnsafeSimulatedEnclaveRuntime.js";
import type { EnclaveRuntime } from "../enclave/EnclaveRuntime.js";
import { ExecutorError } from "../errors/ExecutorError.js";
import { createSandbox } from "../sandbox/createSandbox.js";
import { createWorkerRunner } from "../sandbox/createWorkerRunner.js";
import { createJobExecutor } from "./createJobExecutor.js";
import { createNodeServer } from "./createNodeServer.js";
import type { NodeConfig } from "./nodeConfig.js";

export type RunningNode = {
  url: string;
  enclave: EnclaveRuntime;
  attestationId: Hex;
  /** The start-up evidence (hex), for registration through the attestation validators. */
  evidence: Hex;
  close(): Promise<void>;
};

/** The composition root of `nsf node`: wires config into services, starts the HTTP API. */
export async function startNode({ config, common }: { config: NodeConfig; common: Common }): Promise<RunningNode> {
  const logger = common.logger.child({ component: "node" });
  const entries = await Promise.all(config.clauses.map((dir) => loadBuiltClause(resolve(dir))));
  const zkCircuits = config.zkClauses.map((z) => loadZkCircuit(z.circuit));
  for (const [i, z] of config.zkClauses.entries()) entries.push(zkTwinEntry(zkCircuits[i]!.spec, await loadBuiltClause(resolve(z.twin))));
  const clauses = createClauseStore(entries);

  const { chain, chainId, devChain } = await connectChain(config, clauses);
  // WASM keccak for the per-job EIP-712 digests (token recovery, CAC signing); one instance, used synchronously.
  const keccak = await loadFastKeccak();
  const enclave = createUnsafeSimulatedEnclaveRuntime({
    common,
    measurement: config.tee.measurement,
    chainId,
    nodeRegistry: config.deployments.nodeRegistry,
    devRoot: createUnsafeDevAttestationRoot({ privateKey: config.tee.devRootKey }),
    now: () => chain.chainTime(),
    keccak,
  });
  const evidence = await enclave.evidence(config.attestation.nonce);
  const attestationId = config.attestation.attestationId ?? evidence.attestationId;
  if (devChain) {
    // DEVELOPMENT: no validators and no NodeRegistry; the node registers itself for a day so its CACs name a verdict.
    const now = await devChain.chainTime();
    devChain.setRegistration(enclave.address, { status: 1, teeType: enclave.teeType, measurement: enclave.measurement.toLowerCase() as Hex, attestationId, attestedAt: now, attestedUntil: now + 86_400n });
  }

  const sandbox = createSandbox({ runner: createWorkerRunner({ timeoutMs: config.sandbox.wallClockMs, poolSize: config.sandbox.workers }) });
  for (const stored of clauses.list()) {
    // Fail early and loudly on a local module the sandbox refuses; jobs for it will get the same typed error.
    try {
      sandbox.prepare(stored.codeHash, stored.wasm);
    } catch (error) {
      logger.error({ clause: stored.manifest.clauseId, code: error instanceof ExecutorError ? error.code : undefined }, "local clause module refused by the sandbox");
    }
  }
  const executor = createJobExecutor({
    common,
    chain,
    enclave,
    clauses,
    sandbox,
    deployments: { chainId, jobRouter: config.deployments.jobRouter, rollupAnchor: config.deployments.rollupAnchor, nodeRegistry: config.deployments.nodeRegistry },
    attestationId,
    maxPayloadBytes: config.maxPayloadBytes,
    keccak,
    zkCircuits,
  });
  const server = createNodeServer({ common, executor, enclave, clauses, attestationId, maxBodyBytes: 2 * config.maxPayloadBytes + 16 * 1024 });
  const { url } = await server.listen(config.port, config.host);
  logger.info(
    {
      url,
      chain: config.chain.mode,
      chainId: chainId.toString(),
      enclaveKey: enclave.address,
      teeType: enclave.teeType,
      simulated: enclave.simulated,
      attestationId,
      clauses: clauses.list().map((c) => c.manifest.clauseId),
    },
    "executor node listening",
  );
  return {
    url,
    enclave,
    attestationId,
    evidence: bytesToHex(evidence.raw),
    async close() {
      await server.close();
      await sandbox.close();
      logger.info("executor node stopped");
    },
  };
}

async function connectChain(config: NodeConfig, clauses: ClauseStore): Promise<{ chain: ChainView; chainId: bigint; devChain?: InMemoryChainView }> {
  if (config.chain.mode === "rpc") {
    const client = createPublicClient({ transport: http(config.chain.rpcUrl) });
    let chainId: bigint;
    try {
      chainId = BigInt(await client.getChainId());
    } catch (cause) {
      throw new ExecutorError("CHAIN_UNAVAILABLE", `eth_chainId at ${config.chain.rpcUrl}`, { cause });
    }
    const chain = createViemChainView({ client, clauseRegistry: config.deployments.clauseRegistry, nodeRegistry: config.deployments.nodeRegistry });
    return { chain, chainId };
  }
  // DEVELOPMENT: every local clause registered, active, single-executor; time follows the wall clock.
  const chainId = config.chain.chainId;
  const chain = createInMemoryChainView({ clock: () => BigInt(Math.floor(Date.now() / 1000)), schedulers: config.chain.schedulers });
  for (const stored of clauses.list()) {
    chain.setClause(stored.clauseId, {
      codeHash: stored.codeHash,
      configDigest: clauseConfigDigest({
        chainId,
        clauseRegistry: config.deployments.clauseRegistry,
        clauseId: stored.clauseId,
        codeHash: stored.codeHash,
        executionModel: ExecutionModel.Single,
        quorumK: 1,
        quorumN: 1,
        policyFlags: 0,
      }),
      version: packClauseVersion(parseClauseId(stored.manifest.clauseId)),
      status: ClauseStatus.Active,
    });
  }
  return { chain, chainId, devChain: chain };
}
