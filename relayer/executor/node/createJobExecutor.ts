import { getAddress, type Address, type Hex } from "viem";
import type { Logger } from "pino";
import type { Common } from "../../common/Common.js";
import { buildCacJson, type CacJson } from "../../core/cac/cacJson.js";
import { canonicalJsonHash } from "../../core/formats/canonicalJson.js";
import { createCacDigester } from "../../core/batching/cacDigestFast.js";
import { bytesToHexFast, hexToBytesFast, type Keccak } from "../../core/batching/hashing.js";
import { createJobTokenDigester } from "../../core/batching/jobTokenDigestFast.js";
import type { RecoverSigner } from "../../core/batching/recoverSigner.js";
import type { Cac, JobToken } from "../../core/formats/eip712.js";
import { createRecoverSigner } from "../../crypto/nativeRecoverSigner.js";
import { ClauseStatus, ExecutionModel, TeeType } from "../../core/formats/enums.js";
import { runtimeHashOf, verdictIdOf } from "../../core/formats/ids.js";
import { SIMULATED_TCB_STATUS, type RuntimeTcbStatus } from "../../core/formats/teeRuntime.js";
import { encodeClauseOutput, outputHashOf } from "../../core/formats/output.js";
import { checkClauseOutput } from "../../clauses/checkClauseOutput.js";
import { clauseInputParser } from "../../clauses/clauseInputs.js";
import type { ChainView } from "../chain/ChainView.js";
import type { ClauseStore } from "../clauseStore/createClauseStore.js";
import type { EnclaveRuntime } from "../enclave/EnclaveRuntime.js";
import { ExecutorError } from "../errors/ExecutorError.js";
import { CLAUSE_ABI } from "../sandbox/clauseAbi.js";
import type { Sandbox } from "../sandbox/createSandbox.js";
import { parseInputBundle } from "./inputBundle.js";
import { parseJobRequest } from "./jobRequest.js";
import type { ZkCircuit } from "../../zk/loadZkCircuit.js";
import type { ZkProofEnvelope } from "../../core/zk/zkProofEnvelope.js";

export type ExecutorDeployments = {
  chainId: bigint;
  /** Verifying contract of JobToken signatures. */
  jobRouter: Address;
  /** Verifying contract of CAC signatures. */
  rollupAnchor: Address;
  /** Holds this node's registration; its verdict id (docs/FORMATS.md §1) names it. */
  nodeRegistry: Address;
};

export type JobExecutorParameters = {
  common: Common;
  chain: ChainView;
  enclave: EnclaveRuntime;
  clauses: ClauseStore;
  sandbox: Sandbox;
  deployments: ExecutorDeployments;
  /** The attestation id NodeRegistry holds for this enclave key; it goes into every CAC's runtimeHash. */
  attestationId: Hex;
  /**
   * The TCB status the attestation validators accepted for this node's evidence (their assessment), signed into
   * every CAC's runtime hash. Default for the simulated backend: NotApplicable; hardware backends must pass it.
   */
  tcbStatus?: RuntimeTcbStatus;
  maxPayloadBytes?: number;
  /**
   * keccak-256 for the job token and CAC digests; default pure JS (@noble). The node's composition root passes
   * the WASM one (`loadFastKeccak`), about 6× faster on these inputs.
   */
  keccak?: Keccak;
  /** Token signature recovery; default libsecp256k1 where its prebuild loads, @noble otherwise (same results). */
  recoverSigner?: RecoverSigner;
  /** Circuits this node can prove with (zk clause versions, ADR 0016); found by the registered circuit and key hashes. */
  zkCircuits?: readonly ZkCircuit[];
};

export type ExecuteResult = { cac: CacJson; signature: Hex; digest: Hex; signer: Address };

export type JobExecutor = {
  /** Verifies, decrypts, runs and signs one job. Throws `ExecutorError` and then has executed and signed nothing. */
  execute(body: unknown): Promise<ExecuteResult>;
};

export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;
const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

const TRIGGER_NAMES = ["dao", "sensor", "simulation"] as const;

/**
 * The executor's pipeline, transport-free (the HTTP server and the benchmark both call it):
 * token (shape, addressee, scheduler signature, chain-time expiry) → registered clause (active, version,
 * code hash) → payload (tenant key, input bundle bound to the token) → metered run → CAC signed by the
 * enclave key. Every step that can refuse does so before anything is executed or signed.
 *
 * Tenant separation: every job log line carries `tenant`; a failure reply is built only from this
 * request and public chain data; the payload opens only under the token's own tenant key.
 */
