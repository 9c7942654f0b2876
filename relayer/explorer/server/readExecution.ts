import { decodeEventLog, type Address, type Hex } from "viem";
import { nodeRegistryAbi } from "../../core/abi/contractAbis.js";
import { NsfError } from "../../core/errors/NsfError.js";
import type { BundleIndex } from "./createBundleIndex.js";
import type { ExecutionVerifier } from "./ExecutionVerifier.js";
import type { CacView, ExecutionView, JobView, NodeSummary, TriggerView } from "./ExplorerApi.js";
import { argsOf, chainHead, checksum, jurisdictionText, nameOf, rpc, TEE_TYPES, NODE_STATUSES, type ExplorerChain } from "./explorerChain.js";
import { jobViewOf } from "./readJobs.js";

/** The job's `JobRequested` as the page shows it; a typed not-found error when the router never requested it. */
export async function readJob(chain: ExplorerChain, jobId: Hex): Promise<JobView> {
  const logs = await rpc("JobRequested", () =>
    chain.client.getContractEvents({ address: chain.contracts.jobRouter, abi: chain.abis.JobRouter, eventName: "JobRequested", args: { jobId }, fromBlock: chain.fromBlock }),
  );
  const log = logs[0];
  if (!log) throw new NsfError("NSF_EXPLORER_NOT_FOUND", { shortMessage: `no JobRequested for execution ${jobId} on JobRouter ${chain.contracts.jobRouter}` });
  const clauseId = argsOf(log).clauseId as Hex;
  const clauses = await rpc("ClauseRegistered", () =>
    chain.client.getContractEvents({ address: chain.contracts.clauseRegistry, abi: chain.abis.ClauseRegistry, eventName: "ClauseRegistered", args: { clauseId }, fromBlock: chain.fromBlock }),
  );
  return jobViewOf(chain, log, clauses[0] ? String(argsOf(clauses[0]).id) : null);
}

async function readTrigger(chain: ExplorerChain, job: JobView): Promise<TriggerView> {
  if (job.triggerType === 1) {
    const [log] = await rpc("SensorTriggerFired", () =>
      chain.client.getContractEvents({ address: chain.contracts.jobRouter, abi: chain.abis.JobRouter, eventName: "SensorTriggerFired", args: { jobId: job.jobId }, fromBlock: BigInt(job.blockNumber) }),
    );
    if (log) {
      const a = argsOf(log);
      return { kind: "sensor", triggerId: String(a.triggerId), feed: checksum(a.feed as string), roundId: String(a.roundId), answer: String(a.answer), updatedAt: Number(a.updatedAt) };
    }
  }
  if (job.triggerType === 2) {
    const [log] = await rpc("SimulationResultPosted", () =>
      chain.client.getContractEvents({ address: chain.contracts.jobRouter, abi: chain.abis.JobRouter, eventName: "SimulationResultPosted", args: { jobId: job.jobId }, fromBlock: BigInt(job.blockNumber) }),
    );
    if (log) {
      const a = argsOf(log);
      return { kind: "simulation", triggerId: String(a.triggerId), simulator: checksum(a.simulator as string), resultCommitment: a.resultCommitment as Hex };
    }
  }
  if (job.triggerType === 0) {
    // A DAO trigger is a proposal the DAO's timelock executed: its Governor logs ProposalExecuted in the same transaction.
    const receipt = await rpc("receipt", () => chain.client.getTransactionReceipt({ hash: job.txHash }));
    for (const log of receipt.logs) {
      try {
        const decoded = decodeEventLog({ abi: chain.abis.NSFGovernor, data: log.data, topics: log.topics });
        if (decoded.eventName === "ProposalExecuted") return { kind: "dao", governor: checksum(log.address), proposalId: String(argsOf(decoded).proposalId), dao: job.dao };
      } catch {
        // not a Governor event
      }
    }
    return { kind: "dao", governor: null, proposalId: null, dao: job.dao };
  }
  return { kind: "unknown", triggerType: job.triggerType };
}

/** What NodeRegistry says now about an enclave key, and how long its attestation has left at chain time `now`. */
export async function readNodeSummary(chain: ExplorerChain, enclaveKey: Address, now: number): Promise<NodeSummary> {
  const node = await rpc("getNode", () => chain.client.readContract({ address: chain.contracts.nodeRegistry, abi: nodeRegistryAbi, functionName: "getNode", args: [enclaveKey] }));
  const registered = node.status !== 0;
  return {
    enclaveKey: checksum(enclaveKey),
    operator: registered ? checksum(node.operator) : null,
    jurisdiction: registered ? jurisdictionText(node.jurisdiction) : null,
    teeType: registered ? nameOf(TEE_TYPES, node.teeType) : null,
    status: nameOf(NODE_STATUSES, node.status),
    attestedAt: registered ? Number(node.attestedAt) : null,
    attestedUntil: registered ? Number(node.attestedUntil) : null,
    freshnessSeconds: registered ? Number(node.attestedUntil) - now : null,
  };
}

