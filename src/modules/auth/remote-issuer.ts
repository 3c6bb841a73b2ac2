import { Inject, Injectable } from '@nestjs/common';
import { JwksClient } from 'jwks-rsa';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../../common/time/clock';
import { IssuerKeys, KeySet } from './issuer-keys';
import { TrustedIssuer } from './trusted-issuer';

/**
 * AUTH_ISSUER and its public keys: the discovery document names the JWKS,
 * which is fetched again every ten minutes and when a token names a key it
 * lacks, at most ten times a minute (IssuerKeys). jwks-rsa turns the JWKs into
 * PEM keys.
 */
@Injectable()
export class RemoteIssuer extends TrustedIssuer {
  private jwksUri?: Promise<string>;
  private readonly keys: IssuerKeys;
  readonly url: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig, clock: Clock) {
    super();
    if (!config.auth.issuer) throw new Error('RemoteIssuer needs AUTH_ISSUER');
    this.url = config.auth.issuer;
    const client = new JwksClient({
      cache: false,
      rateLimit: false,
      timeout: 5_000,
      fetcher: async () => this.fetchJson(await this.discoverJwksUri()),
    });
    const fetchKeys = async (): Promise<KeySet> => new Map((await client.getSigningKeys()).map((key) => [key.kid, key.getPublicKey()]));
    this.keys = new IssuerKeys(fetchKeys, { maxAgeMs: 10 * 60_000, minIntervalMs: 6_000, now: () => clock.now().getTime() });
  }

  override publicKeyFor(kid: string | undefined): Promise<string> {
    return this.keys.publicKeyFor(kid);
  }

  private discoverJwksUri(): Promise<string> {
    if (!this.jwksUri) {
      this.jwksUri = this.fetchJson(`${this.url}/.well-known/openid-configuration`).then((doc) => {
        const uri = (doc as { jwks_uri?: unknown }).jwks_uri;
        if (typeof uri !== 'string') throw new Error('the discovery document has no jwks_uri');
        return uri;
      });
      // A failed discovery is tried again on the next request.
      this.jwksUri.catch(() => (this.jwksUri = undefined));
    }
    return this.jwksUri;
  }

  private async fetchJson(url: string): Promise<{ keys: unknown[] } & Record<string, unknown>> {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    return (await response.json()) as { keys: unknown[] };
  }
}
