import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";
import { Registry } from "prom-client";

/**
 * The explicit bag every service factory takes first (`createX({ common, ...deps })`), Ponder style:
 * shared infrastructure, never business state. Children of `logger` tag their component.
 */
export type Common = {
  logger: Logger;
  /** Aborted when the process shuts down; long-running services stop on it. */
  shutdown: AbortSignal;
  /**
   * This process's Prometheus registry (prom-client). One per Common, never prom-client's global default
   * registry, so two relayers (or a test and its subject) in one process never share counters.
   */
  metrics: Registry;
};

export type CommonParameters = {
  logLevel?: LoggerOptions["level"];
  /** Where log lines go (stdout by default); tests pass a capturing stream. */
  destination?: DestinationStream;
  shutdown?: AbortSignal;
  metrics?: Registry;
};

export function createCommon(parameters: CommonParameters = {}): Common {
  const options: LoggerOptions = { level: parameters.logLevel ?? "info", base: undefined };
  const logger = parameters.destination ? pino(options, parameters.destination) : pino(options);
  return { logger, shutdown: parameters.shutdown ?? new AbortController().signal, metrics: parameters.metrics ?? new Registry() };
}
