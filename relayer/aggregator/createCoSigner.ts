import { getAddress, keccak256, type Address, type Hex, type LocalAccount } from "viem";
import type { Common } from "../common/Common.js";
import { BatchBundleSchema, bundleHashOf, type BatchBundle, type BundleResult } from "../core/batching/batchBundle.js";
import { BatchCheckError, type BatchCheck } from "../core/batching/BatchCheckError.js";
import { buildBatchTree, processProof } from "../core/batching/batchTree.js";
import { fastLeafHash } from "../core/batching/executionLeaf.js";
import { nobleKeccak, type Keccak } from "../core/batching/hashing.js";
import { createNobleRecoverSigner, recoverAddressWith, type RecoverSigner } from "../core/batching/recoverSigner.js";
import { lastSeqOfCommitment } from "../core/batching/resultSequence.js";
import { cacFromJson } from "../core/cac/cacJson.js";
import { ExecutionModel } from "../core/formats/enums.js";
import { ZkError } from "../core/zk/ZkError.js";
import { createZkCacVerifier, type ZkCacVerifier } from "../zk/verifyZkCac.js";
import { canonicalJsonHash } from "../core/formats/canonicalJson.js";
import { clauseIdOf } from "../core/formats/clauseRef.js";
import { batchHeaderTypedData, type BatchHeader, type Deployment } from "../core/formats/eip712.js";
import { jurisdictionToBytes3, tenantIdOf, verdictIdOf } from "../core/formats/ids.js";
import { runtimeMismatch } from "../core/cac/runtimeMismatch.js";
import { batchCommitmentOf, cacSetHash, type ExecutionLeaf } from "../core/formats/leaf.js";
import type { CoSignerRecords } from "../store/batchStore.js";
import type { AnchorReader, ClauseFacts } from "./anchorReader.js";

/** What a batcher hands a co-signer: the header to sign and the bundle it commits to (docs/FORMATS.md §12). */
export type BatchProposal = { header: BatchHeader; bundle: unknown };

/** The narrow face of a co-signer (in-process here; a remote co-signer would implement the same). */
export type CoSignerClient = {
  address: Address;
  /** Re-verifies everything and returns the 65-byte EIP-712 signature over the header, or throws BatchCheckError. */
  sign(proposal: BatchProposal): Promise<Hex>;
};

export type CoSignerParameters = {
  common: Common;
  /** This co-signer's own aggregator key. */
  account: LocalAccount;
  /** Its own chain reads. */
  reader: AnchorReader;
  /** Its own record of co-signed job ids (invariant 4). */
  records: CoSignerRecords;
  /** The RollupAnchor this co-signer signs for (chain id + address). */
  anchor: Deployment;
  recover?: RecoverSigner;
  keccak?: Keccak;
  /** Proof check of zk CACs (ADR 0016); default: the committed circuits, loaded when a zk CAC first arrives. */
  verifyZk?: ZkCacVerifier;
};

/** Clause policy flag bit 0: only executors located in the tenant's jurisdiction count. */
export const POLICY_IN_COUNTRY = 1;

