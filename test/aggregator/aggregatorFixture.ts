import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { keccak256, toBytes, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { createCommon, type Common } from "../../relayer/common/Common.js";
import { buildBatchBundle, bundleBytes, bundleHashOf, type BatchBundle, type BundleEntry } from "../../relayer/core/batching/batchBundle.js";
import { buildBatchHeader } from "../../relayer/core/batching/batchHeader.js";
import { buildBatchTree } from "../../relayer/core/batching/batchTree.js";
import { fastLeafHash, leafOfResult } from "../../relayer/core/batching/executionLeaf.js";
import { assignResultSeqs, lastSeqOfCommitment } from "../../relayer/core/batching/resultSequence.js";
import { buildCacJson } from "../../relayer/core/cac/cacJson.js";
import type { BatchHeader } from "../../relayer/core/formats/eip712.js";
import { TriggerType } from "../../relayer/core/formats/enums.js";
import { encodeClauseOutput, type ClauseOutput } from "../../relayer/core/formats/output.js";
import type { AgreedResult } from "../../relayer/core/results/AgreedResult.js";
import { signCacs, type ClauseContext } from "../../relayer/devnet/scriptedPipeline.js";
import type { DevNode } from "../../relayer/devnet/nodes.js";
import { createAnchorReader, type AnchorReader } from "../../relayer/aggregator/anchorReader.js";
import { createCoSigner, type CoSignerClient } from "../../relayer/aggregator/createCoSigner.js";
import { openDatabase, type Database } from "../../relayer/store/openDatabase.js";
import { batchMigrations, createBatchStore, type BatchStore } from "../../relayer/store/batchStore.js";
import { triggeredOutput } from "../helpers/anchoredFixture.js";
import { chainTime, FLOOD_ID, type ClauseFixture } from "../helpers/fixtures.js";

// Helpers for the aggregator tests: AgreedResults built the way the pipeline will hand them over (CACs
// signed by dev enclave keys through scriptedPipeline.signCacs, with their nsf.cac/1 JSON), proposals built
// the way the batcher builds them, and fresh databases.

export const silentCommon = (): Common => createCommon({ logLevel: "silent" });

export function tempDatabase(): { file: string; open: () => Database } {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "nsf-agg-")), "relayer.sqlite");
  return { file, open: () => openDatabase({ file, migrations: { batches: batchMigrations } }) };
}

export async function publicClientOf(f: ClauseFixture): Promise<PublicClient> {
  return (await (f.connection as unknown as { viem: { getPublicClient(): Promise<PublicClient> } }).viem.getPublicClient()) as PublicClient;
}

export function readerOf(f: ClauseFixture, client: PublicClient): AnchorReader {
  return createAnchorReader({ client, rollupAnchor: f.network.addresses.rollupAnchor, clauseRegistry: f.network.addresses.clauseRegistry, nodeRegistry: f.network.addresses.nodeRegistry });
}

export const anchorOf = (f: ClauseFixture) => ({ chainId: f.network.chainId, address: f.network.addresses.rollupAnchor });

/** A co-signer with its own reader and its own records (in `store`). */
export function coSignerOf(f: ClauseFixture, client: PublicClient, account: PrivateKeyAccount, store: BatchStore): CoSignerClient {
  return createCoSigner({ common: silentCommon(), account, reader: readerOf(f, client), records: store.coSignerRecords(account.address), anchor: anchorOf(f) });
}

export type ResultOptions = {
  nodes?: DevNode[];
  output?: ClauseOutput;
  clause?: Partial<ClauseContext> & { ref?: string };
  timestamp?: bigint;
  tenant?: { tenantId: Hex; dao: Address; jurisdiction: string };
};

