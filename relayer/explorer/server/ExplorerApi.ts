/**
 * The JSON the explorer's server answers under /api/ and its page renders (docs/adr/0017-proof-explorer.md).
 * Types only, so the page imports them without pulling server code into its bundle. Integers that may exceed
 * 2^53 (block numbers, sequence numbers, amounts) are decimal strings; times are unix seconds as numbers.
 */

type Hex = `0x${string}`;
type Address = `0x${string}`;

/** The outcome of one named check of the shared verification core (relayer/core/verify, `nsf.verify-report/1`). */
export type CheckStatus = "pass" | "fail" | "unavailable" | "skipped";
export type ReportCheck = { name: string; status: CheckStatus; reason: string; jobId?: Hex };
export type Verdict = "valid" | "invalid" | "unverifiable";

/** The part of `nsf.verify-report/1` the explorer renders; the core's report is assignable to it. */
export type VerificationReportView = {
  schema: "nsf.verify-report/1";
  verdict: Verdict;
  failed?: { name: string; reason: string; jobId?: Hex };
  batch?: { batchSeq: string; firstSeq: string; lastSeq: string; root: Hex; bundleHash: Hex; anchorTx: Hex; anchorBlock: string; arweaveTxId?: string };
  checks: ReportCheck[];
};

export type ExplorerInfo = {
  schema: "nsf.explorer-info/1";
  chainId: string;
  contracts: Record<string, Address>;
  /** Block explorer base URL for deep links (`<base>/tx/<hash>`, `<base>/address/<a>`), or null. */
  explorerBaseUrl: string | null;
  gateway: string;
  metricsConfigured: boolean;
  /** What is not wired (shown on the page, never hidden). */
  notes: string[];
};

export type ExplorerErrorBody = { error: { code: string; message: string; source?: "rpc" | "gateway" | "relayer" } };

export type TriggerView =
  | { kind: "sensor"; triggerId: string; feed: Address; roundId: string; answer: string; updatedAt: number }
  | { kind: "simulation"; triggerId: string; simulator: Address; resultCommitment: Hex }
  | { kind: "dao"; governor: Address | null; proposalId: string | null; dao: Address }
  | { kind: "unknown"; triggerType: number };

export type JobView = {
  jobId: Hex;
  clauseId: Hex;
  clause: string | null;
  tenantId: Hex;
  clauseVersion: number;
  triggerType: number;
  inputCommitment: Hex;
  deadline: number;
  dao: Address;
  jurisdiction: string;
  txHash: Hex;
  blockNumber: string;
  timestamp: number;
};

export type NodeSummary = {
  enclaveKey: Address;
  operator: Address | null;
  jurisdiction: string | null;
  teeType: string | null;
  status: string | null;
  attestedAt: number | null;
  attestedUntil: number | null;
  /** attestedUntil − chain time now (seconds); negative when expired. */
  freshnessSeconds: number | null;
};

export type CacView = {
  signer: Address;
  outputHash: Hex | null;
  inputHash: Hex | null;
  timestamp: string | null;
  /** The CAC's output hash differs from the agreed one (or equivocation is proven for this signer). */
  disagrees: boolean;
};

export type ExecutionView = {
  schema: "nsf.explorer-execution/1";
  job: JobView;
  trigger: TriggerView;
  nodes: NodeSummary[];
  result: { resultSeq: string; outputHash: Hex; output: Hex; agreedAt: string; cacs: CacView[]; quorumK: number | null } | null;
  anchor: { batchSeq: string; txHash: Hex; blockNumber: string; root: Hex; bundleHash: Hex } | null;
  bundle: { arweaveTxId: string | null; downloadPath: string | null };
  equivocations: { enclaveKey: Address; outputHashA: Hex; outputHashB: Hex; txHash: Hex }[];
  report: VerificationReportView;
};

export type ClauseVersionView = {
  clauseId: Hex;
  id: string;
  version: number;
  codeHash: Hex;
  parent: Hex | null;
  configDigest: Hex;
  quorum: string;
  priority: number;
  policyFlags: number;
  jurisdictions: string[];
  owner: Address;
  txHash: Hex;
  blockNumber: string;
};

export type GovernanceEventView = {
  kind: "ProposalCreated" | "VoteCast" | "ProposalQueued" | "ProposalExecuted" | "CallScheduled" | "CallExecuted";
  governorOrTimelock: Address;
  proposalId: string | null;
  detail: string;
  txHash: Hex;
  blockNumber: string;
};

