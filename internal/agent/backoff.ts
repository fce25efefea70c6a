/** BackoffPolicy is an exponential backoff: baseMs, doubling per attempt, capped at maxMs. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * backoffDelay is how long to wait before retry number `attempt` (0 for the first): the
 * exponential ceiling with "equal jitter", uniformly between half of it and all of it, so that
 * agents cut off by the same outage do not come back in lockstep, yet none retries too soon.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + random() * (ceiling / 2);
}
