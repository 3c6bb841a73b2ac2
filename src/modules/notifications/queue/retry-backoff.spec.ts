import { MAX_RETRY_DELAY_MS, nextAttemptDelayMs, retryDelayMs } from './retry-backoff';

describe('retryDelayMs', () => {
  it('doubles per failed attempt, between half and all of base·2^(n-1)', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000, () => 1))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('spreads a burst of retries with jitter', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, 1000)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });

  it('is capped, even after very many attempts', () => {
    expect(retryDelayMs(40, 1000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(1_000, 1000, () => 0)).toBe(MAX_RETRY_DELAY_MS / 2);
  });
});

describe('nextAttemptDelayMs', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const inSeconds = (s: number) => new Date(now.getTime() + s * 1000);

  it('retries while the next attempt comes before the code expires', () => {
    expect(nextAttemptDelayMs(1, 1000, now, inSeconds(600), () => 1)).toBe(1000);
  });

  it('stops when the next attempt would come after the expiry', () => {
    expect(nextAttemptDelayMs(3, 1000, now, inSeconds(3), () => 1)).toBeUndefined();
    expect(nextAttemptDelayMs(1, 1000, now, now, () => 0)).toBeUndefined();
  });
});
