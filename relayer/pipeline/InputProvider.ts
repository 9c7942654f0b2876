import type { Hex } from "viem";
import type { SensorBinding } from "../core/scheduling/inputBundle.js";

/**
 * Where the relayer finds what a trigger committed to but did not carry (DESIGN.md §3.3): a DAO's (or a
 * simulator's) input documents, and how a sensor clause's inputs are filled. Documents are scoped by tenant:
 * a tenant's job can only ever be resolved with that tenant's documents (invariant 9), even if another tenant
 * names the same commitment. Implementations: `createDirectoryInputProvider`, `createInMemoryInputProvider`.
 */
export interface InputProvider {
  /** The raw (unparsed, untrusted) document for `commitment`, or undefined when it is not there (yet). */
  document(tenantId: Hex, commitment: Hex): Promise<unknown | undefined>;
  /** The sensor binding for one clause and tenant, or undefined when none is configured. */
  sensorBinding(clauseId: Hex, tenantId: Hex): Promise<SensorBinding | undefined>;
  /** Where a missing document is expected, for the actionable failure message. */
  describe(tenantId: Hex, commitment: Hex): string;
}
