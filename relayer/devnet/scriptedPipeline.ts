import type { Signer } from "ethers";
import { keccak256, toBytes, type Address, type Hex } from "viem";
import { canonicalJson, canonicalJsonHash } from "../core/formats/canonicalJson.js";
import { batchHeaderTypedData, cacDigest, cacTypedData, type BatchHeader, type Cac } from "../core/formats/eip712.js";
import { cacSetHash, leafValues, referenceTree, type ExecutionLeaf } from "../core/formats/leaf.js";
import { encodeClauseOutput, outputHashOf, type ClauseOutput } from "../core/formats/output.js";
import { assembleQuorumProof, type QuorumProof } from "../core/quorum/quorumProof.js";
import { splitSignature } from "../core/quorum/signature.js";
import type { NetworkRoles } from "./bootstrapNetwork.js";
import type { DeployedNetwork } from "./deployNetwork.js";
import { devNodeRuntimeHash, type DevNode } from "./nodes.js";

// Test and benchmark helper: signs CACs with dev enclave keys and anchors batches directly, bypassing the relayer,
// so contract tests and gas benchmarks control every byte. Every signature and hash here is the real format.
// The product path (executor nodes, relayer, co-signers, tx manager) is `nsf dev` / `nsf relayer start`.

export type ClauseContext = { clauseId: Hex; clauseVersion: number; codeHash: Hex; configDigest: Hex };

export type SignedCac = { signer: Address; cac: Cac; digest: Hex; signature: Hex };

export type ScriptedResult = {
  leaf: ExecutionLeaf;
  output: Hex;
  decodedOutput: ClauseOutput;
  inputHash: Hex;
  cacs: SignedCac[];
};

/** Each executor signs the CAC for the same inputs and output; returned in ascending signer order. */
export async function signCacs(
  network: DeployedNetwork,
  clause: ClauseContext,
  job: { jobId: Hex; tenantId: Hex; inputBundle: unknown; resultSeq: bigint },
  executors: DevNode[],
  output: ClauseOutput,
  chainTime: bigint,
): Promise<ScriptedResult> {
  const inputHash = canonicalJsonHash(job.inputBundle);
  const encoded = encodeClauseOutput(output);
  const outputHash = outputHashOf(encoded);
  const anchor = { chainId: network.chainId, address: network.addresses.rollupAnchor };
  const cacs: SignedCac[] = [];
  for (const node of executors) {
    const cac: Cac = {
      jobId: job.jobId,
      clauseId: clause.clauseId,
      clauseVersion: clause.clauseVersion,
      codeHash: clause.codeHash,
      tenantId: job.tenantId,
      attempt: 1,
      inputHash,
      outputHash,
      runtimeHash: devNodeRuntimeHash(node),
      configDigest: clause.configDigest,
      timestamp: chainTime,
    };
    cacs.push({ signer: node.enclave.address, cac, digest: cacDigest(anchor, cac), signature: await node.enclave.signTypedData(cacTypedData(anchor, cac)) });
  }
  cacs.sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
  const leaf: ExecutionLeaf = {
    jobId: job.jobId,
    resultSeq: job.resultSeq,
    clauseId: clause.clauseId,
    tenantId: job.tenantId,
    inputHash,
    outputHash,
    cacSetHash: cacSetHash(cacs.map((c) => ({ signer: c.signer, cacDigest: c.digest }))),
  };
  return { leaf, output: encoded, decodedOutput: output, inputHash, cacs };
}

export type AnchoredBatch = {
  header: BatchHeader;
  arweaveTxId: Hex;
  proof: QuorumProof;
  txHash: Hex;
  gasUsed: bigint;
  proofs: Map<Hex, Hex[]>;
  bundle: unknown;
};

/** Builds the batch tree, has `threshold` aggregators co-sign the header, and anchors it. */
export async function anchorScriptedBatch(
  network: DeployedNetwork,
  roles: NetworkRoles,
  submitter: Signer,
  batch: { batchSeq: bigint; results: ScriptedResult[]; arweaveTxId?: Hex },
): Promise<AnchoredBatch> {
  const tree = referenceTree(batch.results.map((r) => r.leaf));
  const seqs = batch.results.map((r) => r.leaf.resultSeq);
  const firstSeq = seqs.reduce((a, b) => (a < b ? a : b));
  const lastSeq = seqs.reduce((a, b) => (a > b ? a : b));
  const proofs = new Map<Hex, Hex[]>();
  for (const [index, values] of tree.entries()) proofs.set(values[0], tree.getProof(index) as Hex[]);

  const bundle = {
    schema: "nsf.bundle/1",
    batch_seq: batch.batchSeq.toString(),
    root: tree.root,
    results: batch.results.map((r) => ({
      leaf: Object.fromEntries(Object.entries(r.leaf).map(([k, v]) => [k, v.toString()])),
      proof: proofs.get(r.leaf.jobId),
      output: r.output,
      cacs: r.cacs.map((c) => ({ signer: c.signer, digest: c.digest, signature: c.signature, cac: Object.fromEntries(Object.entries(c.cac).map(([k, v]) => [k, v.toString()])) })),
    })),
  };
  const bundleHash = keccak256(toBytes(canonicalJson(bundle)));
  const [configDigest, configVersion] = await network.contracts.rollupAnchor.config();
  const prevCommitment = (await network.contracts.rollupAnchor.batchCommitment(batch.batchSeq - 1n)) as Hex;
  const header: BatchHeader = {
    batchSeq: batch.batchSeq,
    firstSeq,
    lastSeq,
    count: lastSeq - firstSeq + 1n,
    root: tree.root as Hex,
    prevCommitment,
    bundleHash,
    configDigest: configDigest as Hex,
  };
  const typed = batchHeaderTypedData({ chainId: network.chainId, address: network.addresses.rollupAnchor }, header);
  const signatures = new Map<Address, Hex>();
  for (const aggregator of roles.aggregators.slice(0, roles.aggregatorThreshold)) {
    signatures.set(aggregator.address, await aggregator.signTypedData(typed));
  }
  const proof = assembleQuorumProof({
    configVersion,
    threshold: roles.aggregatorThreshold,
    signers: roles.aggregators.map((a) => a.address),
    signatures,
  });
  // No Arweave upload yet (issue 5): unless a caller passes one, the locator is zero and says so.
  const arweaveTxId = batch.arweaveTxId ?? (`0x${"00".repeat(32)}` as Hex);
  const receipt = await (
    await network.contracts.rollupAnchor
      .connect(submitter)
      .anchor({ batchSeq: header.batchSeq, lastSeq, root: header.root, bundleHash }, arweaveTxId, proof)
  ).wait();
  return { header, arweaveTxId, proof, txHash: receipt!.hash as Hex, gasUsed: receipt!.gasUsed, proofs, bundle };
}

/** The executor-proof calldata for `verifyExecution` / `ParametricPayout.claim` (ascending signers). */
export function executorProofs(result: ScriptedResult) {
  return result.cacs.map((c) => ({ attempt: c.cac.attempt, runtimeHash: c.cac.runtimeHash, timestamp: c.cac.timestamp, ...splitSignature(c.signature) }));
}

export function leafTuple(leaf: ExecutionLeaf) {
  const [jobId, resultSeq, clauseId, tenantId, inputHash, outputHash, cacSetHashValue] = leafValues(leaf);
  return { jobId, resultSeq, clauseId, tenantId, inputHash, outputHash, cacSetHash: cacSetHashValue };
}
