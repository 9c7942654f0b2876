import { getAddress, keccak256, toBytes, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { recoverCacSigner } from "../../core/cac/cacJson.js";
import { canonicalJsonHash } from "../../core/formats/canonicalJson.js";
import { clauseIdOf, packClauseVersion, parseClauseId } from "../../core/formats/clauseRef.js";
import type { JobToken } from "../../core/formats/eip712.js";
import { TriggerType } from "../../core/formats/enums.js";
import { daoTriggerNonce, jobIdOf, tenantIdOf } from "../../core/formats/ids.js";
import { devPrivateKey } from "../../devnet/devKeys.js";
import { buildJobRequest } from "../../executor/client/buildJobRequest.js";
import { createNodeClient } from "../../executor/client/createNodeClient.js";
import { loadBuiltClause } from "../../executor/clauseStore/loadBuiltClause.js";
import type { TenantPayloadKey } from "../../executor/enclave/EnclaveRuntime.js";
import { ExecutorError } from "../../executor/errors/ExecutorError.js";
import { DEV_DEPLOYMENTS } from "../../executor/node/nodeConfig.js";

export type JobSubmitOptions = {
  node: string;
  clause: string;
  set: string[];
  dao: string;
  jurisdiction: string;
  schedulerKey?: string;
  chainId: number;
  jobRouter?: string;
  nodeRegistry?: string;
  ttl: number;
  attempt: number;
};

/**
 * `nsf job submit`: a development scheduler in one command. Builds a DAO-triggered job for a local clause,
 * seals its inputs to the node's certified tenant payload key, signs the token with the (public) dev
 * scheduler key unless another is given, sends it, verifies the CAC signature and prints the reply.
 */
export async function runJobSubmit(options: JobSubmitOptions): Promise<void> {
  const client = createNodeClient({ url: options.node });
  const health = await client.health();
  if (health.status !== 200) throw new ExecutorError("NODE_INTERNAL", `health check answered ${health.status}`);
  const enclaveKey = getAddress(((health.body as { enclave: { address: string } }).enclave.address));

  const { manifest } = await loadBuiltClause(options.clause);
  const values = Object.fromEntries(
    options.set.map((pair) => {
      const at = pair.indexOf("=");
      if (at < 1) throw new ExecutorError("REQUEST_MALFORMED", `--set expects name=value, got ${JSON.stringify(pair)}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  const chainId = BigInt(options.chainId);
  const jobRouter = getAddress(options.jobRouter ?? DEV_DEPLOYMENTS.jobRouter);
  const nodeRegistry = getAddress(options.nodeRegistry ?? DEV_DEPLOYMENTS.nodeRegistry);
  const dao = getAddress(options.dao);
  const daoNonce = keccak256(toBytes(`nsf job submit ${Date.now()} ${Math.random()}`));
  const clauseId = clauseIdOf(manifest.clauseId);
  const jobId = jobIdOf(chainId, jobRouter, clauseId, daoTriggerNonce(dao, daoNonce));
  const bundle = { schema: "nsf.inputs/1", job_id: jobId, trigger: { type: "dao", commitment: daoNonce, dao: dao.toLowerCase() }, values };
  const tenantId = tenantIdOf(dao, options.jurisdiction);
  const token: JobToken = {
    jobId,
    clauseId,
    clauseVersion: packClauseVersion(parseClauseId(manifest.clauseId)),
    codeHash: manifest.codeHash as Hex,
    tenantId,
    executor: enclaveKey,
    attempt: options.attempt,
    inputHash: canonicalJsonHash(bundle),
    triggerType: TriggerType.Dao,
    // Wall clock: right for `nsf node --dev` (its in-memory chain follows it) and close to a live chain's.
    expiresAt: BigInt(Math.floor(Date.now() / 1000) + options.ttl),
  };
  const key = await client.payloadKey(tenantId);
  if (key.status !== 200) throw new ExecutorError("NODE_INTERNAL", `payload key request answered ${key.status}`);
  const scheduler = privateKeyToAccount((options.schedulerKey ?? devPrivateKey("scheduler", 0)) as Hex);
  const body = await buildJobRequest({ scheduler, router: { chainId, address: jobRouter }, token, bundle, payloadKey: key.body as TenantPayloadKey, nodeRegistry });
  const reply = await client.execute(body);
  const result = reply.body as { cac?: unknown; signature?: Hex };
  let verifiedSigner: Address | undefined;
  if (reply.status === 200 && result.cac && result.signature) verifiedSigner = await recoverCacSigner(result.cac, result.signature);
  process.stdout.write(`${JSON.stringify({ status: reply.status, verifiedSigner, reply: reply.body }, null, 2)}\n`);
  if (reply.status !== 200) process.exitCode = 1;
}

