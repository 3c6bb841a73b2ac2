import { IssuerUnreachableError, UnknownSigningKeyError } from './trusted-issuer';

/** The issuer's public keys by key id, as PEM. */
export type KeySet = ReadonlyMap<string, string>;

export interface IssuerKeysOptions {
  /** How long a fetched key set is used before it is fetched again. */
  maxAgeMs: number;
  /** The least time between two fetches: tokens with made-up key ids must not hammer the issuer. */
  minIntervalMs: number;
  now?: () => number;
}

/**
 * The issuer's signing keys as last fetched, refreshed when they are old or a
 * token names a key id they lack, at most once per `minIntervalMs`.
 *
 * A key the service already has is never refused for want of a fetch: when a
 * refresh is not allowed yet or fails, the keys of the last good fetch stay in
 * use. With jwks-rsa's own cache, a key's entry expired after ten minutes and
 * its look-up then had to pass the rate limiter, which tokens with made-up key
 * ids had used up: valid tokens were refused as "unknown signing key" (found
 * by `npm run fuzz`, whose bad tokens carry such ids).
 */
export class IssuerKeys {
  private keys: KeySet = new Map();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private lastFetchFailed = false;
  private refreshing?: Promise<boolean>;
  private readonly now: () => number;

  constructor(
    private readonly fetchKeys: () => Promise<KeySet>,
    private readonly options: IssuerKeysOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The PEM key of `kid` (a token without a kid: the issuer's only key); throws UnknownSigningKeyError or IssuerUnreachableError. */
  async publicKeyFor(kid: string | undefined): Promise<string> {
    let key = this.find(kid);
    const stale = this.now() - this.fetchedAt >= this.options.maxAgeMs;
    if (key !== undefined && !stale) return key;
    const fetched = await this.refresh();
    key = this.find(kid);
    if (key !== undefined) return key;
    if (fetched === false || (fetched === undefined && this.lastFetchFailed)) throw new IssuerUnreachableError('the issuer keys cannot be fetched');
    throw new UnknownSigningKeyError('the token is signed by a key the issuer does not publish');
  }

  private find(kid: string | undefined): string | undefined {
    if (kid !== undefined) return this.keys.get(kid);
    return this.keys.size === 1 ? this.keys.values().next().value : undefined;
  }

  /** true: fetched now; false: the fetch failed; undefined: too soon for another fetch. One fetch at a time. */
  private refresh(): Promise<boolean | undefined> {
    if (this.refreshing) return this.refreshing;
    if (this.now() - this.attemptedAt < this.options.minIntervalMs) return Promise.resolve(undefined);
    this.attemptedAt = this.now();
    this.refreshing = this.fetchKeys()
      .then((keys) => {
        this.keys = keys;
        this.fetchedAt = this.now();
        this.lastFetchFailed = false;
        return true;
      })
      .catch(() => {
        this.lastFetchFailed = true;
        return false;
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }
}
