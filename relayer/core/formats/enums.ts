/** Numeric codes shared with the contracts (docs/FORMATS.md §1). */
export const TriggerType = { Dao: 0, Sensor: 1, Simulation: 2 } as const;
export type TriggerType = (typeof TriggerType)[keyof typeof TriggerType];

export const TeeType = { Simulated: 1, IntelSgx: 2, IntelTdx: 3, AmdSevSnp: 4, AwsNitro: 5 } as const;
export type TeeType = (typeof TeeType)[keyof typeof TeeType];

export const ExecutionModel = { Single: 0, Quorum: 1, SovereignOverride: 2, Zk: 3 } as const;
export type ExecutionModel = (typeof ExecutionModel)[keyof typeof ExecutionModel];

export const PriorityClass = { Disaster: 0, Finance: 1, Planning: 2 } as const;
export type PriorityClass = (typeof PriorityClass)[keyof typeof PriorityClass];

export const ClauseStatus = { None: 0, Active: 1, Paused: 2, Frozen: 3, Deprecated: 4 } as const;
export type ClauseStatus = (typeof ClauseStatus)[keyof typeof ClauseStatus];

export const OutputStatus = { NoAction: 0, Triggered: 1, Violation: 2, Alert: 3 } as const;
export type OutputStatus = (typeof OutputStatus)[keyof typeof OutputStatus];

/**
 * Clause policy flags (`ClauseVersion.policyFlags`, a uint32 bit set; docs/FORMATS.md §1). Bit 0: the job's
 * executors must be located in the job's jurisdiction (in-country only). Other bits are reserved; a relayer
 * refuses jobs of clauses that set a bit it does not enforce.
 */
export const PolicyFlag = { InCountry: 1 } as const;
export type PolicyFlag = (typeof PolicyFlag)[keyof typeof PolicyFlag];
