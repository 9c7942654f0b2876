/** One row of docs/RELIABILITY.md: a fault, how it is injected, and where its outcome comes from. */
export type FaultEntry = {
  area: "process" | "network" | "chain" | "adversarial" | "clock" | "relayers" | "load";
  fault: string;
  injection: string;
  /** The test or run that proves it. */
  where: string;
  /** Key in bench/results/fault-tests.json (the fast suite's recorded outcome). */
  testKey?: string;
  /** Key in the soak's fault draw. */
  soakFault?: string;
  /** A fixed statement of the outcome, for faults proven by assertions of existing tests (kept true by those tests). */
  outcome?: string;
};

const FAST = "test/reliability/faults.test.ts";

/** Every fault tried, in the order. Rows without testKey/soakFault cite the existing test that proves them. */
export const RELIABILITY_FAULTS: FaultEntry[] = [
  { area: "process", fault: "relayer kill -9 at each pipeline checkpoint (event seen, dispatched, CACs collected, batch built, tx signed, tx sent, receipt seen), then restart", injection: "NSF_FAULT_KILL_AT=<checkpoint> on `nsf relayer start` (relayer/faults/faultPoint.ts): the process SIGKILLs itself there", where: FAST, testKey: "process-kill-each-checkpoint" },
  { area: "process", fault: "relayer kill -9 at a random moment / armed at a random checkpoint, repeatedly", injection: "soak: SIGKILL of the child process; restart armed with NSF_FAULT_KILL_AT=<random>:<1..3>; supervisor restarts", where: "npm run soak", soakFault: "relayer-kill-random" },
  { area: "process", fault: "relayer armed kill at a random checkpoint (soak)", injection: "as above", where: "npm run soak", soakFault: "relayer-kill-checkpoint" },
  { area: "process", fault: "relayer kill -9 twice in the middle of a batch (pending window; sealed/co-signed/submitted)", injection: "SIGKILL of `nsf relayer start` watched from its database", where: "test/relayer/relayer/separateNode.integration.test.ts", outcome: "every execution anchored exactly once, batch sequences contiguous (asserted there)" },
  { area: "process", fault: "crash between signing and sending the anchor transaction", injection: "tx manager fault hook after signing", where: "test/aggregator/createTxManager.test.ts", outcome: "the restart broadcasts the persisted bytes; anchored once (asserted there)" },
  { area: "process", fault: "executor node dies mid-job", injection: "node proxy cuts the connection after the job request arrived, and the node stays dead", where: FAST, testKey: "executor-dies-mid-job" },
  { area: "process", fault: "executor node dies / is slow during the soak", injection: "node proxy partition (20 s) / 3 s delay on a random node", where: "npm run soak", soakFault: "node-dies" },
  { area: "process", fault: "slow executor node (soak)", injection: "node proxy: 3 s delay", where: "npm run soak", soakFault: "node-slow" },
  { area: "network", fault: "RPC drops requests and truncates replies", injection: "RPC proxy: drop 20 %, truncate 10 % (fast); 10 % / 5 % (soak)", where: `${FAST}; npm run soak`, testKey: "rpc-proxy", soakFault: "rpc-drop-truncate" },
  { area: "network", fault: "RPC returns empty eth_getLogs (unindexed range behind a load balancer)", injection: "RPC proxy: eth_getLogs answered [] with 30–60 %", where: `${FAST}; test/relayer/chain/createChainWatcher.test.ts; npm run soak`, soakFault: "rpc-empty-logs", outcome: "found a loss path (the cursor passed real JobRequested events); fixed: the watcher checks each read header's logs bloom and re-reads (ADR 0018)" },
  { area: "network", fault: "RPC lags behind the head", injection: "RPC proxy: a node 3–5 blocks behind (lower head, newer blocks null, their logs empty)", where: `${FAST}; npm run soak`, soakFault: "rpc-lag" },
  { area: "network", fault: "RPC delays and reorders replies", injection: "RPC proxy: 150 ms delay + random 0–100 ms hold per reply; batch replies reversed", where: `${FAST}; npm run soak`, soakFault: "rpc-delay-reorder" },
  { area: "network", fault: "a backlog whose eth_getLogs range is too large for the RPC client", injection: "soak: 10,000 JobRequested in a few hundred blocks", where: "npm run soak; test/relayer/chain/createChainWatcher.test.ts", outcome: "found a stall (the same 1,000-block range retried forever: body over the client's size limit); fixed: the watcher halves the range after a failed read and grows it back" },
  { area: "network", fault: "partition below quorum, then healing", injection: "node proxies: 3 of 5 nodes partitioned (quorum 3)", where: FAST, testKey: "partition-below-quorum", outcome: "safety holds; jobs requested during the partition end failed with a reason (they are not held until healing)" },
  { area: "chain", fault: "reorg of a trigger event", injection: "evm_snapshot, fire, evm_revert, re-mine without it", where: "test/relayer/pipeline/pipeline.integration.test.ts; test/relayer/chain/createChainWatcher.test.ts; test/relayer/core/chain/reorg.test.ts", outcome: "never dispatched; a reorg deeper than the kept window fails loudly (asserted there)" },
  { area: "chain", fault: "reorg of an anchor transaction before confirmation", injection: "snapshot/revert on the local chain", where: "test/aggregator/createTxManager.test.ts", outcome: "the anchor is resubmitted; anchored once (asserted there)" },
  { area: "chain", fault: "nonce used by someone else", injection: "another transaction from the submitter key takes the nonce", where: "test/aggregator/createTxManager.test.ts", outcome: "nonce re-synced, anchor rebuilt (asserted there)" },
  { area: "chain", fault: "fee spike / underpriced transaction", injection: "base fee raised; transaction stuck", where: "test/aggregator/createTxManager.test.ts", outcome: "fee bump with the same nonce, never above maxFeePerGasCap; anchored once (asserted there)" },
  { area: "adversarial", fault: "equivocation (one enclave key signs two outputs for one job)", injection: "two CACs signed by one key submitted to DisputeResolver", where: "test/contracts/DisputeResolver.test.ts", outcome: "EquivocationProven recorded, clause frozen in RollupAnchor and ClauseRegistry (asserted there); ejection by governance is not automated" },
  { area: "adversarial", fault: "wrong output from a minority node", injection: "a dissenting CAC among the quorum", where: "test/relayer/pipeline/dispatcher.test.ts; test/relayer/core/agreement/tally.test.ts", outcome: "outvoted; the dissent is kept as dispute evidence (openDispute calldata) (asserted there)" },
  { area: "adversarial", fault: "disagreeing enclave-signed CACs end to end", injection: "two nodes return different outputs", where: "test/relayer/pipeline/pipeline.integration.test.ts", outcome: "openDispute calldata accepted by DisputeResolver; clause frozen (asserted there)" },
  { area: "adversarial", fault: "replayed CAC (other job, other attempt, tampered)", injection: "reply with a CAC of another job/attempt", where: "test/relayer/core/agreement/verifyCac.test.ts; test/relayer/pipeline/dispatcher.test.ts", outcome: "typed rejection, never counted (asserted there); replayed dispute evidence rejected on-chain (DisputeResolverAlreadyResolved)" },
  { area: "adversarial", fault: "stale attestation", injection: "evidence older than the freshness window / attestedAt beyond the skew", where: "test/executor/enclave/attestationValidator.test.ts; test/contracts/NodeRegistry.test.ts; test/contracts/DisputeResolver.test.ts", outcome: "refused by chain time; a CAC after the signer's attestation expired is not evidence (asserted there)" },
  { area: "clock", fault: "clock skew ±5 min / ±3 h on relayer and nodes", injection: "not injected into processes in this campaign", where: "test/executor/node/nodeServer.test.ts (token expiry by chain time); test/relayer/pipeline/dispatcher.test.ts (deadline by chain time); test/relayer/pipeline/threadedExecutorNetwork.test.ts", outcome: "expiry and freshness read chain time in those tests; NOT DONE: no process ran with a shifted wall clock" },
  { area: "relayers", fault: "two relayer instances against one chain", injection: "two `nsf relayer start` on one database with lease.ttlMs = 2000; leader killed -9", where: FAST, testKey: "two-relayers-lease", outcome: "without a lease (separate databases) the design double-anchors executions (ADR 0018); unsupported" },
  { area: "load", fault: "10,000-job backlog across two tenants, then a timed soak with random faults", injection: "npm run soak -- --minutes 15 (maxBatchSize 512)", where: "npm run soak (run of 2026-11-23, stopped before its drain)", outcome: "in 13 min: 10,633 requested, all read, 3,717 agreed, 42 anchored; batches 2–5 stayed sealed: co-signing large batches re-reads chain facts per result and any failed read under RPC faults aborts it (ADR 0018, not fixed); nothing lost or doubled, but not drained: no soak.json from this run" },
  { area: "load", fault: "backlog + timed soak with random faults (the committed soak)", injection: "npm run soak (parameters in the figures above)", where: "bench/results/soak.json", outcome: "see the soak figures above" },
  { area: "load", fault: "the ledger adds up in the fast suite", injection: "JobRequested on the chain vs anchored leaves and the relayer's reasons", where: FAST, testKey: "ledger" },
];