export function createJobExecutor(parameters: JobExecutorParameters): JobExecutor {
  const { chain, enclave, clauses, sandbox, deployments, attestationId } = parameters;
  const maxPayloadBytes = parameters.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  const logger = parameters.common.logger.child({ component: "executor" });
  const router = { chainId: deployments.chainId, address: deployments.jobRouter };
  const anchor = { chainId: deployments.chainId, address: deployments.rollupAnchor };
  if (parameters.tcbStatus === undefined && !enclave.simulated) throw new ExecutorError("CONFIG_INVALID", "a hardware enclave needs the TCB status its validators accepted");
  const tcbStatus = parameters.tcbStatus ?? SIMULATED_TCB_STATUS;
  /** The runtime facts of the registration in force, recomputed only when NodeRegistry's record changes. */
  let runtime: { key: string; verdictId: Hex; runtimeHash: Hex } | undefined;
  async function currentRuntime(): Promise<{ verdictId: Hex; runtimeHash: Hex }> {
    const r = await chain.getRegistration(enclave.address);
    // Without its registration the node cannot name the verdict it runs under. Whether the key is active at the
    // CAC's time stays the relayer's and the contracts' judgement (they read the same record).
    if (!r) throw new ExecutorError("NODE_NOT_REGISTERED", `${enclave.address} is not in NodeRegistry`);
    if (r.measurement !== enclave.measurement.toLowerCase() || r.attestationId !== attestationId.toLowerCase() || r.teeType !== enclave.teeType) {
      throw new ExecutorError("NODE_NOT_REGISTERED", `NodeRegistry holds TEE type ${r.teeType}, measurement ${r.measurement}, attestation ${r.attestationId}`);
    }
    const key = `${r.attestationId}:${r.attestedAt}:${r.attestedUntil}`;
    if (runtime?.key !== key) {
      const verdictId = verdictIdOf({ chainId: deployments.chainId, nodeRegistry: deployments.nodeRegistry, enclaveKey: enclave.address, attestationId, attestedAt: r.attestedAt, validUntil: r.attestedUntil });
      runtime = { key, verdictId, runtimeHash: runtimeHashOf({ teeType: enclave.teeType, measurement: enclave.measurement, enclaveKey: enclave.address, attestationId, verdictId, tcbStatus }) };
    }
    return runtime;
  }
  // Fixed-layout EIP-712 digests (equal to viem's hashTypedData, tested) and native recovery: the node's hot path.
  const tokenDigest = createJobTokenDigester(router, parameters.keccak);
  const cacDigest = createCacDigester(anchor, parameters.keccak);
  const recover = parameters.recoverSigner ?? createRecoverSigner(parameters.keccak);
  // One input parser per served clause module (the schema is built once); bounded like the sandbox's module cache.
  const inputParsers = new Map<object, (values: unknown) => bigint[]>();
  const inputParserOf = (stored: { manifest: Parameters<typeof clauseInputParser>[0] }) => {
    let parser = inputParsers.get(stored.manifest);
    if (!parser) {
      parser = clauseInputParser(stored.manifest);
      if (inputParsers.size >= 256) inputParsers.delete(inputParsers.keys().next().value!);
      inputParsers.set(stored.manifest, parser);
    }
    return parser;
  };

  async function run(body: unknown, setLogger: (l: Logger) => void): Promise<ExecuteResult> {
    const request = parseJobRequest(body, { maxPayloadBytes });
    const { token } = request;
    const log = logger.child({ tenant: token.tenantId, job: token.jobId, attempt: token.attempt });
    setLogger(log);

    // Cheapest refusals first: nothing below costs a signature recovery or an RPC for a misdirected token.
    if (token.executor !== enclave.address) throw new ExecutorError("TOKEN_WRONG_EXECUTOR", `token executor ${token.executor}, this node is ${enclave.address}`);
    const scheduler = await recoverScheduler(token, request.signature);
    if (!(await chain.isScheduler(scheduler))) throw new ExecutorError("TOKEN_SIGNER_NOT_SCHEDULER", `signer ${scheduler}`);
    const now = await chain.chainTime();
    // `expiresAt` is the last valid second (chain time).
    if (now > token.expiresAt) throw new ExecutorError("TOKEN_EXPIRED", `expiresAt ${token.expiresAt}, chain time ${now}`);

    const registered = await chain.getClause(token.clauseId);
    if (!registered) throw new ExecutorError("CLAUSE_NOT_REGISTERED", `clause ${token.clauseId}`);
    if (registered.status !== ClauseStatus.Active) throw new ExecutorError("CLAUSE_NOT_ACTIVE", `clause ${token.clauseId} has status ${registered.status}`);
    if (registered.version !== token.clauseVersion) {
      throw new ExecutorError("CLAUSE_VERSION_MISMATCH", `registered ${registered.version}, token ${token.clauseVersion}`);
    }
    if (registered.codeHash.toLowerCase() !== token.codeHash) {
      throw new ExecutorError("CODE_HASH_MISMATCH", `registered ${registered.codeHash.toLowerCase()}, token ${token.codeHash}`);
    }
    const stored = clauses.get(token.clauseId);
    if (!stored || stored.codeHash !== token.codeHash) throw new ExecutorError("CLAUSE_CODE_UNAVAILABLE", `code hash ${token.codeHash}`);
    const prepared = sandbox.prepare(stored.codeHash, stored.wasm);

    const plaintext = await enclave.decrypt(token.tenantId, request.payload);
    const { bundle, json } = parseInputBundle(plaintext);
    if (bundle.job_id !== token.jobId) throw new ExecutorError("INPUT_JOB_MISMATCH", "the bundle's job_id differs from the token's jobId");
    if (bundle.trigger.type !== TRIGGER_NAMES[token.triggerType]) throw new ExecutorError("INPUT_JOB_MISMATCH", "the bundle's trigger type differs from the token's");
    const inputHash = canonicalJsonHash(json, parameters.keccak);
    if (inputHash !== token.inputHash) throw new ExecutorError("INPUT_HASH_MISMATCH", `bundle hashes to ${inputHash}, token says ${token.inputHash}`);
    const inputs = inputParserOf(stored)(bundle.values);

    const { verdictId, runtimeHash } = await currentRuntime();
    const stepLimit = BigInt(stored.manifest.limits.steps);
    const { output, stepsUsed } = await sandbox.run(prepared, inputs, stepLimit);
    checkClauseOutput(stored.manifest, output);
    const encodedOutput = encodeClauseOutput(output);
    // A zk version proves the same run; its CAC then carries the proof and never the inputs (FORMATS §11.3).
    let zk: ZkProofEnvelope | undefined;
    if (registered.model === ExecutionModel.Zk) {
      // Loaded on the first zk job: snarkjs (and its web-worker shim, which misfires when merely imported inside a
      // worker thread) stays out of nodes and executor threads that never prove.
      const { proveZkExecution } = await import("./proveZkExecution.js");
      zk = await proveZkExecution(parameters.zkCircuits ?? [], {
        registered,
        manifest: stored.manifest,
        inputs,
        salt: bundle.salt,
        clauseIdHash: token.clauseId,
        jobId: token.jobId,
        encodedOutput,
      });
    }

    const cac: Cac = {
      jobId: token.jobId,
      clauseId: token.clauseId,
      clauseVersion: token.clauseVersion,
      codeHash: token.codeHash,
      tenantId: token.tenantId,
      attempt: token.attempt,
      inputHash,
      outputHash: outputHashOf(encodedOutput, parameters.keccak),
      runtimeHash,
      configDigest: registered.configDigest.toLowerCase() as Hex,
      timestamp: now,
    };
    const cacJson = buildCacJson(
      {
        clauseId: stored.manifest.clauseId,
        cac,
        anchor,
        triggerType: token.triggerType,
        triggerCommitment: bundle.trigger.commitment as Hex,
        inputBundle: json,
        ...(zk ? { zk } : {}),
        encodedOutput,
        runtime: {
          teeType: enclave.teeType,
          simulated: enclave.simulated,
          measurement: enclave.measurement,
          enclaveKey: enclave.address,
          attestationId,
          verdictId,
          tcbStatus,
        },
        sandbox: { abi: CLAUSE_ABI, stepLimit, stepsUsed, memoryPages: stored.manifest.limits.memoryPages },
      },
      { cacDigest: bytesToHexFast(cacDigest(cac)) },
    );
    const signature = await enclave.signCac(anchor, cac);
    log.debug({ clause: stored.manifest.clauseId, outputHash: cac.outputHash, status: output.status, stepsUsed: Number(stepsUsed) }, "job executed, CAC signed");
    return { cac: cacJson, signature, digest: cacJson.hash_graph.cac_digest as Hex, signer: enclave.address };
  }

  async function recoverScheduler(token: JobToken, signature: Hex): Promise<Address> {
    // docs/FORMATS.md §4: 65 bytes, v in {27, 28}, low s. A malleated twin of a valid signature is refused.
    const s = BigInt(`0x${signature.slice(66, 130)}`);
    const v = Number.parseInt(signature.slice(130, 132), 16);
    if ((v !== 27 && v !== 28) || s > SECP256K1_HALF_N) throw new ExecutorError("TOKEN_SIGNATURE_INVALID", "v must be 27 or 28 and s low");
    let signer: Uint8Array | undefined;
    try {
      signer = recover(tokenDigest(token), hexToBytesFast(signature));
    } catch (cause) {
      throw new ExecutorError("TOKEN_SIGNATURE_INVALID", "the signature does not recover", { cause });
    }
    if (!signer) throw new ExecutorError("TOKEN_SIGNATURE_INVALID", "the signature does not recover");
    return getAddress(bytesToHexFast(signer));
  }

  return {
    async execute(body) {
      // Until the token parses there is no tenant to tag: `tenant: null` marks those lines explicitly.
      let log: Logger = logger.child({ tenant: null });
      const started = process.hrtime.bigint();
      try {
        return await run(body, (l) => {
          log = l;
        });
      } catch (error) {
        const refusal = error instanceof ExecutorError ? error : new ExecutorError("NODE_INTERNAL", "unexpected failure", { cause: error });
        const level = refusal.kind === "NODE_INTERNAL" ? "error" : "warn";
        const fields = { code: refusal.code, details: refusal.details, ms: Number(process.hrtime.bigint() - started) / 1e6 };
        log[level](refusal.kind === "NODE_INTERNAL" ? { ...fields, err: error } : fields, "job refused; no CAC signed");
        throw refusal;
      }
    },
  };
}
