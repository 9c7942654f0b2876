import { decodeFunctionData, getAddress, keccak256, type Address, type Hex } from "viem";
import { rollupAnchorAbi } from "../abi/contractAbis.js";
import { BatchBundleSchema, leafOfBundleResult as leafOf, type BatchBundle, type BundleResult } from "../batching/batchBundle.js";
import { buildBatchTree, processProof } from "../batching/batchTree.js";
import { createNobleRecoverSigner, recoverAddressWith, signatureShapeOk } from "../batching/recoverSigner.js";
import { bytesToHexFast, hexToBytesFast } from "../batching/hashing.js";
import { lastSeqOfCommitment } from "../batching/resultSequence.js";
import { cacFromJson, type CacJson, type ParsedCacJson } from "../cac/cacJson.js";
import { runtimeMismatch } from "../cac/runtimeMismatch.js";
import type { ZkCacVerifier } from "../zk/ZkCacVerifier.js";
import { canonicalJsonHash } from "../formats/canonicalJson.js";
import { AGGREGATOR_ROLE, clauseConfigDigest, quorumConfigDigest } from "../formats/configDigest.js";
import { batchHeaderDigest, type BatchHeader, type Cac } from "../formats/eip712.js";
import { ExecutionModel } from "../formats/enums.js";
import { jurisdictionToBytes3, sha256Of, tenantIdOf, verdictIdOf } from "../formats/ids.js";
import { batchCommitmentOf, cacSetHash, leafHash } from "../formats/leaf.js";
import { executorKey, type ClauseEvidence, type AggregatorConfigEvidence, type AnchorEvidence, type ClauseCode, type ExecutionEvidence } from "./ExecutionEvidence.js";
import { verdictOf, type CheckResult, type CheckStatus, type VerificationReport } from "./VerificationReport.js";
import type { VerificationCheckName } from "./verificationChecks.js";

/**
 * Re-executes a clause on an input bundle: the registered WASM in the project's sandbox (relayer/verify/
 * createSandboxReplayer.ts). Injected so this core stays free of the engine and of I/O.
 */
export type ClauseReplayer = (code: ClauseCode, inputBundle: unknown) => Promise<{ ok: true; output: Hex } | { ok: false; reason: string }>;

/** `verifyZk` checks zk CACs' proofs (relayer/zk/verifyZkCac.ts); without it a zk execution is `unverifiable`. */
export type VerifyEvidenceOptions = { replay?: ClauseReplayer; verifyZk?: ZkCacVerifier };

/** Clause policy flag bit 0 (docs/FORMATS.md §1): every executor must be located in the job's jurisdiction. */
const POLICY_IN_COUNTRY = 1;
const same = (a: string | null | undefined, b: string | null | undefined) => a != null && b != null && a.toLowerCase() === b.toLowerCase();

type Decoded = { header: { batchSeq: bigint; lastSeq: bigint; root: Hex; bundleHash: Hex }; arweaveTxId: Hex; quorum: { configVersion: bigint; threshold: number; signerBitmap: bigint; packed: Hex } };

/**
 * Runs every check of docs/FORMATS.md §15 over gathered public data and returns the report (data, not text).
 * Every check is run that can be: a failure does not hide the later, independent checks, and a check whose
 * inputs depend on a failed one is `skipped` naming it. Pure apart from the injected replayer.
 */
