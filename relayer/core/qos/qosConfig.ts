import { z } from "zod";
import { RelayerError } from "../errors/RelayerError.js";
import { PriorityClass } from "../formats/enums.js";
import { jurisdictionToBytes3 } from "../formats/ids.js";

/**
 * Quality of service (DESIGN.md §7, ADR 0014): priority classes in a configurable order (default disaster >
 * finance > planning), dispatch slots reserved per class, a cap on jobs in flight per jurisdiction, and when a
 * primary node counts as saturated (its open attempts), after which secondary nodes take the overflow.
 */
export const PRIORITY_CLASS_NAMES = ["disaster", "finance", "planning"] as const;
export type PriorityClassName = (typeof PRIORITY_CLASS_NAMES)[number];

const CLASS_OF: Record<PriorityClassName, number> = { disaster: PriorityClass.Disaster, finance: PriorityClass.Finance, planning: PriorityClass.Planning };

/** Labels a job's priority class takes in metrics: the class's name, or why it has none yet. */
export type PriorityClassLabel = PriorityClassName | "unclassified" | "unknown";

/**
 * The name of a ClauseRegistry priority class; `unclassified` before the scheduler read the job's clause (undefined),
 * `unknown` for a clause the registry does not have (the scheduler records −1) or a class this build does not know.
 */
export function priorityClassLabel(priority: number | undefined): PriorityClassLabel {
  if (priority === undefined) return "unclassified";
  return PRIORITY_CLASS_NAMES.find((name) => CLASS_OF[name] === priority) ?? "unknown";
}

export const QosConfigSchema = z.strictObject({
  /** Highest priority first; a permutation of the three ClauseRegistry priority classes. */
  order: z.array(z.enum(PRIORITY_CLASS_NAMES)).length(3).default(["disaster", "finance", "planning"]),
  /** Dispatch slots (of `dispatch.concurrency`) only this class or a higher one may use. */
  reservedSlots: z
    .strictObject({ disaster: z.number().int().min(0).default(0), finance: z.number().int().min(0).default(0), planning: z.number().int().min(0).default(0) })
    .default({ disaster: 0, finance: 0, planning: 0 }),
  /** Jobs in flight (being dispatched) at once per jurisdiction of the job's tenant; unlisted jurisdictions are not capped. */
  jurisdictionQuotas: z.record(z.string().regex(/^[A-Z]{3}$/, "ISO 3166-1 alpha-3"), z.strictObject({ maxInFlight: z.number().int().min(1) })).default({}),
  /** A primary node with this many open attempts is saturated: secondary nodes are preferred to it (0 = never). */
  maxOpenPerNode: z.number().int().min(0).default(0),
});
export type QosConfig = z.input<typeof QosConfigSchema>;

export type ResolvedQos = Readonly<{
  /** Queue rank of a ClauseRegistry priority class (0 = served first); unknown classes rank last. */
  rankOf: (priorityClass: number) => number;
  /** Class names by rank, for logs and metrics. */
  classNames: readonly PriorityClassName[];
  /** Reserved slots by rank. */
  reserved: readonly number[];
  /** maxInFlight by bytes3 jurisdiction (lowercase hex). */
  jurisdictionQuotas: ReadonlyMap<string, number>;
  maxOpenPerNode: number;
}>;

export const DEFAULT_QOS: ResolvedQos = resolveQosConfig({});

export function resolveQosConfig(input: unknown, concurrency = Number.MAX_SAFE_INTEGER, path = "qos"): ResolvedQos {
  const result = QosConfigSchema.safeParse(input);
  if (!result.success) throw new RelayerError("CONFIG_INVALID", result.error.issues.map((i) => `${[path, ...i.path].join(".")}: ${i.message}`).join("; "));
  const c = result.data;
  if (new Set(c.order).size !== 3) throw new RelayerError("CONFIG_INVALID", `${path}.order: every class exactly once (${c.order.join(", ")})`);
  const reserved = c.order.map((name) => c.reservedSlots[name]);
  const total = reserved.reduce((a, b) => a + b, 0);
  // The lowest class must keep at least one slot, or it would never run at all.
  if (total - reserved[reserved.length - 1]! >= concurrency) {
    throw new RelayerError("CONFIG_INVALID", `${path}.reservedSlots: ${total} reserved of dispatch.concurrency ${concurrency} leaves no slot for ${c.order[2]}`);
  }
  const ranks = new Map(c.order.map((name, rank) => [CLASS_OF[name], rank]));
  return {
    rankOf: (priorityClass) => ranks.get(priorityClass) ?? c.order.length,
    classNames: [...c.order],
    reserved,
    jurisdictionQuotas: new Map(Object.entries(c.jurisdictionQuotas).map(([iso, q]) => [jurisdictionToBytes3(iso).toLowerCase(), q.maxInFlight])),
    maxOpenPerNode: c.maxOpenPerNode,
  };
}
