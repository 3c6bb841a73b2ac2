import { IdGenerator } from './id-generator';

describe('IdGenerator', () => {
  it('makes numeric ids of ZITADEL length that grow over time', () => {
    let now = Date.UTC(2026, 10, 23);
    const ids = new IdGenerator(42n, () => now);
    const first = ids.next();
    now += 10;
    const second = ids.next();
    expect(first).toMatch(/^\d{17,19}$/);
    expect(BigInt(second)).toBeGreaterThan(BigInt(first));
  });

  it('never repeats within one 10 ms step, even past 256 ids', () => {
    const ids = new IdGenerator(7n, () => Date.UTC(2026, 0, 1));
    const seen = new Set(Array.from({ length: 2000 }, () => ids.next()));
    expect(seen.size).toBe(2000);
  });

  it('does not repeat when the clock goes backwards', () => {
    let now = Date.UTC(2026, 0, 1, 12);
    const ids = new IdGenerator(1n, () => now);
    const before = ids.next();
    now -= 60_000;
    expect(BigInt(ids.next())).toBeGreaterThan(BigInt(before));
  });
});
