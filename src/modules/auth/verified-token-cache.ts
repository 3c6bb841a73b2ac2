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
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly capacity: number,
    private readonly maxAgeMs: number,
  ) {}

  get(token: string, nowMs: number): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    if (entry.usableUntilMs <= nowMs) return undefined;
    this.entries.set(token, entry);
    return entry.principal;
  }

  /** `expiresAtMs`: the token's `exp` in epoch ms. */
  set(token: string, principal: Principal, expiresAtMs: number, nowMs: number): void {
    const usableUntilMs = Math.min(expiresAtMs, nowMs + this.maxAgeMs);
    if (usableUntilMs <= nowMs) return;
    this.entries.delete(token);
    this.entries.set(token, { principal, usableUntilMs });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
