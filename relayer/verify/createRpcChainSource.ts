import { getAddress, parseEventLogs, type Address, type Hex, type PublicClient } from "viem";
import { clauseRegistryViewAbi, jobRouterAbi, nodeRegistryAbi, rollupAnchorAbi } from "../core/abi/contractAbis.js";
import { ExecutionModel } from "../core/formats/enums.js";
import { readZkBinding } from "../chain/readZkBinding.js";
import {
  absent,
  found,
  unavailable,
  type AggregatorConfigEvidence,
  type AnchorEvidence,
  type ClauseEvidence,
  type ExecutorEvidence,
  type Fetched,
  type JobRequestEvidence,
} from "../core/verify/ExecutionEvidence.js";

/**
 * The chain reads of `nsf verify`, over any EVM JSON-RPC endpoint (a viem public client): events, the anchor
 * transaction, and registry state *at the anchor block* (what the co-signers saw when they signed). Public data
 * only. Every read answers `found`, `absent` (the chain says there is none) or `unavailable` (the RPC failed).
 */
export type ChainSource = {
  chainId(): Promise<Fetched<bigint>>;
  /** Whether `hash` is a mined transaction (to tell an anchor transaction from an execution id, both 32 bytes). */
  isTransaction(hash: Hex): Promise<Fetched<boolean>>;
  /** The BatchAnchored event a transaction emitted (absent: no such transaction, or it anchored nothing). */
  anchorByTx(txHash: Hex): Promise<Fetched<AnchorEvidence>>;
  /** The BatchAnchored event of a batch sequence on `rollupAnchor`. */
  anchorByBatchSeq(rollupAnchor: Address, batchSeq: bigint): Promise<Fetched<AnchorEvidence>>;
  /** Every BatchAnchored of `rollupAnchor` from `fromBlock` on, in chain order. */
  anchorsSince(rollupAnchor: Address, fromBlock: bigint): Promise<Fetched<AnchorEvidence[]>>;
  /** The last ConfigSet of `rollupAnchor` before the anchor event (block, then log index). */
  aggregatorConfigAt(rollupAnchor: Address, anchor: Pick<AnchorEvidence, "blockNumber" | "logIndex">): Promise<Fetched<AggregatorConfigEvidence>>;
  /** JobRequested for `jobId` from any contract (`router` narrows the search when known). */
  jobRequested(jobId: Hex, router?: Address): Promise<Fetched<JobRequestEvidence>>;
  /** `JobRouter.clauses()`: the ClauseRegistry a router checks clauses against. */
  clauseRegistryOf(router: Address): Promise<Fetched<Address>>;
  /** `RollupAnchor.nodeRegistry()`. */
  nodeRegistryOf(rollupAnchor: Address): Promise<Fetched<Address>>;
  clauseAt(registry: Address, clauseId: Hex, blockNumber: bigint): Promise<Fetched<ClauseEvidence>>;
  executorAt(nodeRegistry: Address, enclaveKey: Address, cacTimestamp: bigint, blockNumber: bigint): Promise<Fetched<ExecutorEvidence>>;
};

export type RpcChainSourceParameters = {
  client: Pick<PublicClient, "getChainId" | "getTransactionReceipt" | "getTransaction" | "getLogs" | "readContract">;
  /** Oldest block to search logs from (default 0); a deployment block keeps log queries short on long chains. */
  fromBlock?: bigint;
};

const message = (error: unknown) => (error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message).split("\n")[0]! : String(error));