type BundleCacJson = { signer?: string; cac?: { timestamp?: number | string; hash_graph?: { output_hash?: Hex; input_hash?: Hex } } };
type BundleResultJson = { job_id?: string; result_seq?: string; output_hash?: Hex; output?: Hex; agreed_at?: string; cacs?: BundleCacJson[] };

/**
 * The execution page: the evidence chain (trigger → job → nodes → CACs → batch → anchor → bundle) drawn from public
 * data, and the verification core's report on it.
 */
export async function readExecution(parameters: { chain: ExplorerChain; index: BundleIndex; verify: ExecutionVerifier; jobId: Hex }): Promise<ExecutionView> {
  const { chain, index, jobId } = parameters;
  const job = await readJob(chain, jobId);
  const [trigger, report, located] = await Promise.all([readTrigger(chain, job), parameters.verify.verify(jobId), locateExecution(index, jobId)]);

  const equivocations = chain.contracts.disputeResolver
    ? (
        await rpc("EquivocationProven", () =>
          chain.client.getContractEvents({ address: chain.contracts.disputeResolver!, abi: chain.abis.DisputeResolver, eventName: "EquivocationProven", args: { jobId }, fromBlock: chain.fromBlock }),
        )
      ).map((log) => {
        const a = argsOf(log);
        return { enclaveKey: checksum(a.enclaveKey as string), outputHashA: a.outputHashA as Hex, outputHashB: a.outputHashB as Hex, txHash: log.transactionHash as Hex };
      })
    : [];
  const equivocators = new Set(equivocations.map((e) => e.enclaveKey.toLowerCase()));

  const clauseLogs = await rpc("ClauseRegistered", () =>
    chain.client.getContractEvents({ address: chain.contracts.clauseRegistry, abi: chain.abis.ClauseRegistry, eventName: "ClauseRegistered", args: { clauseId: job.clauseId }, fromBlock: chain.fromBlock }),
  );
  const quorumK = clauseLogs[0] ? Number(argsOf(clauseLogs[0]).quorumK) : null;

  let result: ExecutionView["result"] = null;
  const signers: Address[] = [];
  if (located) {
    const r = located.result;
    const cacs: CacView[] = (r.cacs ?? []).map((c) => {
      const outputHash = c.cac?.hash_graph?.output_hash ?? null;
      const signer = checksum(String(c.signer));
      signers.push(signer);
      return {
        signer,
        outputHash,
        inputHash: c.cac?.hash_graph?.input_hash ?? null,
        timestamp: c.cac?.timestamp !== undefined ? String(c.cac.timestamp) : null,
        disagrees: (outputHash !== null && outputHash.toLowerCase() !== String(r.output_hash).toLowerCase()) || equivocators.has(signer.toLowerCase()),
      };
    });
    result = { resultSeq: String(r.result_seq), outputHash: r.output_hash as Hex, output: r.output as Hex, agreedAt: String(r.agreed_at), cacs, quorumK };
  }
  const now = Number((await chainHead(chain)).timestamp);
  const nodes = await Promise.all(signers.map((s) => readNodeSummary(chain, s, now)));
  const batch = report.batch ?? (located ? { batchSeq: located.batch.batchSeq.toString(), anchorTx: located.batch.txHash, anchorBlock: located.batch.blockNumber.toString(), root: located.batch.root, bundleHash: located.batch.bundleHash } : undefined);
  const arweaveTxId = report.batch?.arweaveTxId ?? located?.arweaveTxId ?? null;
  return {
    schema: "nsf.explorer-execution/1",
    job,
    trigger,
    nodes,
    result,
    anchor: batch ? { batchSeq: batch.batchSeq, txHash: batch.anchorTx, blockNumber: batch.anchorBlock, root: batch.root, bundleHash: batch.bundleHash } : null,
    bundle: { arweaveTxId, downloadPath: located ? `/api/executions/${jobId}/bundle` : null },
    equivocations,
    report,
  };
}

/** The anchored bundle that holds `jobId`, newest batch first; undefined when no readable bundle does. */
export async function locateExecution(index: BundleIndex, jobId: Hex) {
  const batches = await rpc("BatchAnchored", () => index.batches());
  for (const batch of batches.reverse()) {
    const indexed = await index.bundleOf(batch);
    if (indexed.status !== "found" || !indexed.value.results.some((r) => r.jobId.toLowerCase() === jobId.toLowerCase())) continue;
    const results = (indexed.value.document as { results?: BundleResultJson[] }).results ?? [];
    const result = results.find((r) => String(r.job_id).toLowerCase() === jobId.toLowerCase());
    if (result) return { batch, arweaveTxId: indexed.value.arweaveTxId, document: indexed.value.document, result };
  }
  return undefined;
}
