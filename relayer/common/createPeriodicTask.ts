export type PeriodicTask = {
  /** One run now; a call while a run is in progress joins that run instead of starting another. */
  tick(): Promise<void>;
  /** Runs `tick` every `intervalMs` (and once at once when `runAtStart`); no-op when started or shut down. */
  start(): void;
  /** Stops the timer and waits for the run in progress (its failure is not rethrown: `onError` saw it). */
  stop(): Promise<void>;
  /** Whether the timer runs (between `start` and `stop`). */
  readonly started: boolean;
};

/**
 * A background loop whose runs never overlap: the aggregator's batcher pass and the archiver's upload pass each
 * read and write their store in one run, and a second run started while the first still waits on the chain or
 * the gateway would act on the same rows twice. A timer tick that finds a run in progress joins it rather than
 * queueing another (the next tick comes soon enough). Failures of timer-started runs go to `onError` and the loop
 * goes on; `tick()` called directly rejects with the failure. Stops itself when `shutdown` aborts.
 */
export function createPeriodicTask(parameters: {
  run: () => Promise<void>;
  intervalMs: number;
  shutdown: AbortSignal;
  onError: (error: unknown) => void;
  runAtStart?: boolean;
}): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let busy = false;

  const tick = (): Promise<void> => {
    if (busy) return running;
    busy = true;
    let run: Promise<void>;
    try {
      run = parameters.run();
    } catch (error) {
      run = Promise.reject(error); // a synchronous throw fails the run like any other failure
    }
    running = run.finally(() => {
      busy = false;
    });
    return running;
  };
  const background = () => void tick().catch(parameters.onError);

  const stop = async () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    await running.catch(() => undefined);
  };
  parameters.shutdown.addEventListener("abort", () => void stop(), { once: true });

  return {
    tick,
    start() {
      if (timer || parameters.shutdown.aborted) return;
      if (parameters.runAtStart) background();
      timer = setInterval(background, parameters.intervalMs);
    },
    stop,
    get started() {
      return timer !== undefined;
    },
  };
}
