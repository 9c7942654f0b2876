import { randomBytes } from "node:crypto";
import { keccak256, toBytes, type Address, type Hex, type PublicClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { buildCacJson } from "../../relayer/core/cac/cacJson.js";
import { canonicalJsonHash } from "../../relayer/core/formats/canonicalJson.js";
import { clauseIdOf, packClauseVersion, parseClauseId } from "../../relayer/core/formats/clauseRef.js";
import { batchHeaderTypedData, type Deployment } from "../../relayer/core/formats/eip712.js";
import { TriggerType } from "../../relayer/core/formats/enums.js";
import { tenantIdOf } from "../../relayer/core/formats/ids.js";
import { decodeClauseOutput, encodeClauseOutput, type ClauseOutput } from "../../relayer/core/formats/output.js";
import { assembleQuorumProof } from "../../relayer/core/quorum/quorumProof.js";
import type { AgreedResult } from "../../relayer/core/results/AgreedResult.js";
import { arweaveTxIdToBytes32, ZERO_ARWEAVE_TX_ID } from "../../relayer/core/verify/arweaveTxId.js";
import { anchorHeaderArg } from "../../relayer/core/batching/batchHeader.js";
import type { DevConnection } from "../../relayer/devnet/connection.js";
import { devAccounts } from "../../relayer/devnet/devKeys.js";
import { registerDevNode, type DevNode } from "../../relayer/devnet/nodes.js";
import { signCacs, type ClauseContext } from "../../relayer/devnet/scriptedPipeline.js";
import { loadBuiltClause } from "../../relayer/executor/clauseStore/loadBuiltClause.js";
import { exampleClauseDir } from "../../relayer/devnet/setUpDevNetwork.js";
import { BUNDLE_APP_NAME, BundleTag } from "../../relayer/verify/ArweaveSource.js";
import { createDirectoryCodeSource } from "../../relayer/verify/createDirectoryCodeSource.js";
import type { InMemoryArweave } from "../../relayer/verify/createInMemoryArweaveSource.js";
import { createRpcChainSource } from "../../relayer/verify/createRpcChainSource.js";
import { createSandboxReplayer } from "../../relayer/verify/createSandboxReplayer.js";
import { proposeBatch, rehash, reseal, type Proposal } from "../aggregator/aggregatorFixture.js";
import { baseFixture, chainTime, clauseSpec, FLOOD_ID, KEN, type BaseFixture, type ClauseFixture } from "../helpers/fixtures.js";

// The verification tests' world: a real (in-process EDR) chain with the network deployed, the flood clause
// registered with its REAL code hash (so replay re-executes the real WASM), in-country 3-of-5, five attested
// simulated enclaves (4 KEN, 1 UGA), and two DAO-requested jobs whose CACs are signed over the output the real
// module computes. Batches are anchored for real with the dev aggregator keys: a tampered bundle can be anchored
// as a colluding aggregator quorum would, so each check is exercised on its own.

export type VerifyFixture = BaseFixture & {
  clause: ClauseContext & { ref: string };
  nodes: DevNode[];
  /** Two DAO-requested jobs (JobRequested on-chain) with their input bundles. */
  jobs: { jobId: Hex; inputBundle: Record<string, unknown>; commitment: Hex }[];
  anchor: Deployment;
};

export const FLOOD_VALUES = { rainfall_72h_mm_x10: "1875", insured_households: "1200" };

export async function verifyFixture(connection: DevConnection, options: { deploymentId?: string } = {}): Promise<VerifyFixture> {
  const base = await baseFixture(connection, options);
  const { network, reliefTimelock, actors, roles } = base;
  const build = await loadBuiltClause(exampleClauseDir("flood-payout"));
  await (await network.contracts.clauseRegistry.connect(reliefTimelock).registerClause(clauseSpec(FLOOD_ID, { codeHash: build.manifest.codeHash, policyFlags: 1 }))).wait();
  const clauseId = clauseIdOf(FLOOD_ID);
  const registered = await network.contracts.clauseRegistry.getClause(clauseId);
  const now = await chainTime(connection);
  const nodes: DevNode[] = [];
  for (const [i, enclave] of devAccounts("verify-enclave", 5).entries()) {
    nodes.push(await registerDevNode(network, roles, { enclave, operator: actors.operators[i]!, jurisdiction: i < 4 ? "KEN" : "UGA", sovereign: false }, now));
  }
  const jobs: VerifyFixture["jobs"] = [];
  for (const label of ["first", "second"]) {
    const document = { schema: "nsf.input-document/1", values: FLOOD_VALUES, memo: `verify ${label}` };
    const commitment = canonicalJsonHash(document);
    const t = await chainTime(connection);
    const tx = await network.contracts.jobRouter.connect(reliefTimelock).requestJob(clauseId, KEN, keccak256(toBytes(`verify-nonce/${label}`)), commitment, t + 3000n);
    const receipt = await tx.wait();
    const event = receipt!.logs.map((l) => network.contracts.jobRouter.interface.parseLog(l)).find((e) => e?.name === "JobRequested")!;
    const jobId = (event.args.jobId as string).toLowerCase() as Hex;
    jobs.push({ jobId, commitment, inputBundle: { schema: "nsf.inputs/1", job_id: jobId, trigger: { type: "dao", commitment }, values: FLOOD_VALUES } });
  }
  return {
    ...base,
    clause: { ref: FLOOD_ID, clauseId, clauseVersion: packClauseVersion(parseClauseId(FLOOD_ID)), codeHash: registered.codeHash as Hex, configDigest: registered.configDigest as Hex },
    nodes,
    jobs,
    anchor: { chainId: network.chainId, address: network.addresses.rollupAnchor },
  };
}

/** What the real flood module outputs for FLOOD_VALUES (replayed, not hard-coded). */
export async function realFloodOutput(): Promise<ClauseOutput> {
  const build = await loadBuiltClause(exampleClauseDir("flood-payout"));
  const replay = createSandboxReplayer();
  const outcome = await replay({ wasm: build.wasm, manifest: build.manifest, origin: "test" }, { values: FLOOD_VALUES });
  await replay.close();
  if (!outcome.ok) throw new Error(outcome.reason);
  return decodeClauseOutput(outcome.output);
}

export type ResultOverrides = { nodes?: DevNode[]; output?: ClauseOutput; timestamp?: bigint; anchor?: Deployment };

/** The agreed result of job `index`, CACs signed by `nodes` (default KEN nodes 0..2) as executor nodes sign them. */
export async function agreedResultOf(f: VerifyFixture, index: number, options: ResultOverrides = {}): Promise<AgreedResult> {
  const job = f.jobs[index]!;
  const nodes = options.nodes ?? f.nodes.slice(0, 3);
  const output = options.output ?? (await realFloodOutput());
  const anchor = options.anchor ?? f.anchor;
  const timestamp = options.timestamp ?? (await chainTime(f.connection));
  const network = options.anchor ? { ...f.network, addresses: { ...f.network.addresses, rollupAnchor: anchor.address }, chainId: BigInt(anchor.chainId) } : f.network;
  const tenantId = tenantIdOf(f.relief.timelockAddress, "KEN");
  const scripted = await signCacs(network, f.clause, { jobId: job.jobId, tenantId, inputBundle: job.inputBundle, resultSeq: 1n }, nodes, output, timestamp);
  const encodedOutput = encodeClauseOutput(output);
  const byAddress = new Map(nodes.map((n) => [n.enclave.address.toLowerCase(), n]));
  return {
    jobId: job.jobId,
    clauseId: f.clause.clauseId,
    clauseRef: f.clause.ref,
    tenantId,
    dao: f.relief.timelockAddress,
    jurisdiction: "KEN",
    inputHash: scripted.inputHash,
    outputHash: scripted.leaf.outputHash,
    output: encodedOutput,
    inputBundle: job.inputBundle,
    cacs: scripted.cacs.map((c) => {
      const node = byAddress.get(c.signer.toLowerCase())!;
      const json = buildCacJson({
        clauseId: f.clause.ref,
        cac: c.cac,
        anchor,
        triggerType: TriggerType.Dao,
        triggerCommitment: job.commitment,
        inputBundle: job.inputBundle,
        encodedOutput,
        runtime: { teeType: node.teeType, simulated: true, measurement: node.measurement, enclaveKey: node.enclave.address, attestationId: node.attestationId, verdictId: node.verdictId, tcbStatus: node.tcbStatus },
        sandbox: { abi: "nsf-clause/1", stepLimit: 100_000n, stepsUsed: 0n, memoryPages: 1 },
      });
      return { signer: c.signer, cac: c.cac, digest: c.digest, signature: c.signature, json: json as unknown as Record<string, unknown> };
    }),
    agreedAt: timestamp,
  };
}

/** The batch the batcher would seal for these results on this chain (header, bundle, tree, proofs). */
export const proposalOf = (f: VerifyFixture, results: AgreedResult[], batchSeq = 1n): Promise<Proposal> => proposeBatch(f as unknown as ClauseFixture, results, batchSeq);
export { rehash, reseal };

export type Anchored = { txHash: Hex; arweaveId: string; batchSeq: bigint };

export const randomArweaveId = (): string => randomBytes(32).toString("base64url");

/**
 * Anchors `proposal` for real: the dev aggregators (a threshold of them) sign its header, the submitter sends
 * `anchor(...)` with an Arweave locator, and (unless `archive` is false) the bundle is stored under that id with the
 * bundle tags. `archived` replaces what is stored (a wrong bundle at the right place).
 */
/** Posts `document` with `tags` to an archive and returns its Arweave id (in memory, or a real gateway). */
export type Archive = (document: unknown, tags: Record<string, string>) => Promise<string>;

export const inMemoryArchive = (arweave: InMemoryArweave): Archive => async (document, tags) => {
  const id = randomArweaveId();
  arweave.put(id, document, tags);
  return id;
};

export function bundleTags(f: VerifyFixture, batchSeq: bigint): Record<string, string> {
  return {
    [BundleTag.AppName]: BUNDLE_APP_NAME,
    [BundleTag.ChainId]: f.network.chainId.toString(),
    [BundleTag.BatchSeq]: batchSeq.toString(),
    [BundleTag.AnchorContract]: f.network.addresses.rollupAnchor,
  };
}

export async function anchorProposal(f: VerifyFixture, proposal: Proposal, arweave: InMemoryArweave | Archive, options: { archive?: boolean; archived?: unknown; signers?: PrivateKeyAccount[]; locator?: boolean } = {}): Promise<Anchored> {
  const { header } = proposal;
  const typed = batchHeaderTypedData(f.anchor, header);
  const signers = options.signers ?? f.roles.aggregators.slice(0, f.roles.aggregatorThreshold);
  const signatures = new Map<Address, Hex>();
  for (const s of signers) signatures.set(s.address, await s.signTypedData(typed));
  const [, configVersion, threshold] = await f.network.contracts.rollupAnchor.config();
  const proof = assembleQuorumProof({ configVersion, threshold: Number(threshold), signers: f.roles.aggregators.map((a) => a.address), signatures });
  // Archive first, then anchor with the locator (ADR 0013; the relayer's order is issue 5a's to document).
  const archive = typeof arweave === "function" ? arweave : inMemoryArchive(arweave);
  const arweaveId = options.archive === false ? randomArweaveId() : await archive(options.archived ?? proposal.bundle, bundleTags(f, header.batchSeq));
  const locator = options.locator === false ? ZERO_ARWEAVE_TX_ID : arweaveTxIdToBytes32(arweaveId);
  const receipt = await (await f.network.contracts.rollupAnchor.connect(f.actors.submitter).anchor(anchorHeaderArg(header), locator, proof)).wait();
  return { txHash: receipt!.hash as Hex, arweaveId, batchSeq: header.batchSeq };
}

/** The verification sources over this chain: a viem client on the in-process provider, the archive, the example clauses. */
export function sourcesOf(client: PublicClient, arweave: InMemoryArweave) {
  return { chain: createRpcChainSource({ client }), arweave, code: createDirectoryCodeSource([exampleClauseDir("flood-payout")]) };
}
