import { BaseError, ContractFunctionRevertedError, HttpRequestError, RpcError, RpcRequestError, TimeoutError } from "viem";
import type { Logger } from "pino";
import { RelayerError } from "../core/errors/RelayerError.js";
import { NsfError } from "../core/errors/NsfError.js";
import { backoffDelayMs, type BackoffPolicy } from "../core/retry/backoff.js";

/** How chain reads are bounded: a timeout per call and bounded, jittered retries of retryable failures. */
export type RpcPolicy = { timeoutMs: number; retry: BackoffPolicy };

/** Waiting and randomness are injectable, so retry tests run without wall-clock sleeps. */
export type RetryRuntime = {
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  signal?: AbortSignal;
};

export const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/**
 * Maps anything a chain read throws to a typed error, by class, never by message text:
 * a decoded revert is an answer (`NSF_CONTRACT_REVERTED` with the custom error's name, not retryable);
 * a timeout or a transport / JSON-RPC failure is retryable; anything else (undecodable data, a malformed
 * object) is garbage from the endpoint (`NSF_RPC_INVALID_RESPONSE`, retryable: another try may reach a sane node).
 */
export function classifyRpcError(what: string, error: unknown): NsfError {
  if (error instanceof NsfError) return error;
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName ?? reverted.reason ?? "unknown revert";
      return new RelayerError("CONTRACT_REVERTED", `${what}: ${name}${reverted.data?.args ? `(${reverted.data.args.map(String).join(", ")})` : ""}`, { cause: error });
    }
    if (error.walk((e) => e instanceof TimeoutError) instanceof TimeoutError) return new RelayerError("RPC_TIMEOUT", `${what}: ${error.shortMessage}`, { cause: error });
    const transport = error.walk((e) => e instanceof HttpRequestError || e instanceof RpcRequestError || e instanceof RpcError);
    if (transport) return new RelayerError("RPC_UNAVAILABLE", `${what}: ${error.shortMessage}`, { cause: error });
    return new RelayerError("RPC_INVALID_RESPONSE", `${what}: ${error.shortMessage}`, { cause: error });
  }
  return new RelayerError("RPC_INVALID_RESPONSE", `${what}: ${error instanceof Error ? error.name : typeof error}`, { cause: error });
}

/** One chain read with a timeout and bounded jittered retries of retryable errors. */
export async function rpcCall<T>(what: string, call: () => Promise<T>, policy: RpcPolicy, runtime: RetryRuntime & { logger?: Logger } = {}): Promise<T> {
  const sleep = runtime.sleep ?? defaultSleep;
  const random = runtime.random ?? Math.random;
  for (let failures = 0; ; failures++) {
    try {
      return await withTimeout(what, call(), policy.timeoutMs);
    } catch (raw) {
      const error = classifyRpcError(what, raw);
      if (!error.retryable || failures >= policy.retry.retries || runtime.signal?.aborted) throw error;
      const delay = backoffDelayMs(policy.retry, failures, random());
      runtime.logger?.warn({ code: error.code, call: what, retry: failures + 1, delayMs: delay }, "chain read failed; retrying");
      await sleep(delay, runtime.signal);
    }
  }
}

function withTimeout<T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RelayerError("RPC_TIMEOUT", `${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
