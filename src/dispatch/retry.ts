// What happens after a failed delivery attempt: try again later (exponential backoff) or give up and
// dead-letter. Pure; the dispatcher applies the answer.

export interface RetryPolicy {
  /** Attempts in all, the first included; the last failure dead-letters the item. */
  maxAttempts: number;
  /** Delay after the first failure; it doubles with each further failure. */
  baseDelayMs: number;
  /** The delay never grows past this. */
  maxDelayMs: number;
}

export type AfterFailure = { kind: "retry"; at: Date; delayMs: number } | { kind: "dead" };

/** The wait before attempt `failedAttempt + 1`: base · 2^(failedAttempt − 1), capped. */
export function backoffMs(failedAttempt: number, policy: RetryPolicy): number {
  const exponent = Math.max(0, failedAttempt - 1);
  // 2^exponent overflows to Infinity long before it matters; the cap keeps the result finite.
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
}

/**
 * A permanent failure (no address, a receiver that refuses the request itself) dead-letters at once:
 * asking again cannot succeed. A transient one retries until the attempts are spent.
 */
export function afterFailure(failedAttempt: number, permanent: boolean, policy: RetryPolicy, now: Date): AfterFailure {
  if (permanent || failedAttempt >= policy.maxAttempts) return { kind: "dead" };
  const delayMs = backoffMs(failedAttempt, policy);
  return { kind: "retry", at: new Date(now.getTime() + delayMs), delayMs };
}
