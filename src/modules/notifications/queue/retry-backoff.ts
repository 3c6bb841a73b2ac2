/** The longest pause between two attempts: codes live minutes, not hours. */
export const MAX_RETRY_DELAY_MS = 60_000;

/**
 * Exponential back-off with "equal jitter": after the n-th failed attempt
 * wait between half and all of base·2^(n-1), capped. The jitter spreads the
 * retries of a burst that failed together (a provider outage) so that they do
 * not hit the provider again in lockstep; the floor of one half keeps the
 * delays growing.
 */
export function retryDelayMs(failedAttempts: number, baseMs: number, random: () => number = Math.random, capMs = MAX_RETRY_DELAY_MS): number {
  const attempt = Math.max(1, failedAttempts);
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * The next attempt, or undefined when it would come too late: a code that has
 * expired by then is useless to its recipient, so retrying stops there.
 */
export function nextAttemptDelayMs(failedAttempts: number, baseMs: number, now: Date, expiresAt: Date, random: () => number = Math.random): number | undefined {
  const delay = retryDelayMs(failedAttempts, baseMs, random);
  return now.getTime() + delay < expiresAt.getTime() ? delay : undefined;
}
