/**
 * Bounded, jittered exponential backoff, pure: the caller supplies the randomness (so tests are exact) and
 * does the waiting. Delay for retry i (0-based) is uniform in [cap/2, cap] with cap = min(max, base·2^i)
 * ("equal jitter"): never zero, never synchronised across callers.
 */
export type BackoffPolicy = { retries: number; baseDelayMs: number; maxDelayMs: number };

export function backoffDelayMs(policy: BackoffPolicy, retry: number, random: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(retry, 30));
  const r = Math.min(Math.max(random, 0), 1);
  return Math.round(cap / 2 + (cap / 2) * r);
}

/** True while another retry is allowed after `failures` failed tries (the first try is not a retry). */
export function mayRetry(policy: BackoffPolicy, failures: number): boolean {
  return failures <= policy.retries;
}
