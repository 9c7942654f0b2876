import type { Address, Hex } from "viem";
import type { BundleIndex } from "./createBundleIndex.js";
import type { NodeView } from "./ExplorerApi.js";
import { argsOf, chainHead, checksum, nameOf, NODE_STATUSES, rpc, type ExplorerChain } from "./explorerChain.js";
import { readNodeSummary } from "./readExecution.js";

/**
 * The node page: NodeRegistry's registration, attestation and status history for an enclave key, equivocation and
 * dispute evidence from DisputeResolver, and the executions it signed CACs for in the anchored bundles the gateway
 * serves (its reliability: the share of those CACs that matched the agreed output).
 */
export async function readNode(parameters: { chain: ExplorerChain; index: BundleIndex; enclaveKey: Address }): Promise<NodeView> {
  const { chain, index } = parameters;
  const enclaveKey = checksum(parameters.enclaveKey);
  const now = Number((await chainHead(chain)).timestamp);
  const events = (eventName: string, address: Address, abi: typeof chain.abis.NodeRegistry) =>
    rpc(eventName, () => chain.client.getContractEvents({ address, abi, eventName, args: { enclaveKey }, fromBlock: chain.fromBlock }));
  const [node, registered, attested, status] = await Promise.all([
    readNodeSummary(chain, enclaveKey, now),
    events("NodeRegistered", chain.contracts.nodeRegistry, chain.abis.NodeRegistry),
    events("NodeAttested", chain.contracts.nodeRegistry, chain.abis.NodeRegistry),
    events("NodeStatusChanged", chain.contracts.nodeRegistry, chain.abis.NodeRegistry),
  ]);
  const equivocations = chain.contracts.disputeResolver ? await events("EquivocationProven", chain.contracts.disputeResolver, chain.abis.DisputeResolver) : [];
  const disputeLogs = chain.contracts.disputeResolver
    ? await rpc("DisputeOpened", () => chain.client.getContractEvents({ address: chain.contracts.disputeResolver!, abi: chain.abis.DisputeResolver, eventName: "DisputeOpened", fromBlock: chain.fromBlock }))
    : [];
  const mine = (a: unknown) => String(a).toLowerCase() === enclaveKey.toLowerCase();

  const executions: NodeView["executions"] = [];
  let bundlesUnavailable = 0;
  for (const batch of await rpc("BatchAnchored", () => index.batches())) {
    const indexed = await index.bundleOf(batch);
    if (indexed.status !== "found") {
      bundlesUnavailable += 1;
      continue;
    }
    for (const r of indexed.value.results) {
      const cac = r.cacs.find((c) => mine(c.signer));
      if (cac) executions.push({ jobId: r.jobId, batchSeq: batch.batchSeq.toString(), agreed: cac.outputHash?.toLowerCase() === r.outputHash.toLowerCase() });
    }
  }
  const reg = registered[0];
  return {
    schema: "nsf.explorer-node/1",
    node,
    registered: reg ? { txHash: reg.transactionHash as Hex, blockNumber: (reg.blockNumber as bigint).toString(), sovereign: Boolean(argsOf(reg).sovereign) } : null,
    attestations: attested.map((log) => {
      const a = argsOf(log);
      return { attestedAt: Number(a.attestedAt), validUntil: Number(a.validUntil), measurement: a.measurement as Hex, attestationId: a.attestationId as Hex, txHash: log.transactionHash as Hex };
    }),
    statusChanges: status.map((log) => {
      const a = argsOf(log);
      return { from: nameOf(NODE_STATUSES, a.from), to: nameOf(NODE_STATUSES, a.to), reason: a.reason as Hex, txHash: log.transactionHash as Hex };
    }),
    executions,
    reliability: executions.length === 0 ? null : executions.filter((e) => e.agreed).length / executions.length,
    equivocations: equivocations.map((log) => {
      const a = argsOf(log);
      return { jobId: a.jobId as Hex, outputHashA: a.outputHashA as Hex, outputHashB: a.outputHashB as Hex, txHash: log.transactionHash as Hex };
    }),
    disputes: disputeLogs
      .filter((log) => mine(argsOf(log).signerA) || mine(argsOf(log).signerB))
      .map((log) => {
        const a = argsOf(log);
        return { jobId: a.jobId as Hex, signerA: checksum(a.signerA as string), signerB: checksum(a.signerB as string), txHash: log.transactionHash as Hex };
      }),
    bundlesUnavailable,
  };
}
