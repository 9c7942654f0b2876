import { decodeEventLog, formatUnits, type Address, type Hex, type Log } from "viem";
import type { ClauseVersionView, ClauseView, GovernanceEventView } from "./ExplorerApi.js";
import { argsOf, checksum, CLAUSE_STATUSES, jurisdictionText, nameOf, rpc, type ExplorerChain } from "./explorerChain.js";
import { readJobs } from "./readJobs.js";

const ZERO32 = `0x${"00".repeat(32)}`;

function versionOf(log: Log): ClauseVersionView {
  const a = argsOf(log as { args?: unknown });
  return {
    clauseId: a.clauseId as Hex,
    id: String(a.id),
    version: Number(a.version),
    codeHash: a.codeHash as Hex,
    parent: (a.parent as Hex).toLowerCase() === ZERO32 ? null : (a.parent as Hex),
    configDigest: a.configDigest as Hex,
    quorum: `${Number(a.quorumK)}-of-${Number(a.quorumN)}`,
    priority: Number(a.priority),
    policyFlags: Number(a.policyFlags),
    jurisdictions: (a.jurisdictions as Hex[]).map(jurisdictionText),
    owner: checksum(a.owner as string),
    txHash: log.transactionHash as Hex,
    blockNumber: (log.blockNumber as bigint).toString(),
  };
}

/**
 * The governance that caused a registry change: the Governor `ProposalExecuted` and timelock `CallExecuted` logged in
 * the transaction that emitted it, then that proposal's `ProposalCreated`, `VoteCast` and `ProposalQueued` and the
 * timelock operation's `CallScheduled`.
 */
async function governanceOf(chain: ExplorerChain, txHashes: Hex[]): Promise<GovernanceEventView[]> {
  const events: GovernanceEventView[] = [];
  const seen = new Set<string>();
  const push = (e: GovernanceEventView) => {
    const key = `${e.kind}:${e.txHash}:${e.detail}`;
    if (!seen.has(key)) (seen.add(key), events.push(e));
  };
  for (const hash of new Set(txHashes)) {
    const receipt = await rpc("receipt", () => chain.client.getTransactionReceipt({ hash }));
    for (const log of receipt.logs) {
      for (const [abi, emitterKind] of [[chain.abis.NSFGovernor, "governor"], [chain.abis.NSFTimelock, "timelock"]] as const) {
        let decoded: { eventName: string; args: unknown };
        try {
          decoded = decodeEventLog({ abi, data: log.data, topics: log.topics }) as { eventName: string; args: unknown };
        } catch {
          continue;
        }
        const a = argsOf(decoded);
        const emitter = checksum(log.address);
        if (emitterKind === "governor" && decoded.eventName === "ProposalExecuted") {
          const proposalId = a.proposalId as bigint;
          push({ kind: "ProposalExecuted", governorOrTimelock: emitter, proposalId: proposalId.toString(), detail: "executed through the timelock", txHash: hash, blockNumber: receipt.blockNumber.toString() });
          await proposalHistory(chain, emitter, proposalId, push);
        }
        if (emitterKind === "timelock" && decoded.eventName === "CallExecuted") {
          const id = a.id as Hex;
          push({ kind: "CallExecuted", governorOrTimelock: emitter, proposalId: null, detail: `operation ${id} call ${String(a.index)} → ${checksum(a.target as string)}`, txHash: hash, blockNumber: receipt.blockNumber.toString() });
          const scheduled = await rpc("CallScheduled", () => chain.client.getContractEvents({ address: emitter, abi: chain.abis.NSFTimelock, eventName: "CallScheduled", args: { id }, fromBlock: chain.fromBlock }));
          for (const s of scheduled) {
            const sa = argsOf(s);
            push({ kind: "CallScheduled", governorOrTimelock: emitter, proposalId: null, detail: `operation ${id} call ${String(sa.index)}, delay ${String(sa.delay)} s`, txHash: s.transactionHash as Hex, blockNumber: (s.blockNumber as bigint).toString() });
          }
        }
      }
    }
  }
  return events.sort((x, y) => Number(BigInt(x.blockNumber) - BigInt(y.blockNumber)));
}

