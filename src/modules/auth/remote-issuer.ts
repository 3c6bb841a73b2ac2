import { Inject, Injectable } from '@nestjs/common';
import { JwksClient, SigningKeyNotFoundError } from 'jwks-rsa';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/app-config';
import { IssuerUnreachableError, TrustedIssuer, UnknownSigningKeyError } from './trusted-issuer';

/**
 * AUTH_ISSUER and its public keys: the discovery document names the JWKS; keys
 * are cached, and an unknown `kid` triggers a refetch, rate-limited so that
 * tokens with made-up key ids cannot hammer the issuer.
 */
@Injectable()
export class RemoteIssuer extends TrustedIssuer {
  private jwksUri?: Promise<string>;
  private readonly client: JwksClient;
  readonly url: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    if (!config.auth.issuer) throw new Error('RemoteIssuer needs AUTH_ISSUER');
    this.url = config.auth.issuer;
    this.client = new JwksClient({
      cache: true,
      cacheMaxEntries: 20,
      cacheMaxAge: 10 * 60_000,
      rateLimit: true,
      jwksRequestsPerMinute: 10,
      timeout: 5_000,
      fetcher: async () => this.fetchJson(await this.discoverJwksUri()),
    });
  }

  override async publicKeyFor(kid: string | undefined): Promise<string> {
    try {
      const key = await this.client.getSigningKey(kid);
      return key.getPublicKey();
    } catch (error) {
      if (error instanceof SigningKeyNotFoundError || (error as Error)?.name === 'SigningKeyNotFoundError') {
        throw new UnknownSigningKeyError('the token is signed by a key the issuer does not publish');
      }
      if ((error as Error)?.name === 'JwksRateLimitError') {
        throw new UnknownSigningKeyError('the token is signed by an unknown key');
      }
      throw new IssuerUnreachableError('the issuer keys cannot be fetched');
    }
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
