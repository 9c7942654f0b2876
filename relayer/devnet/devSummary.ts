import { formatUnits, type Address, type Hex } from "viem";
import type { ZkFloodOutcome } from "./zkFloodPayout.js";

/** What `nsf dev` did, as written to `<out>/summary.json` (`nsf.dev-summary/1`) and printed at the end. */
export type DevSummary = {
  schema: "nsf.dev-summary/1";
  chain: { rpcUrl: string; chainId: string; blockTimeMs: number };
  contracts: Record<string, Address>;
  daos: { name: string; jurisdiction: string | null; timelock: Address; governor: Address }[];
  proposals: { dao: string; purpose: string; proposalId: string; executeTx: Hex }[];
  nodes: { enclaveKey: Address; jurisdiction: string; url: string; registrationTx: Hex }[];
  relayer: { statusUrl: string | null; configFile: string; logFile: string; coSigners: Address[]; submitter: Address };
  jobs: {
    label: string;
    jobId: Hex;
    clause: string;
    tenant: { dao: string; jurisdiction: string; tenantId: Hex };
    trigger: { type: "sensor" | "dao"; tx: Hex; detail: string };
    attempts: number;
    agreement: { k: number; cacs: number; signers: Address[]; outputHash: Hex };
    output: { status: number; action: string; amounts: string[] };
    batchSeq: string;
    resultSeq: string;
  }[];
  batches: {
    batchSeq: string;
    firstSeq: string;
    lastSeq: string;
    root: Hex;
    anchorTx: Hex | null;
    anchorBlock: string | null;
    gasUsed: string | null;
    bundleHash: Hex | null;
    /** The Arweave transaction holding the bundle, and whether the local gateway confirmed it by the summary. */
    arweave: { txId: string | null; locator: Hex; state: string } | null;
  }[];
  /** The local Arweave gateway (arlocal) the bundles are archived on. */
  arweave: { gatewayUrl: string; graphqlUrl: string; wallet: string } | null;
  /** The proof explorer `nsf dev` serves (it stays up with --keep-running) and the local Arweave gateway it reads. */
  explorer: { url: string; gateway: string };
  payout: { job: Hex; consumer: Address; claimTx: Hex; claimGas: string; paid: string; paidUnits: string; secondClaim: string };
  /** The zk step (ADR 0016): a private reading proven by the nodes, verified by the relayer, paid on the proof once. */
  zk?: ZkFloodOutcome;
  /** Each tenant's audit export (`nsf audit export --tenant`), checked to hold only that tenant's entries (issue 6). */
  audits?: { label: string; tenantId: Hex; file: string; entries: number; nodes: Address[] }[];
  /** How to check one of the run's executions from public data alone (docs/MONITORING.md). */
  verify?: { jobId: Hex; command: string };
  elapsedSeconds: number;
};

/** The `nsf verify` command line for one execution of a dev network (its deployment file gives RPC and contracts). */
export function nsfVerifyCommand(parameters: { jobId: Hex; deploymentFile: string; gateway?: string }): string {
  return `npm run nsf -- verify ${parameters.jobId} --deployment ${parameters.deploymentFile}${parameters.gateway ? ` --gateway ${parameters.gateway}` : ""}`;
}

