/**
 * The caps every clause module and run is held to. They are network parameters, not node preferences:
 * two nodes with different caps could disagree on whether a clause succeeds, so every executor of a
 * clause must use the same values (the defaults below unless governance says otherwise).
 */
export type SandboxLimits = {
  /** Largest accepted module, in bytes. */
  maxModuleBytes: number;
  /** Cap on the memory's initial and maximum size, in 64 KiB pages; `memory.grow` past it traps. */
  maxMemoryPages: number;
  /** Cap on a function table's size (indirect calls). */
  maxTableElements: number;
  /**
   * Stack budget in value slots, charged per call by the static frame bound of the callee. Keeps total
   * stack use far below any engine's native stack so exhaustion is our deterministic trap, never a RangeError.
   */
  maxStackSlots: number;
  /** Upper bound of any clause's step limit (a manifest may ask for fewer steps, never more). */
  maxSteps: bigint;
};

export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  maxModuleBytes: 256 * 1024,
  maxMemoryPages: 16,
  maxTableElements: 4096,
  maxStackSlots: 32 * 1024,
  maxSteps: 10_000_000n,
});