async function proposalHistory(chain: ExplorerChain, governor: Address, proposalId: bigint, push: (e: GovernanceEventView) => void) {
  const logs = await rpc("Governor events", () => chain.client.getContractEvents({ address: governor, abi: chain.abis.NSFGovernor, fromBlock: chain.fromBlock }));
  for (const log of logs) {
    const a = argsOf(log);
    if (a.proposalId !== proposalId) continue;
    const base = { governorOrTimelock: governor, proposalId: proposalId.toString(), txHash: log.transactionHash as Hex, blockNumber: (log.blockNumber as bigint).toString() };
    const name = (log as { eventName?: string }).eventName;
    if (name === "ProposalCreated") push({ kind: "ProposalCreated", ...base, detail: `by ${checksum(a.proposer as string)}: ${String(a.description).split("\n")[0]!.slice(0, 160)}` });
    if (name === "VoteCast") push({ kind: "VoteCast", ...base, detail: `${checksum(a.voter as string)} voted ${["against", "for", "abstain"][Number(a.support)] ?? String(a.support)} with ${formatUnits(a.weight as bigint, 18)} votes` });
    if (name === "ProposalQueued") push({ kind: "ProposalQueued", ...base, detail: `eta ${String(a.etaSeconds)}` });
  }
}

/** The clause page: versions and forks of its line, code hash, status changes, the governance behind them, executions. */
export async function readClause(chain: ExplorerChain, clauseId: Hex): Promise<ClauseView> {
  const all = await rpc("ClauseRegistered", () => chain.client.getContractEvents({ address: chain.contracts.clauseRegistry, abi: chain.abis.ClauseRegistry, eventName: "ClauseRegistered", fromBlock: chain.fromBlock }));
  const mine = all.find((log) => String(argsOf(log).clauseId).toLowerCase() === clauseId.toLowerCase());
  const line = mine ? String(argsOf(mine).line).toLowerCase() : null;
  // Versions of the same line (same `line` topic), oldest first.
  const versions = all.filter((log) => line !== null && String(argsOf(log).line).toLowerCase() === line).map(versionOf);
  const views = all.map(versionOf);
  const forks = views
    .filter((v) => v.parent !== null && (v.parent.toLowerCase() === clauseId.toLowerCase() || (mine && versionOf(mine).parent?.toLowerCase() === v.clauseId.toLowerCase())))
    .map((v) => ({ clauseId: v.clauseId, id: v.id, version: v.version, parent: v.parent! }));
  const status = await rpc("ClauseStatusChanged", () =>
    chain.client.getContractEvents({ address: chain.contracts.clauseRegistry, abi: chain.abis.ClauseRegistry, eventName: "ClauseStatusChanged", args: { clauseId }, fromBlock: chain.fromBlock }),
  );
  const statusChanges = status.map((log) => {
    const a = argsOf(log);
    return { from: nameOf(CLAUSE_STATUSES, a.from), to: nameOf(CLAUSE_STATUSES, a.to), by: checksum(a.by as string), txHash: log.transactionHash as Hex, blockNumber: (log.blockNumber as bigint).toString() };
  });
  const governance = await governanceOf(chain, [...versions.filter((v) => v.clauseId.toLowerCase() === clauseId.toLowerCase()).map((v) => v.txHash), ...statusChanges.map((s) => s.txHash)]);
  const jobs = await readJobs(chain, { clauseId });
  return {
    schema: "nsf.explorer-clause/1",
    clauseId,
    versions,
    forks,
    statusChanges,
    governance,
    executions: jobs.map((j) => ({ jobId: j.jobId, timestamp: j.timestamp, blockNumber: j.blockNumber })),
  };
}