export type ClauseView = {
  schema: "nsf.explorer-clause/1";
  clauseId: Hex;
  versions: ClauseVersionView[];
  /** Versions of other lines whose parent is this clause, and this clause's parent. */
  forks: { clauseId: Hex; id: string; version: number; parent: Hex }[];
  statusChanges: { from: string; to: string; by: Address; txHash: Hex; blockNumber: string }[];
  governance: GovernanceEventView[];
  executions: { jobId: Hex; timestamp: number; blockNumber: string }[];
};

export type NodeView = {
  schema: "nsf.explorer-node/1";
  node: NodeSummary;
  registered: { txHash: Hex; blockNumber: string; sovereign: boolean } | null;
  attestations: { attestedAt: number; validUntil: number; measurement: Hex; attestationId: Hex; txHash: Hex }[];
  statusChanges: { from: string; to: string; reason: Hex; txHash: Hex }[];
  /** Executions whose anchored bundle carries a CAC by this node (bundles read from the gateway). */
  executions: { jobId: Hex; batchSeq: string; agreed: boolean }[];
  /** Share of its CACs that matched the agreed output, from the anchored bundles read; null when none. */
  reliability: number | null;
  equivocations: { jobId: Hex; outputHashA: Hex; outputHashB: Hex; txHash: Hex }[];
  disputes: { jobId: Hex; signerA: Address; signerB: Address; txHash: Hex }[];
  bundlesUnavailable: number;
};

export type TenantView = {
  schema: "nsf.explorer-tenant/1";
  tenantId: Hex;
  admitted: { dao: Address; jurisdiction: string; txHash: Hex } | null;
  quota: { jobsPerEpoch: number; used: number; epoch: string } | null;
  jobs: { jobId: Hex; clauseId: Hex; timestamp: number; anchoredAt: number | null; batchSeq: string | null }[];
  /** Request block → anchor block time, seconds, over the anchored jobs read. */
  latency: { p50: number; p90: number; p99: number; max: number; count: number } | null;
  /**
   * The tenant's audit-log head as last anchored: from the newest anchored bundle that lists this tenant in
   * `audit_heads` (FORMATS §12, §13) and whose bytes hash to the anchored bundleHash; null when none does.
   */
  auditHead: AuditAnchorView | null;
  /** Every anchored bundle read that lists a head for this tenant, newest first, including copies that do not match their anchor. */
  auditAnchors: AuditAnchorView[];
  /** Anchored bundles the gateway could not serve (their heads, if any, are not shown). */
  bundlesUnavailable: number;
  auditNote: string;
};

/** One `audit_heads` item of an anchored bundle and the anchor that bound it. */
export type AuditAnchorView = {
  seq: string;
  head: Hex;
  batchSeq: string;
  anchorTx: Hex;
  anchorBlock: string;
  anchoredAt: number;
  bundleHash: Hex;
  arweaveTxId: string;
  /** The gateway's copy hashes to the anchored bundleHash; false: this head is not tied to the anchor. */
  bundleMatchesAnchor: boolean;
};

export type OverviewView = {
  schema: "nsf.explorer-overview/1";
  latestBlock: string;
  chainTime: number;
  batches: { batchSeq: string; lastSeq: string; root: Hex; txHash: Hex; blockNumber: string; timestamp: number; arweaveTxId: string | null }[];
  executions: JobView[];
  clauses: { clauseId: Hex; id: string; version: number }[];
  nodes: { enclaveKey: Address; jurisdiction: string }[];
  tenants: { tenantId: Hex; dao: Address; jurisdiction: string }[];
  /** Anchored results per minute of chain time (from BatchAnchored lastSeq deltas). */
  throughput: { t: number; results: number }[];
  relayer:
    | { configured: false }
    | { configured: true; ok: false; error: string }
    | {
        configured: true;
        ok: true;
        jobsByState: Record<string, number>;
        /**
         * Unfinished jobs per priority class (`nsf_relayer_queue_depth`): waiting = seen + resolved, dispatched =
         * running; disaster, finance, planning first, then `unclassified` / `unknown` when present. Empty when the
         * relayer does not report the gauge.
         */
        queueByClass: { class: string; waiting: number; dispatched: number }[];
        pendingResults: number;
        batchesByState: Record<string, number>;
        agreementLatency: { le: number; count: number }[];
        transitionsByState: Record<string, number>;
      };
};