export function createRpcChainSource(parameters: RpcChainSourceParameters): ChainSource {
  const { client } = parameters;
  const origin = parameters.fromBlock ?? 0n;
  const guard = async <T>(what: string, fn: () => Promise<Fetched<T>>): Promise<Fetched<T>> => {
    try {
      return await fn();
    } catch (error) {
      return unavailable(`${what}: ${message(error)}`);
    }
  };
  const batchAnchoredEvent = rollupAnchorAbi.find((i) => i.type === "event" && i.name === "BatchAnchored")!;
  const configSetEvent = rollupAnchorAbi.find((i) => i.type === "event" && i.name === "ConfigSet")!;
  const jobRequestedEvent = jobRouterAbi.find((i) => i.type === "event" && i.name === "JobRequested")!;
  const nodeAttestedEvent = nodeRegistryAbi.find((i) => i.type === "event" && i.name === "NodeAttested")!;

  async function commitment(rollupAnchor: Address, batchSeq: bigint, blockNumber: bigint): Promise<Hex> {
    return client.readContract({ address: rollupAnchor, abi: rollupAnchorAbi, functionName: "batchCommitment", args: [batchSeq], blockNumber });
  }

  /** Completes one BatchAnchored log with its transaction and the commitments around it. */
  async function evidenceOf(log: { address: Address; blockNumber: bigint; logIndex: number; transactionHash: Hex; args: { batchSeq: bigint; root: Hex; lastSeq: bigint; bundleHash: Hex; arweaveTxId: Hex; signerBitmap: bigint } }): Promise<AnchorEvidence> {
    const [tx, receipt] = await Promise.all([client.getTransaction({ hash: log.transactionHash }), client.getTransactionReceipt({ hash: log.transactionHash })]);
    const emitter = getAddress(log.address);
    const [prevCommitment, storedCommitment] = await Promise.all([
      commitment(emitter, log.args.batchSeq - 1n, log.blockNumber),
      commitment(emitter, log.args.batchSeq, log.blockNumber),
    ]);
    return {
      txHash: log.transactionHash,
      blockNumber: log.blockNumber,
      logIndex: log.logIndex,
      emitter,
      txTo: tx.to ? getAddress(tx.to) : null,
      txSucceeded: receipt.status === "success",
      calldata: tx.input,
      event: { ...log.args },
      prevCommitment,
      storedCommitment,
    };
  }

  return {
    chainId: () => guard("eth_chainId", async () => found(BigInt(await client.getChainId()))),

    isTransaction: (hash) =>
      guard(`transaction ${hash}`, async () => {
        try {
          await client.getTransactionReceipt({ hash });
          return found(true);
        } catch (error) {
          if ((error as { name?: string }).name === "TransactionReceiptNotFoundError") return found(false);
          throw error;
        }
      }),

    anchorByTx: (txHash) =>
      guard(`transaction ${txHash}`, async () => {
        let receipt;
        try {
          receipt = await client.getTransactionReceipt({ hash: txHash });
        } catch (error) {
          if ((error as { name?: string }).name === "TransactionReceiptNotFoundError") return absent(`no transaction ${txHash} on this chain`);
          throw error;
        }
        const logs = parseEventLogs({ abi: [batchAnchoredEvent], logs: receipt.logs, eventName: "BatchAnchored" });
        if (logs.length === 0) return absent(`transaction ${txHash} emitted no BatchAnchored event`);
        return found(await evidenceOf(logs[0]! as never));
      }),

    anchorByBatchSeq: (rollupAnchor, batchSeq) =>
      guard(`BatchAnchored(${batchSeq})`, async () => {
        const logs = await client.getLogs({ address: rollupAnchor, event: batchAnchoredEvent, args: { batchSeq }, fromBlock: origin, toBlock: "latest" });
        if (logs.length === 0) return absent(`RollupAnchor ${rollupAnchor} has no BatchAnchored for batch ${batchSeq}`);
        return found(await evidenceOf(logs[0]! as never));
      }),

    anchorsSince: (rollupAnchor, fromBlock) =>
      guard(`BatchAnchored since block ${fromBlock}`, async () => {
        const logs = await client.getLogs({ address: rollupAnchor, event: batchAnchoredEvent, fromBlock: fromBlock > origin ? fromBlock : origin, toBlock: "latest" });
        return found(await Promise.all(logs.map((l) => evidenceOf(l as never))));
      }),

    aggregatorConfigAt: (rollupAnchor, anchor) =>
      guard("ConfigSet history", async () => {
        const logs = await client.getLogs({ address: rollupAnchor, event: configSetEvent, fromBlock: origin, toBlock: anchor.blockNumber });
        const before = logs.filter((l) => l.blockNumber! < anchor.blockNumber || (l.blockNumber === anchor.blockNumber && l.logIndex! < anchor.logIndex));
        const last = before.at(-1);
        if (!last) return absent(`RollupAnchor ${rollupAnchor} set no aggregator config before block ${anchor.blockNumber}`);
        const a = last.args as { configDigest: Hex; configVersion: bigint; threshold: number; signers: readonly Address[] };
        return found({ configDigest: a.configDigest, configVersion: a.configVersion, threshold: a.threshold, signers: [...a.signers], blockNumber: last.blockNumber!, txHash: last.transactionHash! });
      }),

    jobRequested: (jobId, router) =>
      guard(`JobRequested(${jobId})`, async () => {
        const logs = await client.getLogs({ ...(router ? { address: router } : {}), event: jobRequestedEvent, args: { jobId }, fromBlock: origin, toBlock: "latest" });
        const log = logs[0];
        if (!log) return absent(`no JobRequested for execution ${jobId} on this chain`);
        const a = log.args as { clauseId: Hex; tenantId: Hex; clauseVersion: number; triggerType: number; inputCommitment: Hex; dao: Address; jurisdiction: Hex };
        return found({ router: getAddress(log.address), blockNumber: log.blockNumber!, clauseId: a.clauseId, tenantId: a.tenantId, clauseVersion: a.clauseVersion, triggerType: a.triggerType, inputCommitment: a.inputCommitment, dao: a.dao, jurisdiction: a.jurisdiction });
      }),

    clauseRegistryOf: (router) => guard(`JobRouter.clauses() at ${router}`, async () => found(getAddress(await client.readContract({ address: router, abi: jobRouterAbi, functionName: "clauses" })))),

    nodeRegistryOf: (rollupAnchor) =>
      guard(`RollupAnchor.nodeRegistry() at ${rollupAnchor}`, async () => found(getAddress(await client.readContract({ address: rollupAnchor, abi: rollupAnchorAbi, functionName: "nodeRegistry" })))),

    clauseAt: (registry, clauseId, blockNumber) =>
      guard(`ClauseRegistry.getClause(${clauseId}) at block ${blockNumber}`, async () => {
        let c;
        try {
          c = await client.readContract({ address: registry, abi: clauseRegistryViewAbi, functionName: "getClause", args: [clauseId], blockNumber });
        } catch (error) {
          if (isRevert(error, "ClauseRegistryUnknownClause")) return absent(`clause ${clauseId} was not registered at ${registry} at block ${blockNumber}`);
          throw error;
        }
        if (c.status === 0) return absent(`clause ${clauseId} was not registered at ${registry} at block ${blockNumber}`);
        const facts: ClauseEvidence = { registry, version: c.version, status: c.status, model: c.model, quorumK: c.quorumK, quorumN: c.quorumN, policyFlags: c.policyFlags, codeHash: c.codeHash, configDigest: c.configDigest };
        if (c.model !== ExecutionModel.Zk) return found(facts);
        const zkBinding = await readZkBinding(client, registry, clauseId, blockNumber);
        return found(zkBinding ? { ...facts, zkBinding } : facts);
      }),

    executorAt: (nodeRegistry, enclaveKey, cacTimestamp, blockNumber) =>
      guard(`NodeRegistry ${enclaveKey} at block ${blockNumber}`, async () => {
        const [active, node, attested] = await Promise.all([
          client.readContract({ address: nodeRegistry, abi: nodeRegistryAbi, functionName: "isActiveAt", args: [enclaveKey, cacTimestamp], blockNumber }),
          client.readContract({ address: nodeRegistry, abi: nodeRegistryAbi, functionName: "getNode", args: [enclaveKey], blockNumber }),
          client.getLogs({ address: nodeRegistry, event: nodeAttestedEvent, args: { enclaveKey }, fromBlock: origin, toBlock: blockNumber }),
        ]);
        // The verdict in force at the CAC's time: the latest whose attestedAt is not after it (attestedAt increases per key).
        const inForce = attested.map((l) => l.args as { measurement: Hex; attestationId: Hex; attestedAt: bigint; validUntil: bigint }).filter((a) => a.attestedAt <= cacTimestamp).at(-1);
        const registration = inForce
          ? { nodeRegistry, teeType: node.teeType, measurement: inForce.measurement, attestationId: inForce.attestationId, attestedAt: inForce.attestedAt, validUntil: inForce.validUntil }
          : undefined;
        return found({ activeAtCacTime: active, status: node.status, activeSince: node.activeSince, attestedUntil: node.attestedUntil, jurisdiction: node.jurisdiction, ...(registration ? { registration } : {}) });
      }),
  };
}

function isRevert(error: unknown, name: string): boolean {
  const walk = (error as { walk?: (fn: (e: unknown) => boolean) => unknown }).walk;
  if (typeof walk !== "function") return false;
  return Boolean(walk.call(error, (e) => (e as { data?: { errorName?: string } }).data?.errorName === name));
}