const ZERO = /^0x0{64}$/;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * An independent aggregator co-signer (DESIGN.md §2, ADR 0007). It signs a BatchHeader only after it has
 * re-verified, with its own chain reads: every CAC of every result (signature, signer active at the CAC time,
 * runtime_info naming the signer's registration, jurisdiction for in-country clauses, clause version / code hash / config digest, input and output hashes),
 * k distinct agreeing signers, cacSetHash, every leaf, the tree and every proof, the bundle hash, the header's
 * derived fields against RollupAnchor (previous commitment, firstSeq, config digest), the shape of the tenants'
 * audit heads, and that no job id in the
 * batch was co-signed before in another batch whose signature could still be used.
 */
export function createCoSigner(parameters: CoSignerParameters): CoSignerClient {
  const { account, reader, records, anchor } = parameters;
  const keccak = parameters.keccak ?? nobleKeccak;
  const recover = parameters.recover ?? createNobleRecoverSigner(keccak);
  const verifyZk = parameters.verifyZk ?? createZkCacVerifier();
  const logger = parameters.common.logger.child({ component: "co-signer", cosigner: account.address });
  const fail = (check: BatchCheck, details: string, cause?: unknown): never => {
    throw new BatchCheckError(check, details, cause);
  };

  async function checkChain(header: BatchHeader): Promise<void> {
    const [own, prev, config] = await Promise.all([reader.batchCommitment(header.batchSeq), reader.batchCommitment(header.batchSeq - 1n), reader.aggregatorConfig()]);
    if (!ZERO.test(own)) fail("ALREADY_ANCHORED", `batch ${header.batchSeq} already has commitment ${own}`);
    if (ZERO.test(prev)) fail("PREVIOUS_NOT_ANCHORED", `batch ${header.batchSeq - 1n} is not anchored yet`);
    const firstSeq = lastSeqOfCommitment(prev) + 1n;
    if (!same(prev, header.prevCommitment) || header.firstSeq !== firstSeq) {
      fail("PREV_COMMITMENT", `chain: commitment[${header.batchSeq - 1n}] = ${prev} (firstSeq ${firstSeq}); header: ${header.prevCommitment} (firstSeq ${header.firstSeq})`);
    }
    if (header.count !== header.lastSeq - header.firstSeq + 1n) fail("HEADER_FIELD", `count ${header.count} is not lastSeq - firstSeq + 1`);
    if (!same(config.configDigest, header.configDigest)) fail("AGGREGATOR_CONFIG", `chain config digest ${config.configDigest}, header ${header.configDigest}`);
    if (!config.signers.some((s) => same(s, account.address))) fail("NOT_IN_CONFIG", `${account.address} is not an aggregator of config ${config.configVersion}`);
  }

  function checkHeaderAgainstBundle(header: BatchHeader, bundle: BatchBundle): void {
    if (bundle.chain_id !== BigInt(anchor.chainId).toString() || !same(bundle.rollup_anchor, anchor.address)) {
      fail("WRONG_DEPLOYMENT", `bundle for chain ${bundle.chain_id} / ${bundle.rollup_anchor}, this co-signer signs for ${anchor.chainId} / ${anchor.address}`);
    }
    const b = bundle.batch;
    const pairs: [string, string, string][] = [
      ["batchSeq", b.batch_seq, header.batchSeq.toString()],
      ["firstSeq", b.first_seq, header.firstSeq.toString()],
      ["lastSeq", b.last_seq, header.lastSeq.toString()],
      ["count", b.count, header.count.toString()],
      ["prevCommitment", b.prev_commitment, header.prevCommitment.toLowerCase()],
      ["configDigest", b.config_digest, header.configDigest.toLowerCase()],
      ["root", b.root, header.root.toLowerCase()],
    ];
    for (const [name, inBundle, inHeader] of pairs) if (inBundle !== inHeader) fail("HEADER_FIELD", `${name}: bundle ${inBundle}, header ${inHeader}`);
    const hash = bundleHashOf(bundle, keccak);
    if (!same(hash, header.bundleHash)) fail("BUNDLE_HASH", `bundle hashes to ${hash}, header says ${header.bundleHash}`);
  }

  async function checkResult(entry: BundleResult, clauses: Map<string, Promise<ClauseFacts | undefined>>, activity: Map<string, Promise<boolean>>, places: Map<string, Promise<Hex>>, registrations: Map<string, ReturnType<AnchorReader["nodeRegistration"]>>): Promise<void> {
    const job = entry.job_id;
    if (!same(tenantIdOf(getAddress(entry.tenant.dao), entry.tenant.jurisdiction), entry.tenant.tenant_id)) fail("TENANT", `job ${job}: tenant id is not H(dao, jurisdiction)`);
    let clauseIdHash: Hex;
    try {
      clauseIdHash = clauseIdOf(entry.clause);
    } catch (cause) {
      return fail("CAC_FIELD_MISMATCH", `job ${job}: clause id ${entry.clause} is malformed`, cause);
    }
    if (!same(clauseIdHash, entry.clause_id)) fail("CAC_FIELD_MISMATCH", `job ${job}: clause_id is not H(${entry.clause})`);
    if (!same(keccak256(entry.output as Hex), entry.output_hash)) fail("OUTPUT_HASH", `job ${job}: the output does not hash to ${entry.output_hash}`);

    if (!clauses.has(entry.clause_id)) clauses.set(entry.clause_id, reader.getClause(entry.clause_id as Hex));
    const clause = await clauses.get(entry.clause_id);
    if (!clause) return fail("CLAUSE_UNKNOWN", `job ${job}: clause ${entry.clause} is not registered`);
    // A zk result keeps its inputs private (FORMATS §12): no bundle to re-hash; each CAC's proof is verified instead.
    const isZk = clause.model === ExecutionModel.Zk;
    if (isZk) {
      if (entry.input_bundle !== null) fail("ZK_PROOF", `job ${job}: a zk clause's result must not publish its input bundle`);
    } else if (!same(canonicalJsonHash(entry.input_bundle), entry.input_hash)) fail("INPUT_HASH", `job ${job}: the input bundle does not hash to ${entry.input_hash}`);
    const inCountry = (clause.policyFlags & POLICY_IN_COUNTRY) !== 0;
    const tenantPlace = jurisdictionToBytes3(entry.tenant.jurisdiction);

    let previous = 0n;
    const digests: { signer: Address; cacDigest: Hex }[] = [];
    for (const [i, c] of entry.cacs.entries()) {
      let parsed: ReturnType<typeof cacFromJson>;
      try {
        parsed = cacFromJson(c.cac);
      } catch (cause) {
        return fail("CAC_JSON_INVALID", `job ${job}, CAC ${i}: ${(cause as Error).message}`, cause);
      }
      const { cac } = parsed;
      if (BigInt(parsed.anchor.chainId) !== BigInt(anchor.chainId) || !same(parsed.anchor.address, anchor.address)) {
        fail("CAC_DOMAIN_MISMATCH", `job ${job}, CAC ${i}: signed for ${parsed.anchor.chainId} / ${parsed.anchor.address}`);
      }
      const fields: [string, string, string][] = [
        ["jobId", cac.jobId, job],
        ["clauseId", cac.clauseId, entry.clause_id],
        ["tenantId", cac.tenantId, entry.tenant.tenant_id],
        ["inputHash", cac.inputHash, entry.input_hash],
        ["outputHash", cac.outputHash, entry.output_hash],
      ];
      for (const [name, inCac, inResult] of fields) if (!same(inCac, inResult)) fail("CAC_FIELD_MISMATCH", `job ${job}, CAC ${i}: ${name} ${inCac} differs from the result's ${inResult}`);
      if (cac.clauseVersion !== clause.version) fail("CLAUSE_VERSION", `job ${job}, CAC ${i}: version ${cac.clauseVersion}, registered ${clause.version}`);
      if (!same(cac.codeHash, clause.codeHash)) fail("CODE_HASH", `job ${job}, CAC ${i}: code hash ${cac.codeHash}, registered ${clause.codeHash}`);
      if (!same(cac.configDigest, clause.configDigest)) fail("CONFIG_DIGEST", `job ${job}, CAC ${i}: config digest ${cac.configDigest}, registered ${clause.configDigest}`);
      try {
        await verifyZk(parsed, clause);
      } catch (cause) {
        if (!(cause instanceof ZkError)) throw cause;
        fail("ZK_PROOF", `job ${job}, CAC ${i}: ${cause.code}: ${cause.details ?? cause.shortMessage}`, cause);
      }

      const signer = recoverAddressWith(recover, parsed.digest, c.signature as Hex);
      if (!signer || !same(signer, c.signer) || !same(signer, parsed.json.runtime_info.enclave_key)) {
        fail("SIGNATURE_INVALID", `job ${job}, CAC ${i}: signature recovers to ${signer ?? "nothing"}, listed signer ${c.signer}, enclave key ${parsed.json.runtime_info.enclave_key}`);
      }
      const value = BigInt(signer!);
      // Strictly ascending: one signature per enclave key, the order cacSetHash and verifyExecution use.
      if (value <= previous) fail("DUPLICATE_SIGNER", `job ${job}, CAC ${i}: signer ${signer} is not above the previous one`);
      previous = value;

      const activityKey = `${signer}:${cac.timestamp}`;
      if (!activity.has(activityKey)) activity.set(activityKey, reader.isActiveAt(signer!, cac.timestamp));
      if (!(await activity.get(activityKey))) fail("SIGNER_INACTIVE", `job ${job}, CAC ${i}: ${signer} was not active at ${cac.timestamp}`);
      // runtime_info against the registry: only when the record read now is the one in force at the CAC's time
      // (a renewal since then replaced it; nsf verify's executors.runtime checks that case from the NodeAttested log).
      if (!registrations.has(signer!)) registrations.set(signer!, reader.nodeRegistration(signer!));
      const r = await registrations.get(signer!)!;
      if (r.attestedAt <= cac.timestamp) {
        const verdictId = verdictIdOf({ chainId: BigInt(anchor.chainId), nodeRegistry: r.nodeRegistry, enclaveKey: signer!, attestationId: r.attestationId, attestedAt: r.attestedAt, validUntil: r.attestedUntil });
        const mismatch = runtimeMismatch(parsed.json.runtime_info, { teeType: r.teeType, measurement: r.measurement, attestationId: r.attestationId, verdictId });
        if (mismatch) fail("SIGNER_RUNTIME", `job ${job}, CAC ${i} (${signer}): ${mismatch}`);
      }
      if (inCountry) {
        if (!places.has(signer!)) places.set(signer!, reader.nodeJurisdiction(signer!));
        const place = await places.get(signer!);
        if (!same(place!, tenantPlace)) fail("SIGNER_JURISDICTION", `job ${job}, CAC ${i}: ${signer} is located in ${place}, the clause requires ${tenantPlace}`);
      }
      digests.push({ signer: signer!, cacDigest: parsed.digest });
    }
    const k = Math.max(1, clause.quorumK);
    if (digests.length < k) fail("TOO_FEW_SIGNERS", `job ${job}: ${digests.length} distinct agreeing executors, the clause requires ${k}`);
    const setHash = cacSetHash(digests);
    if (!same(setHash, entry.cac_set_hash)) fail("CAC_SET_HASH", `job ${job}: CAC digests hash to ${setHash}, the leaf says ${entry.cac_set_hash}`);
  }

  /**
   * The audit heads are the relayer's own statement about each tenant's log (a co-signer cannot see the logs):
   * what it can and does check is that they are well formed — one per tenant, strictly ascending by tenant id,
   * `seq >= 1`, a non-zero head — so a tenant's export can be tied to exactly one head per batch (ADR 0012).
   */
  function checkAuditHeads(bundle: BatchBundle): void {
    let previous = "";
    for (const [i, a] of bundle.audit_heads.entries()) {
      if (a.tenant_id <= previous) fail("AUDIT_HEADS", `audit head ${i}: tenant ${a.tenant_id} is not above ${previous || "the start"}`);
      if (a.seq === "0") fail("AUDIT_HEADS", `audit head ${i}: sequence 0 (a log starts at 1)`);
      if (ZERO.test(a.head)) fail("AUDIT_HEADS", `audit head ${i}: zero head`);
      previous = a.tenant_id;
    }
  }

  function checkTree(header: BatchHeader, bundle: BatchBundle): void {
    const leafHashes: Hex[] = [];
    for (const [i, entry] of bundle.results.entries()) {
      const leaf: ExecutionLeaf = {
        jobId: entry.job_id as Hex,
        resultSeq: BigInt(entry.result_seq),
        clauseId: entry.clause_id as Hex,
        tenantId: entry.tenant.tenant_id as Hex,
        inputHash: entry.input_hash as Hex,
        outputHash: entry.output_hash as Hex,
        cacSetHash: entry.cac_set_hash as Hex,
      };
      const hash = fastLeafHash(leaf, keccak);
      if (!same(hash, entry.leaf_hash)) fail("LEAF", `result ${i}: leaf values hash to ${hash}, bundle says ${entry.leaf_hash}`);
      leafHashes.push(hash);
    }
    const tree = buildBatchTree(leafHashes, keccak);
    if (!same(tree.root, header.root)) fail("ROOT", `the leaves build root ${tree.root}, header says ${header.root}`);
    for (const [i, entry] of bundle.results.entries()) {
      if (!same(processProof(entry.proof as Hex[], leafHashes[i]!, keccak), header.root)) fail("PROOF", `result ${i} (job ${entry.job_id}): proof does not lead to the root`);
    }
  }

  async function checkJobRecords(header: BatchHeader, jobIds: readonly Hex[]): Promise<void> {
    for (const jobId of jobIds) {
      const earlier = records.get(jobId);
      if (!earlier) continue;
      // Re-signing the same batch (e.g. after a restart) adds nothing new.
      if (earlier.batchSeq === header.batchSeq && same(earlier.root, header.root)) continue;
      // An earlier signature is void once its batch sequence holds other content on-chain: it can never anchor.
      const stored = await reader.batchCommitment(earlier.batchSeq);
      const void_ = !ZERO.test(stored) && !same(stored, batchCommitmentOf(earlier.root, earlier.lastSeq));
      if (!void_) fail("JOB_ALREADY_COSIGNED", `job ${jobId} was co-signed in batch ${earlier.batchSeq} (root ${earlier.root})`);
    }
  }

  return {
    address: account.address,
    async sign(proposal) {
      const parsed = BatchBundleSchema.safeParse(proposal.bundle);
      if (!parsed.success) fail("BUNDLE_MALFORMED", parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      const bundle = parsed.data!;
      const header = proposal.header;
      checkHeaderAgainstBundle(header, bundle);
      checkAuditHeads(bundle);
      await checkChain(header);

      const jobIds: Hex[] = [];
      const seen = new Set<string>();
      if (BigInt(bundle.results.length) !== header.count) fail("SEQUENCE", `${bundle.results.length} results for count ${header.count}`);
      for (const [i, entry] of bundle.results.entries()) {
        if (BigInt(entry.result_seq) !== header.firstSeq + BigInt(i)) fail("SEQUENCE", `result ${i} has sequence ${entry.result_seq}, expected ${header.firstSeq + BigInt(i)}`);
        if (seen.has(entry.job_id)) fail("DUPLICATE_JOB", `job ${entry.job_id} appears twice`);
        seen.add(entry.job_id);
        jobIds.push(entry.job_id as Hex);
      }
      const clauses = new Map<string, Promise<ClauseFacts | undefined>>();
      const activity = new Map<string, Promise<boolean>>();
      const places = new Map<string, Promise<Hex>>();
      const registrations = new Map<string, ReturnType<AnchorReader["nodeRegistration"]>>();
      for (const entry of bundle.results) await checkResult(entry, clauses, activity, places, registrations);
      checkTree(header, bundle);
      await checkJobRecords(header, jobIds);

      // Persisted before the signature leaves this function (invariant 4 survives a crash right after).
      records.record(jobIds, { batchSeq: header.batchSeq, root: header.root, lastSeq: header.lastSeq });
      const signature = await account.signTypedData(batchHeaderTypedData(anchor, header));
      logger.info({ batchSeq: header.batchSeq.toString(), results: jobIds.length }, "co-signed batch");
      return signature;
    },
  };
}
