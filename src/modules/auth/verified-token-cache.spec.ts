import { Principal } from './principal';
import { VerifiedTokenCache } from './verified-token-cache';

const principal = (sub: string) => new Principal(sub, undefined, new Set(), new Map());

describe('VerifiedTokenCache', () => {
  it('answers a cached token until its exp, then no more', () => {
    const cache = new VerifiedTokenCache(10, 60_000);
    cache.set('t1', principal('a'), 10_000, 0);
    expect(cache.get('t1', 9_999)?.subject).toBe('a');
    expect(cache.get('t1', 10_000)).toBeUndefined();
    expect(cache.get('t1', 0)).toBeUndefined(); // dropped once expired
  });

  it('keeps an entry at most maxAgeMs, however late the token expires', () => {
    const cache = new VerifiedTokenCache(10, 1_000);
    cache.set('t1', principal('a'), 3_600_000, 5_000);
    expect(cache.get('t1', 5_999)?.subject).toBe('a');
    expect(cache.get('t1', 6_000)).toBeUndefined();
  });

  it('does not keep a token that has expired already', () => {
    const cache = new VerifiedTokenCache(10, 1_000);
    cache.set('t1', principal('a'), 5_000, 5_000);
    expect(cache.get('t1', 5_000)).toBeUndefined();
  });

  it('drops the least recently used token when full', () => {
    const cache = new VerifiedTokenCache(2, 60_000);
    cache.set('t1', principal('a'), 50_000, 0);
    cache.set('t2', principal('b'), 50_000, 0);
    cache.get('t1', 1); // t2 is now the least recently used
    cache.set('t3', principal('c'), 50_000, 2);
    expect(cache.get('t2', 3)).toBeUndefined();
    expect(cache.get('t1', 3)?.subject).toBe('a');
    expect(cache.get('t3', 3)?.subject).toBe('c');
  });
});