/** The readable form of the summary (what the terminal shows). */
export function renderDevSummary(s: DevSummary): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(18)} ${value}`);
  lines.push("", "── Summary ─────────────────────────────────────────────────────────────────────────");
  row("chain", `${s.chain.rpcUrl} (chain id ${s.chain.chainId}, ${s.chain.blockTimeMs} ms blocks + a block per transaction)`);
  for (const [name, address] of Object.entries(s.contracts)) row(name, address);
  lines.push("", "  DAOs");
  for (const d of s.daos) row(d.name, `timelock ${d.timelock}, governor ${d.governor}${d.jurisdiction ? `, tenant in ${d.jurisdiction}` : ", network governance"}`);
  lines.push("", "  Proposals (propose → vote → queue → execute)");
  for (const p of s.proposals) row(p.dao, `${p.purpose}: executed in ${p.executeTx}`);
  lines.push("", `  Executor nodes (${s.nodes.length}, simulated TEE — UNSAFE FOR PRODUCTION)`);
  for (const n of s.nodes) row(n.jurisdiction, `${n.enclaveKey} at ${n.url}`);
  lines.push("", "  Jobs");
  for (const j of s.jobs) {
    row(j.label, `${j.jobId}`);
    row("", `clause ${j.clause}, tenant ${j.tenant.dao} in ${j.tenant.jurisdiction}`);
    row("", `trigger ${j.trigger.type}: ${j.trigger.detail} (tx ${j.trigger.tx})`);
    row("", `CAC agreement: ${j.agreement.cacs} CACs, k = ${j.agreement.k}, on output hash ${j.agreement.outputHash} (${j.attempts} attempts dispatched)`);
    row("", `output: status ${j.output.status}, action "${j.output.action}", amounts [${j.output.amounts.join(", ")}]`);
    row("", `anchored: batch ${j.batchSeq}, result sequence ${j.resultSeq}`);
  }
  lines.push("", "  Batches");
  for (const b of s.batches) {
    row(`batch ${b.batchSeq}`, `results ${b.firstSeq}..${b.lastSeq}, root ${b.root}, anchor tx ${b.anchorTx ?? "?"} (${b.gasUsed ?? "?"} gas, block ${b.anchorBlock ?? "?"})`);
    if (b.arweave) row("", `bundle ${b.bundleHash ?? "?"} on Arweave: ${b.arweave.txId ?? "(not signed yet)"} (${b.arweave.state})${s.arweave && b.arweave.txId ? ` ${s.arweave.gatewayUrl}/${b.arweave.txId}` : ""}`);
  }
  if (s.arweave) {
    lines.push("", "  Arweave (arlocal, development gateway)");
    row("gateway", s.arweave.gatewayUrl);
    row("graphql", s.arweave.graphqlUrl);
    row("wallet", `${s.arweave.wallet} (public dev wallet, minted on arlocal)`);
  }
  lines.push("", "  Payout");
  row("consumer", `ParametricPayout ${s.payout.consumer}`);
  row("claim", `${s.payout.claimTx} (${s.payout.claimGas} gas): paid ${s.payout.paidUnits} DEVUSD for job ${s.payout.job}`);
  row("second claim", s.payout.secondClaim === "ParametricPayoutAlreadyPaid" ? "refused (ParametricPayoutAlreadyPaid)" : `NOT refused as expected: ${s.payout.secondClaim}`);
  if (s.zk) {
    row("zk consumer", `ZkParametricPayout ${s.zk.consumer} (verifier ${s.zk.verifier})`);
    row("zk claim", `${s.zk.claimTx} (${s.zk.claimGas} gas): paid ${s.zk.paid} for job ${s.zk.jobId} on a Groth16 proof (${s.zk.proofsVerifiedOffChain} proofs verified off-chain); second claim ${s.zk.secondClaim}`);
  }
  lines.push("", "  Relayer");
  row("status", s.relayer.statusUrl ? `${s.relayer.statusUrl}/status` : "(disabled)");
  row("metrics", s.relayer.statusUrl ? `${s.relayer.statusUrl}/metrics` : "(disabled)");
  row("config", s.relayer.configFile);
  row("logs", s.relayer.logFile);
  lines.push("", "  Explorer");
  row("explorer", s.explorer.url);
  row("Arweave gateway", s.explorer.gateway);
  row("elapsed", `${s.elapsedSeconds.toFixed(1)} s`);
  if (s.audits) {
    lines.push("", "  Tenant audit exports (nsf audit export --tenant; each holds only its tenant's entries)");
    for (const a of s.audits) row(a.label, `${a.entries} entries → ${a.file}`);
  }
  if (s.verify) lines.push("", "  Verify an execution yourself, from public data only (RPC + Arweave gateway; docs/MONITORING.md):", `    ${s.verify.command}`);
  return `${lines.join("\n")}\n`;
}

export const usdc = (amount: bigint): string => formatUnits(amount, 6);
