import { formatUnits, type Address, type Hex } from "viem";

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
  batches: { batchSeq: string; firstSeq: string; lastSeq: string; root: Hex; anchorTx: Hex | null; anchorBlock: string | null; gasUsed: string | null }[];
  payout: { job: Hex; consumer: Address; claimTx: Hex; claimGas: string; paid: string; paidUnits: string; secondClaim: string };
  /** The zk clause run (docs/ZK.md): proof made, verified off-chain and by the consumer, paid once. */
  zkPayout?: { clause: string; verifier: Address; consumer: Address; job: Hex; commitment: string; proveMs: number; claimTx: Hex; claimGas: string; paidUnits: string; secondClaim: string };
  elapsedSeconds: number;
};

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
  for (const b of s.batches) row(`batch ${b.batchSeq}`, `results ${b.firstSeq}..${b.lastSeq}, root ${b.root}, anchor tx ${b.anchorTx ?? "?"} (${b.gasUsed ?? "?"} gas, block ${b.anchorBlock ?? "?"})`);
  lines.push("", "  Payout");
  row("consumer", `ParametricPayout ${s.payout.consumer}`);
  row("claim", `${s.payout.claimTx} (${s.payout.claimGas} gas): paid ${s.payout.paidUnits} DEVUSD for job ${s.payout.job}`);
  row("second claim", s.payout.secondClaim === "ParametricPayoutAlreadyPaid" ? "refused (ParametricPayoutAlreadyPaid)" : `NOT refused as expected: ${s.payout.secondClaim}`);
  if (s.zkPayout) {
    const z = s.zkPayout;
    lines.push("", "  Zero-knowledge payout (Groth16, development setup — UNSAFE FOR PRODUCTION)");
    row("clause", `${z.clause}, verifier ${z.verifier}`);
    row("commitment", `${z.commitment} (Poseidon of the private reading and a salt)`);
    row("proof", `made in ${z.proveMs.toFixed(0)} ms, verified off-chain, then on-chain by ZkParametricPayout ${z.consumer}`);
    row("claim", `${z.claimTx} (${z.claimGas} gas): paid ${z.paidUnits} DEVUSD for job ${z.job}`);
    row("second claim", z.secondClaim === "ParametricPayoutAlreadyPaid" ? "refused (ParametricPayoutAlreadyPaid)" : `NOT refused as expected: ${z.secondClaim}`);
  }
  lines.push("", "  Relayer");
  row("status", s.relayer.statusUrl ? `${s.relayer.statusUrl}/status` : "(disabled)");
  row("metrics", s.relayer.statusUrl ? `${s.relayer.statusUrl}/metrics` : "(disabled)");
  row("config", s.relayer.configFile);
  row("logs", s.relayer.logFile);
  row("elapsed", `${s.elapsedSeconds.toFixed(1)} s`);
  return `${lines.join("\n")}\n`;
}

export const usdc = (amount: bigint): string => formatUnits(amount, 6);
