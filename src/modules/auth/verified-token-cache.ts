import { LRUCache } from 'lru-cache';
import { Principal } from './principal';

interface Entry {
  principal: Principal;
  /** Epoch ms after which the entry is not used: the token's `exp`, or sooner (see maxAgeMs). */
  usableUntilMs: number;
}

/**
 * Bearer tokens this process verified lately, with the principal each one
 * yields, so that a client reusing its token (as service accounts do for the
 * token's lifetime) is not put through signature verification on every call.
 * An entry lasts until the token's `exp` and at most `maxAgeMs`, so that a
 * key the issuer withdrew stops being honoured within that age, as it does
 * through the issuer key cache. Bounded: least recently used out first.
 */
export class VerifiedTokenCache {
  // Expiry is judged against the caller's `nowMs` (the guard's clock), not lru-cache's own TTL timer.
  private readonly entries: LRUCache<string, Entry>;

  constructor(
    capacity: number,
    private readonly maxAgeMs: number,
  ) {
    this.entries = new LRUCache<string, Entry>({ max: capacity });
  }

  get(token: string, nowMs: number): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.usableUntilMs <= nowMs) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  /** `expiresAtMs`: the token's `exp` in epoch ms. */
  set(token: string, principal: Principal, expiresAtMs: number, nowMs: number): void {
    const usableUntilMs = Math.min(expiresAtMs, nowMs + this.maxAgeMs);
    if (usableUntilMs <= nowMs) return;
    this.entries.set(token, { principal, usableUntilMs });
  }
}