/** An AgreedResult for a fresh job id `label`, executed by `nodes` (default KEN nodes 0..2). */
export async function agreedResult(f: ClauseFixture, label: string, options: ResultOptions = {}): Promise<AgreedResult> {
  const nodes = options.nodes ?? f.nodes.slice(0, 3);
  const output = options.output ?? triggeredOutput();
  const jobId = keccak256(toBytes(`aggregator-test-job/${label}`));
  const clause: ClauseContext = {
    clauseId: options.clause?.clauseId ?? f.clauseId,
    clauseVersion: options.clause?.clauseVersion ?? f.clauseVersion,
    codeHash: options.clause?.codeHash ?? ((await f.network.contracts.clauseRegistry.getClause(f.clauseId)).codeHash as Hex),
    configDigest: options.clause?.configDigest ?? f.configDigest,
  };
  const tenant = options.tenant ?? { tenantId: f.tenantId, dao: f.relief.timelockAddress, jurisdiction: "KEN" };
  const commitment = keccak256(toBytes(`commitment/${label}`));
  const inputBundle = { schema: "nsf.inputs/1", job_id: jobId, trigger: { type: "dao", commitment }, values: { rainfall_72h_mm_x10: "1875", insured_households: "1200" } };
  const now = options.timestamp ?? (await chainTime(f.connection));
  const scripted = await signCacs(f.network, clause, { jobId, tenantId: tenant.tenantId, inputBundle, resultSeq: 1n }, nodes, output, now);
  const anchor = anchorOf(f);
  const encodedOutput = encodeClauseOutput(output);
  const byAddress = new Map(nodes.map((n) => [n.enclave.address.toLowerCase(), n]));
  return {
    jobId,
    clauseId: clause.clauseId,
    clauseRef: options.clause?.ref ?? FLOOD_ID,
    tenantId: tenant.tenantId,
    dao: tenant.dao,
    jurisdiction: tenant.jurisdiction,
    inputHash: scripted.inputHash,
    outputHash: scripted.leaf.outputHash,
    output: encodedOutput,
    inputBundle,
    cacs: scripted.cacs.map((c) => {
      const node = byAddress.get(c.signer.toLowerCase())!;
      const json = buildCacJson({
        clauseId: options.clause?.ref ?? FLOOD_ID,
        cac: c.cac,
        anchor,
        triggerType: TriggerType.Dao,
        triggerCommitment: commitment,
        inputBundle,
        encodedOutput,
        runtime: { teeType: node.teeType, simulated: true, measurement: node.measurement, enclaveKey: node.enclave.address, attestationId: node.attestationId, verdictId: node.verdictId, tcbStatus: node.tcbStatus },
        sandbox: { abi: "nsf-clause/1", stepLimit: 100_000n, stepsUsed: 321n, memoryPages: 1 },
      });
      return { signer: c.signer, cac: c.cac, digest: c.digest, signature: c.signature, json: json as unknown as Record<string, unknown> };
    }),
    agreedAt: now,
  };
}

export type Proposal = { header: BatchHeader; bundle: BatchBundle };

/** What the batcher would propose for `results` as batch `batchSeq` on the current chain. */
export async function proposeBatch(f: ClauseFixture, results: AgreedResult[], batchSeq = 1n): Promise<Proposal> {
  const prevCommitment = (await f.network.contracts.rollupAnchor.batchCommitment(batchSeq - 1n)) as Hex;
  const [configDigest] = await f.network.contracts.rollupAnchor.config();
  const { range, assigned } = assignResultSeqs(lastSeqOfCommitment(prevCommitment), results.map((r) => ({ jobId: r.jobId, r })));
  const leaves = assigned.map(({ item, resultSeq }) => leafOfResult(item.r, resultSeq));
  const hashes = leaves.map((l) => fastLeafHash(l));
  const tree = buildBatchTree(hashes);
  const entries: BundleEntry[] = results.map((result, i) => ({ result, leaf: leaves[i]!, leafHash: hashes[i]!, proof: tree.proofs[i]! }));
  const bundle = buildBatchBundle(
    { chainId: f.network.chainId, rollupAnchor: f.network.addresses.rollupAnchor, batchSeq, firstSeq: range.firstSeq, lastSeq: range.lastSeq, prevCommitment, configDigest: configDigest as Hex, root: tree.root },
    entries,
  );
  const header = buildBatchHeader({ batchSeq, prevCommitment, count: range.count, root: tree.root, bundleHash: bundleHashOf(bundleBytes(bundle)), configDigest: configDigest as Hex });
  return { header, bundle };
}

/** After tampering with `proposal.bundle`: recompute leaf hashes, tree, proofs, root and bundle hash so that only the tampered check can fail. */
export function reseal(proposal: Proposal): Proposal {
  const bundle = structuredClone(proposal.bundle);
  const hashes = bundle.results.map((r) =>
    fastLeafHash({ jobId: r.job_id as Hex, resultSeq: BigInt(r.result_seq), clauseId: r.clause_id as Hex, tenantId: r.tenant.tenant_id as Hex, inputHash: r.input_hash as Hex, outputHash: r.output_hash as Hex, cacSetHash: r.cac_set_hash as Hex }),
  );
  const tree = buildBatchTree(hashes);
  bundle.results.forEach((r, i) => {
    r.leaf_hash = hashes[i]!;
    r.proof = tree.proofs[i]!;
  });
  bundle.batch.root = tree.root;
  return rehash({ header: { ...proposal.header, root: tree.root }, bundle });
}

/** After tampering with the bundle only: the header's bundleHash follows it. */
export function rehash(proposal: Proposal): Proposal {
  return { header: { ...proposal.header, bundleHash: bundleHashOf(bundleBytes(proposal.bundle)) }, bundle: proposal.bundle };
}

/** A funded submitter key (dev key, public: never use on a real network). */
export async function fundedSubmitter(f: ClauseFixture, label = "submitter"): Promise<PrivateKeyAccount> {
  const account = privateKeyToAccount(keccak256(toBytes(`NSF DEV KEY - aggregator test ${label} - public, never fund`)));
  await f.connection.networkHelpers.setBalance(account.address, 10n ** 21n);
  return account;
}

export type { BundleEntry };
