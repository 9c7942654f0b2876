import { Counter, Histogram, type Registry } from "prom-client";

/**
 * The pipeline's Prometheus metrics, on the Common's own registry. Job counters carry the tenant (ADR 0007:
 * every metric of a job carries its tenant); node counters carry the enclave key. Creating them twice on one
 * registry (a restarted pipeline in the same process) returns the registered ones.
 */
export type RelayerMetrics = ReturnType<typeof createRelayerMetrics>;

export function createRelayerMetrics(registry: Registry) {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
    (registry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
  const histogram = (name: string, help: string, buckets: number[]): Histogram =>
    (registry.getSingleMetric(name) as Histogram | undefined) ?? new Histogram({ name, help, buckets, registers: [registry] });
  return {
    jobTransitions: counter("nsf_relayer_job_transitions_total", "Job state transitions, by new state and tenant", ["state", "tenant"]),
    governanceAlerts: counter("nsf_relayer_governance_alerts_total", "Jobs rejected by the governance filter, by code and tenant", ["code", "tenant"]),
    attempts: counter("nsf_relayer_dispatch_attempts_total", "Dispatch attempts by outcome and node", ["outcome", "node"]),
    cacsRejected: counter("nsf_relayer_cacs_rejected_total", "Node replies recorded but not counted, by code and node", ["code", "node"]),
    policyDenials: counter("nsf_relayer_policy_denials_total", "Governance policy denials and deferrals, by rule, stage and tenant", ["rule", "stage", "tenant"]),
    qosDenials: counter("nsf_relayer_qos_denials_total", "Jobs kept queued by a jurisdictional quota, by tenant", ["tenant"]),
    reorgs: counter("nsf_relayer_reorgs_total", "Reorgs detected by the chain watcher", []),
    chainErrors: counter("nsf_relayer_chain_errors_total", "Failed watcher polls, by code", ["code"]),
    agreementSeconds: histogram("nsf_relayer_dispatch_to_agreement_seconds", "Wall time from first dispatch to agreement in this process", [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]),
  };
}