export async function verifyEvidence(evidence: ExecutionEvidence, options: VerifyEvidenceOptions = {}): Promise<VerificationReport> {
  const checks: CheckResult[] = [];
  const statusOf = new Map<string, CheckStatus>();
  const key = (name: VerificationCheckName, jobId?: Hex) => (jobId ? `${name}:${jobId}` : name);
  const record = (name: VerificationCheckName, status: CheckStatus, reason: string, jobId?: Hex): CheckStatus => {
    checks.push({ name, status, reason, ...(jobId ? { jobId } : {}) });
    statusOf.set(key(name, jobId), status);
    return status;
  };
  /** Runs `body` only when every dependency passed; otherwise records `skipped` naming the first that did not. */
  const check = (name: VerificationCheckName, needs: VerificationCheckName[], body: () => [CheckStatus, string], jobId?: Hex): CheckStatus => {
    for (const need of needs) {
      const status = statusOf.get(key(need, jobId)) ?? statusOf.get(need);
      if (status !== "pass") return record(name, "skipped", `needs ${need} (${status ?? "not run"})`, jobId);
    }
    try {
      const [status, reason] = body();
      return record(name, status, reason, jobId);
    } catch (error) {
      return record(name, "fail", error instanceof Error ? error.message.split("\n")[0]! : String(error), jobId);
    }
  };
  const pass = (reason: string): [CheckStatus, string] => ["pass", reason];
  const fail = (reason: string): [CheckStatus, string] => ["fail", reason];
  const recover = createNobleRecoverSigner();

  const { expected, rpcChainId } = evidence;
  let anchor: AnchorEvidence | undefined;
  let decoded: Decoded | undefined;
  let config: AggregatorConfigEvidence | undefined;
  let bundle: BatchBundle | undefined;

  // --- the anchor on-chain ---
  check("anchor.located", [], () => {
    const a = evidence.anchor;
    if (a.status === "unavailable") return ["unavailable", a.reason];
    if (a.status === "absent") return fail(a.reason);
    if (!a.value.txSucceeded) return fail(`transaction ${a.value.txHash} reverted`);
    anchor = a.value;
    return pass(`batch ${anchor.event.batchSeq} anchored in transaction ${anchor.txHash} (block ${anchor.blockNumber})`);
  });
  check("deployment.chain", [], () => {
    if (expected.chainId !== undefined && expected.chainId !== rpcChainId) return fail(`the RPC serves chain ${rpcChainId}, expected ${expected.chainId}`);
    return pass(`chain ${rpcChainId}`);
  });
  check("deployment.contract", ["anchor.located"], () =>
    same(anchor!.emitter, expected.rollupAnchor)
      ? pass(`BatchAnchored emitted by RollupAnchor ${getAddress(expected.rollupAnchor)}`)
      : fail(`BatchAnchored emitted by ${anchor!.emitter}, not the expected RollupAnchor ${expected.rollupAnchor}`),
  );
  check("anchor.calldata", ["anchor.located"], () => {
    const a = anchor!;
    if (!same(a.txTo, a.emitter)) return fail(`the transaction calls ${a.txTo ?? "(creation)"}, not RollupAnchor ${a.emitter}: its calldata cannot be read as anchor(...)`);
    const call = decodeFunctionData({ abi: rollupAnchorAbi, data: a.calldata });
    if (call.functionName !== "anchor") return fail(`the transaction calls ${call.functionName}, not anchor`);
    const [header, arweaveTxId, quorum] = call.args as unknown as [Decoded["header"], Hex, Decoded["quorum"]];
    const e = a.event;
    const pairs: [string, unknown, unknown][] = [
      ["batchSeq", header.batchSeq, e.batchSeq],
      ["lastSeq", header.lastSeq, e.lastSeq],
      ["root", header.root.toLowerCase(), e.root.toLowerCase()],
      ["bundleHash", header.bundleHash.toLowerCase(), e.bundleHash.toLowerCase()],
      ["arweaveTxId", arweaveTxId.toLowerCase(), e.arweaveTxId.toLowerCase()],
      ["signerBitmap", quorum.signerBitmap, e.signerBitmap],
    ];
    for (const [name, inCall, inEvent] of pairs) if (inCall !== inEvent) return fail(`${name}: calldata ${String(inCall)}, event ${String(inEvent)}`);
    const commitment = batchCommitmentOf(e.root, e.lastSeq);
    if (!same(commitment, a.storedCommitment)) return fail(`stored commitment ${a.storedCommitment} is not batchCommitment(root, lastSeq) = ${commitment}`);
    decoded = { header, arweaveTxId, quorum };
    return pass(`anchor(batch ${header.batchSeq}, lastSeq ${header.lastSeq}) matches the event and the stored commitment`);
  });

  // --- the aggregator quorum ---
  check("aggregator.config", ["anchor.located"], () => {
    const c = evidence.aggregatorConfig;
    if (c.status === "unavailable") return ["unavailable", c.reason];
    if (c.status === "absent") return fail(c.reason);
    const digest = quorumConfigDigest({ chainId: rpcChainId, verifyingContract: anchor!.emitter, role: AGGREGATOR_ROLE, configVersion: c.value.configVersion, threshold: c.value.threshold, signers: c.value.signers });
    if (!same(digest, c.value.configDigest)) return fail(`ConfigSet v${c.value.configVersion} announces digest ${c.value.configDigest}, its fields hash to ${digest}`);
    config = c.value;
    return pass(`config v${config.configVersion}: ${config.threshold} of ${config.signers.length} aggregators, digest ${config.configDigest} (set in block ${config.blockNumber})`);
  });
  let header: BatchHeader | undefined;
  check("aggregator.signatures", ["anchor.calldata", "aggregator.config"], () => {
    const a = anchor!;
    const q = decoded!.quorum;
    const c = config!;
    if (q.configVersion !== c.configVersion || q.threshold !== c.threshold) return fail(`proof names config v${q.configVersion} with threshold ${q.threshold}; in force: v${c.configVersion}, threshold ${c.threshold}`);
    const n = c.signers.length;
    if (q.signerBitmap >> BigInt(n) !== 0n) return fail(`signer bitmap ${q.signerBitmap} sets positions beyond the ${n} signers`);
    const positions = [...Array(n).keys()].filter((i) => ((q.signerBitmap >> BigInt(i)) & 1n) === 1n);
    if (positions.length !== c.threshold) return fail(`${positions.length} signatures, the config requires exactly ${c.threshold}`);
    const packed = hexToBytesFast(q.packed);
    const nonSigners = n - positions.length;
    if (packed.length !== 20 * nonSigners + 65 * positions.length) return fail(`packed proof is ${packed.length} bytes, expected ${20 * nonSigners + 65 * positions.length}`);
    const firstSeq = lastSeqOfCommitment(a.prevCommitment) + 1n;
    header = {
      batchSeq: a.event.batchSeq,
      firstSeq,
      lastSeq: a.event.lastSeq,
      count: a.event.lastSeq - firstSeq + 1n,
      root: a.event.root,
      prevCommitment: a.prevCommitment,
      bundleHash: a.event.bundleHash,
      configDigest: c.configDigest,
    };
    const digest = batchHeaderDigest({ chainId: rpcChainId, address: a.emitter }, header);
    const rebuilt: string[] = [];
    let nonSignerAt = 0;
    let signatureAt = 20 * nonSigners;
    for (let i = 0; i < n; i++) {
      if (positions.includes(i)) {
        const signature = packed.subarray(signatureAt, signatureAt + 65);
        signatureAt += 65;
        if (!signatureShapeOk(signature)) return fail(`signature at position ${i} is malformed or high-s`);
        const signer = recover(hexToBytesFast(digest), signature);
        if (!signer) return fail(`signature at position ${i} does not recover`);
        rebuilt.push(bytesToHexFast(signer));
      } else {
        rebuilt.push(bytesToHexFast(packed.subarray(nonSignerAt, nonSignerAt + 20)));
        nonSignerAt += 20;
      }
    }
    // The contract hashes the rebuilt list into the digest; equal lists are the off-chain equivalent.
    for (let i = 0; i < n; i++) {
      if (!same(rebuilt[i], c.signers[i])) return fail(`position ${i}: ${positions.includes(i) ? "signature recovers to" : "listed non-signer"} ${getAddress(rebuilt[i] as Address)}, the config has ${c.signers[i]}`);
    }
    return pass(`${positions.length} of ${n} aggregators signed BatchHeader(batch ${header.batchSeq}, results ${header.firstSeq}..${header.lastSeq}) under config v${c.configVersion}`);
  });

  // --- the archived bundle ---
  check("bundle.available", ["anchor.located"], () => {
    const b = evidence.bundle;
    if (b.status === "unavailable") return ["unavailable", b.reason];
    if (b.status === "absent") return fail(b.reason);
    return pass(`Arweave transaction ${b.value.arweaveTxId} (found by ${b.value.via})${b.value.note ? `; ${b.value.note}` : ""}`);
  });
  const document = evidence.bundle.status === "found" ? evidence.bundle.value.document : undefined;
  check("bundle.hash", ["bundle.available"], () => {
    const hash = canonicalJsonHash(document);
    return same(hash, anchor!.event.bundleHash) ? pass(`bundle hash ${hash}`) : fail(`the archived bundle hashes to ${hash}, the anchor commits to ${anchor!.event.bundleHash}`);
  });
  check("bundle.schema", ["bundle.hash"], () => {
    const parsed = BatchBundleSchema.safeParse(document);
    if (!parsed.success) return fail(parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    bundle = parsed.data;
    return pass(`nsf.bundle/1 with ${bundle.results.length} result(s)`);
  });
  check("bundle.deployment", ["bundle.schema", "anchor.located"], () =>
    bundle!.chain_id === rpcChainId.toString() && same(bundle!.rollup_anchor, anchor!.emitter)
      ? pass(`chain ${bundle!.chain_id}, RollupAnchor ${bundle!.rollup_anchor}`)
      : fail(`the bundle names chain ${bundle!.chain_id} / ${bundle!.rollup_anchor}; anchored on chain ${rpcChainId} / ${anchor!.emitter}`),
  );
  check("bundle.header", ["bundle.schema", "aggregator.signatures"], () => {
    const b = bundle!.batch;
    const h = header!;
    const pairs: [string, string, string][] = [
      ["batch_seq", b.batch_seq, h.batchSeq.toString()],
      ["first_seq", b.first_seq, h.firstSeq.toString()],
      ["last_seq", b.last_seq, h.lastSeq.toString()],
      ["count", b.count, h.count.toString()],
      ["prev_commitment", b.prev_commitment, h.prevCommitment.toLowerCase()],
      ["config_digest", b.config_digest, h.configDigest.toLowerCase()],
      ["root", b.root, h.root.toLowerCase()],
    ];
    for (const [name, inBundle, signed] of pairs) if (inBundle !== signed) return fail(`batch.${name}: bundle ${inBundle}, signed header ${signed}`);
    if (BigInt(bundle!.results.length) !== h.count) return fail(`${bundle!.results.length} results for count ${h.count}`);
    const seen = new Set<string>();
    for (const [i, r] of bundle!.results.entries()) {
      if (BigInt(r.result_seq) !== h.firstSeq + BigInt(i)) return fail(`result ${i} has result_seq ${r.result_seq}, expected ${h.firstSeq + BigInt(i)}`);
      if (seen.has(r.job_id)) return fail(`job ${r.job_id} appears twice`);
      seen.add(r.job_id);
    }
    return pass(`batch ${h.batchSeq}, results ${h.firstSeq}..${h.lastSeq}, config digest and previous commitment as signed`);
  });
  check("merkle.root", ["bundle.schema", "anchor.located"], () => {
    const tree = buildBatchTree(bundle!.results.map((r) => leafHash(leafOf(r))));
    return same(tree.root, anchor!.event.root) ? pass(`root ${tree.root}`) : fail(`the leaves build root ${tree.root}, anchored ${anchor!.event.root}`);
  });

  // --- each execution ---
  const executions: VerificationReport["executions"] = [];
  for (const jobId of evidence.jobIds) await checkExecution(jobId.toLowerCase() as Hex);

  async function checkExecution(jobId: Hex): Promise<void> {
    let result: BundleResult | undefined;
    const parsed: { cac: Cac; digest: Hex; enclaveKey: Address; chainId: bigint; verifyingContract: Address; full: ParsedCacJson; runtime: CacJson["runtime_info"] }[] = [];
    const signers: Address[] = [];
    let clause: ExecutionEvidence["clauses"][string] | undefined;
    const run = (name: VerificationCheckName, needs: VerificationCheckName[], body: () => [CheckStatus, string]) => check(name, needs, body, jobId);

    run("execution.included", ["bundle.schema"], () => {
      const matches = bundle!.results.filter((r) => r.job_id === jobId);
      if (matches.length !== 1) return fail(`execution ${jobId} appears ${matches.length} times in batch ${bundle!.batch.batch_seq}`);
      result = matches[0];
      return pass(`result ${result!.result_seq} of batch ${bundle!.batch.batch_seq}: ${result!.clause}`);
    });
    run("job.requested", ["execution.included"], () => {
      const j = evidence.jobs[jobId];
      if (!j) return ["unavailable", "JobRequested was not looked up"];
      if (j.status !== "found") return [j.status === "absent" ? "fail" : "unavailable", j.reason];
      const r = result!;
      const v = j.value;
      // A zk result withholds its bundle; every CAC still names the trigger's commitment (cac.json checks them).
      const commitment = r.input_bundle === null ? (r.cacs[0]?.cac as { trigger?: { commitment?: unknown } } | undefined)?.trigger?.commitment : (r.input_bundle as { trigger?: { commitment?: unknown } } | null)?.trigger?.commitment;
      const pairs: [string, unknown, unknown][] = [
        ["clauseId", v.clauseId.toLowerCase(), r.clause_id],
        ["tenantId", v.tenantId.toLowerCase(), r.tenant.tenant_id],
        ["dao", v.dao.toLowerCase(), r.tenant.dao.toLowerCase()],
        ["jurisdiction", v.jurisdiction.toLowerCase(), jurisdictionToBytes3(r.tenant.jurisdiction).toLowerCase()],
        ["inputCommitment", v.inputCommitment.toLowerCase(), typeof commitment === "string" ? commitment.toLowerCase() : commitment],
      ];
      for (const [name, onChain, inBundle] of pairs) if (onChain !== inBundle) return fail(`${name}: JobRequested ${String(onChain)}, bundle ${String(inBundle)}`);
      return pass(`requested at JobRouter ${v.router} in block ${v.blockNumber} (clause version ${v.clauseVersion}, trigger type ${v.triggerType})`);
    });
    run("execution.tenant", ["execution.included"], () => {
      const r = result!;
      const tenantId = tenantIdOf(getAddress(r.tenant.dao), r.tenant.jurisdiction);
      return same(tenantId, r.tenant.tenant_id) ? pass(`tenant ${r.tenant.jurisdiction} / ${r.tenant.dao}`) : fail(`H(${r.tenant.dao}, ${r.tenant.jurisdiction}) = ${tenantId}, bundle says ${r.tenant.tenant_id}`);
    });
    run("execution.input_hash", ["execution.included"], () => {
      const r = result!;
      if (r.input_bundle === null) return pass(`inputs withheld (zk result, checked by zk.proof); every CAC names input hash ${r.input_hash}`);
      const hash = canonicalJsonHash(r.input_bundle);
      if (!same(hash, r.input_hash)) return fail(`the input bundle hashes to ${hash}, the result says ${r.input_hash}`);
      const bundleJob = (r.input_bundle as { job_id?: unknown } | null)?.job_id;
      if (bundleJob !== jobId) return fail(`input_bundle.job_id is ${String(bundleJob)}`);
      return pass(`input hash ${hash}`);
    });
    run("execution.output_hash", ["execution.included"], () => {
      const hash = keccak256(result!.output as Hex);
      return same(hash, result!.output_hash) ? pass(`output hash ${hash}`) : fail(`the output hashes to ${hash}, the result says ${result!.output_hash}`);
    });
    run("cac.json", ["execution.included"], () => {
      for (const [i, c] of result!.cacs.entries()) {
        try {
          const p = cacFromJson(c.cac);
          parsed.push({ cac: p.cac, digest: p.digest, enclaveKey: getAddress(p.json.runtime_info.enclave_key), chainId: BigInt(p.anchor.chainId), verifyingContract: p.anchor.address, full: p, runtime: p.json.runtime_info });
        } catch (error) {
          return fail(`CAC ${i} (${c.signer}): ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return pass(`${parsed.length} CAC JSON document(s) re-hash to their digests`);
    });
    run("cac.domain", ["cac.json", "anchor.located"], () => {
      for (const [i, p] of parsed.entries()) {
        if (p.chainId !== rpcChainId || !same(p.verifyingContract, anchor!.emitter)) return fail(`CAC ${i} is signed for chain ${p.chainId} / ${p.verifyingContract}; anchored on ${rpcChainId} / ${anchor!.emitter}`);
      }
      return pass(`every CAC is signed for chain ${rpcChainId} / ${anchor!.emitter}`);
    });
    run("cac.fields", ["cac.json"], () => {
      const r = result!;
      for (const [i, { cac }] of parsed.entries()) {
        const pairs: [string, string, string][] = [
          ["jobId", cac.jobId, jobId],
          ["clauseId", cac.clauseId, r.clause_id],
          ["tenantId", cac.tenantId, r.tenant.tenant_id],
          ["inputHash", cac.inputHash, r.input_hash],
          ["outputHash", cac.outputHash, r.output_hash],
        ];
        for (const [name, inCac, inResult] of pairs) if (!same(inCac, inResult)) return fail(`CAC ${i}: ${name} ${inCac}, the result says ${inResult}`);
        if ((r.cacs[i]!.cac as { clause_id?: unknown }).clause_id !== r.clause) return fail(`CAC ${i} names clause ${String((r.cacs[i]!.cac as { clause_id?: unknown }).clause_id)}, the result ${r.clause}`);
      }
      return pass(`every CAC names this execution, clause, tenant, inputs and output`);
    });
    run("cac.signatures", ["cac.json"], () => {
      let previous = 0n;
      for (const [i, c] of result!.cacs.entries()) {
        const p = parsed[i]!;
        const signer = recoverAddressWith(recover, p.digest, c.signature as Hex);
        if (!signer) return fail(`CAC ${i}: the signature does not recover (malformed, high s or v not 27/28)`);
        if (!same(signer, c.signer) || !same(signer, p.enclaveKey)) return fail(`CAC ${i}: the signature recovers to ${signer}; listed signer ${c.signer}, enclave key ${p.enclaveKey}`);
        // Strictly ascending: one signature per enclave key (invariant 1), the order of cacSetHash and verifyExecution.
        if (BigInt(signer) <= previous) return fail(`CAC ${i}: signer ${signer} is not above the previous one (duplicate or unsorted)`);
        previous = BigInt(signer);
        signers.push(signer);
      }
      return pass(`${signers.length} distinct enclave keys signed`);
    });
    run("clause.version", ["cac.json"], () => {
      const r = result!;
      clause = evidence.clauses[r.clause_id];
      if (!clause) return ["unavailable", "the clause was not looked up"];
      if (clause.status !== "found") return [clause.status === "absent" ? "fail" : "unavailable", clause.reason];
      const c = clause.value;
      const digest = clauseConfigDigest({ chainId: rpcChainId, clauseRegistry: c.registry, clauseId: r.clause_id as Hex, codeHash: c.codeHash, executionModel: c.model, quorumK: c.quorumK, quorumN: c.quorumN, policyFlags: c.policyFlags });
      if (!same(digest, c.configDigest)) return fail(`ClauseRegistry's config digest ${c.configDigest} is not the hash of its fields ${digest}`);
      for (const [i, { cac }] of parsed.entries()) {
        if (cac.clauseVersion !== c.version) return fail(`CAC ${i}: clause version ${cac.clauseVersion}, registered ${c.version}`);
        if (!same(cac.configDigest, c.configDigest)) return fail(`CAC ${i}: config digest ${cac.configDigest}, registered ${c.configDigest}`);
      }
      return pass(`${r.clause} registered at ${c.registry}: model ${c.model}, ${c.quorumK}-of-${c.quorumN}, policy ${c.policyFlags}, config digest ${c.configDigest}`);
    });
    run("clause.code_hash", ["clause.version"], () => {
      const registered = (clause as { value: { codeHash: Hex } }).value.codeHash;
      for (const [i, { cac }] of parsed.entries()) if (!same(cac.codeHash, registered)) return fail(`CAC ${i}: code hash ${cac.codeHash}, registered ${registered}`);
      return pass(`code hash ${registered.toLowerCase()}`);
    });
    run("executors.quorum", ["cac.signatures", "clause.version"], () => {
      const c = (clause as { value: { model: number; quorumK: number; quorumN: number } }).value;
      const k = c.model === ExecutionModel.Single ? 1 : Math.max(1, c.quorumK);
      return signers.length >= k ? pass(`${signers.length} distinct executors agreed, the clause requires ${k} of ${c.quorumN}`) : fail(`${signers.length} distinct executors agreed, the clause requires ${k}`);
    });
    run("executors.attestation", ["cac.signatures", "clause.version"], () => {
      const c = (clause as { value: { policyFlags: number } }).value;
      const place = jurisdictionToBytes3(result!.tenant.jurisdiction);
      for (const [i, signer] of signers.entries()) {
        const timestamp = parsed[i]!.cac.timestamp;
        const e = evidence.executors[executorKey(signer, timestamp)];
        if (!e) return ["unavailable", `${signer} was not looked up`];
        if (e.status !== "found") return [e.status === "absent" ? "fail" : "unavailable", e.reason];
        const n = e.value;
        if (!n.activeAtCacTime) return fail(`${signer} was not active at its CAC time ${timestamp}: status ${n.status}, attested interval [${n.activeSince}, ${n.attestedUntil}]`);
        if ((c.policyFlags & POLICY_IN_COUNTRY) !== 0 && !same(n.jurisdiction, place)) return fail(`${signer} is located in ${n.jurisdiction}; the in-country clause requires ${result!.tenant.jurisdiction}`);
      }
      return pass(`every signer was attested at its CAC time${(c.policyFlags & POLICY_IN_COUNTRY) !== 0 ? ` and located in ${result!.tenant.jurisdiction}` : ""}`);
    });
    run("executors.runtime", ["cac.signatures"], () => {
      for (const [i, signer] of signers.entries()) {
        const p = parsed[i]!;
        const e = evidence.executors[executorKey(signer, p.cac.timestamp)];
        if (!e) return ["unavailable", `${signer} was not looked up`];
        if (e.status !== "found") return [e.status === "absent" ? "fail" : "unavailable", e.reason];
        const r = e.value.registration;
        if (!r) return fail(`${signer} had no NodeAttested verdict at or before its CAC time ${p.cac.timestamp}`);
        const verdictId = verdictIdOf({ chainId: rpcChainId, nodeRegistry: r.nodeRegistry, enclaveKey: signer, attestationId: r.attestationId, attestedAt: r.attestedAt, validUntil: r.validUntil });
        const mismatch = runtimeMismatch(p.runtime, { teeType: r.teeType, measurement: r.measurement, attestationId: r.attestationId, verdictId });
        if (mismatch) return fail(`CAC ${i} (${signer}): ${mismatch}`);
      }
      return pass(`every CAC names its signer's registration in force at its CAC time`);
    });
    run("execution.cac_set_hash", ["cac.signatures"], () => {
      const hash = cacSetHash(signers.map((signer, i) => ({ signer, cacDigest: parsed[i]!.digest })));
      return same(hash, result!.cac_set_hash) ? pass(`cacSetHash ${hash}`) : fail(`the CAC digests hash to ${hash}, the leaf says ${result!.cac_set_hash}`);
    });
    run("merkle.leaf", ["execution.included"], () => {
      const hash = leafHash(leafOf(result!));
      return same(hash, result!.leaf_hash) ? pass(`leaf ${hash}`) : fail(`the leaf values hash to ${hash}, the bundle says ${result!.leaf_hash}`);
    });
    run("merkle.inclusion", ["execution.included", "anchor.located"], () => {
      const reached = processProof(result!.proof as Hex[], leafHash(leafOf(result!)));
      return same(reached, anchor!.event.root) ? pass(`the ${result!.proof.length}-step proof reaches root ${anchor!.event.root}`) : fail(`the proof leads to ${reached}, not the anchored root ${anchor!.event.root}`);
    });
    /** zk.proof: async (snarkjs), so run outside `run`, after the checks it needs. */
    const checkZkProof = async (versionStatus: CheckStatus | undefined, jsonStatus: CheckStatus | undefined): Promise<CheckStatus> => {
      if (versionStatus !== "pass" || jsonStatus !== "pass") return record("zk.proof", "skipped", `needs clause.version (${versionStatus ?? "not run"}) and cac.json (${jsonStatus ?? "not run"})`, jobId);
      const c = (clause as { value: ClauseEvidence }).value;
      if (c.model !== ExecutionModel.Zk) {
        if (result!.input_bundle === null) return record("zk.proof", "fail", `clause model ${c.model} is not zk, yet the result withholds its input bundle`, jobId);
        if (parsed.some((p) => p.full.zk)) return record("zk.proof", "fail", `clause model ${c.model} is not zk, yet a CAC carries a proof instead of its inputs`, jobId);
        return record("zk.proof", "pass", "not a zk clause version: no proof expected", jobId);
      }
      if (result!.input_bundle !== null) return record("zk.proof", "fail", "a zk clause's result publishes its input bundle", jobId);
      if (!options.verifyZk) return record("zk.proof", "unavailable", "no zk proof verifier configured", jobId);
      for (const [i, p] of parsed.entries()) {
        try {
          await options.verifyZk(p.full, c);
        } catch (error) {
          return record("zk.proof", "fail", `CAC ${i}: ${error instanceof Error ? error.message.replace(/\n/g, ": ") : String(error)}`, jobId);
        }
      }
      return record("zk.proof", "pass", `${parsed.length} proof(s) verify against circuit ${c.zkBinding?.circuitHash} and state the agreed output`, jobId);
    };
    const zkStatus = await checkZkProof(statusOf.get(key("clause.version", jobId)), statusOf.get(key("cac.json", jobId)));
    const replayStatus = statusOf.get(key("clause.code_hash", jobId));
    if (zkStatus === "pass" && result!.input_bundle === null) {
      record("replay", "skipped", "zk clause version: its inputs are private; zk.proof stands for the re-execution", jobId);
    } else if (replayStatus !== "pass") {
      record("replay", "skipped", `needs clause.code_hash (${replayStatus ?? "not run"})`, jobId);
    } else {
      const codeHash = (clause as { value: { codeHash: Hex } }).value.codeHash.toLowerCase();
      const code = evidence.code[codeHash];
      if (!options.replay) record("replay", "unavailable", "no replayer configured", jobId);
      else if (!code || code.status !== "found") record("replay", "unavailable", code ? code.reason : `no published module with code hash ${codeHash} was looked up`, jobId);
      else if (sha256Of(code.value.wasm) !== codeHash) record("replay", "fail", `the module from ${code.value.origin} hashes to ${sha256Of(code.value.wasm)}, registered ${codeHash}`, jobId);
      else {
        const outcome = await options.replay(code.value, result!.input_bundle);
        if (!outcome.ok) record("replay", "fail", `re-execution failed: ${outcome.reason}`, jobId);
        else {
          const hash = keccak256(outcome.output);
          record("replay", same(hash, result!.output_hash) ? "pass" : "fail", same(hash, result!.output_hash) ? `re-execution of ${code.value.origin} gives output hash ${hash}` : `re-execution gives output hash ${hash}, the result says ${result!.output_hash}`, jobId);
        }
      }
    }
    if (result) executions.push({ jobId, resultSeq: result.result_seq, clause: result.clause, tenantId: result.tenant.tenant_id as Hex, outputHash: result.output_hash as Hex, signers });
  }

  const a = anchor;
  return {
    schema: "nsf.verify-report/1",
    subject: evidence.subject,
    ...verdictOf(checks),
    ...(a ? { chain: { chainId: rpcChainId.toString(), rollupAnchor: a.emitter } } : {}),
    ...(a
      ? {
          batch: {
            batchSeq: a.event.batchSeq.toString(),
            firstSeq: (lastSeqOfCommitment(a.prevCommitment) + 1n).toString(),
            lastSeq: a.event.lastSeq.toString(),
            root: a.event.root,
            bundleHash: a.event.bundleHash,
            anchorTx: a.txHash,
            anchorBlock: a.blockNumber.toString(),
            ...(evidence.bundle.status === "found" ? { arweaveTxId: evidence.bundle.value.arweaveTxId } : {}),
          },
        }
      : {}),
    executions,
    checks,
  };
}
