import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AddressInfo } from 'node:net';
import { APP_CONFIG } from '../../../config/config.module';
import { AppConfig } from '../../../config/app-config';
import { TrustedIssuer, UnknownSigningKeyError } from '../trusted-issuer';
import { DevAccessTokenRequest, signDevAccessToken } from './dev-access-token';
import { DEV_ISSUER_ALG, DevIssuerKey, loadOrCreateDevIssuerKey } from './dev-issuer-key';

export const DEV_JWKS_PATH = '/oauth/v2/keys';

/** The issuer URL `npm run token` writes and the server accepts: the HTTP port on localhost. */
export function devIssuerUrl(httpPort: number): string {
  return `http://localhost:${httpPort}`;
}

/**
 * Without AUTH_ISSUER the service is its own OpenID issuer for development:
 * it verifies tokens against its own key (no HTTP round trip to itself) and
 * publishes discovery and JWKS on its HTTP port for other tools.
 */
@Injectable()
export class DevIssuer extends TrustedIssuer {
  readonly key: DevIssuerKey;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly http: HttpAdapterHost,
  ) {
    super();
    const { key, path } = loadOrCreateDevIssuerKey(config.dataDir);
    this.key = key;
    const where = config.httpPort === 0 ? 'http://localhost:<bound port>' : devIssuerUrl(config.httpPort);
    new Logger('EmbeddedDefaults').warn(
      `no AUTH_ISSUER: the service is its own development token issuer at ${where} (key in ${path}; npm run token signs tokens); set AUTH_ISSUER to switch to production`,
    );
  }

  /** With HTTP_PORT=0 (tests) the URL is only known once the server listens. */
  override get url(): string {
    if (this.config.httpPort !== 0) return devIssuerUrl(this.config.httpPort);
    const address = this.http.httpAdapter?.getHttpServer()?.address() as AddressInfo | null | undefined;
    if (!address || typeof address !== 'object') throw new Error('the development issuer URL is known only once the HTTP server listens');
    return devIssuerUrl(address.port);
  }

  override async publicKeyFor(kid: string | undefined): Promise<string> {
    if (kid !== this.key.kid) throw new UnknownSigningKeyError('the token is signed by a key the development issuer does not have');
    return this.key.publicKeyPem;
  }

  sign(request: DevAccessTokenRequest): Promise<string> {
    return signDevAccessToken(this.key, this.url, { audience: this.config.auth.audience, ...request });
  }

  discoveryDocument(): Record<string, unknown> {
    return {
      issuer: this.url,
      jwks_uri: `${this.url}${DEV_JWKS_PATH}`,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [DEV_ISSUER_ALG],
      scopes_supported: ['openid', 'urn:zitadel:iam:org:project:id:zitadel:aud'],
    };
  }

  jwks(): { keys: Array<Record<string, string>> } {
    return { keys: [this.key.publicJwk] };
  }
}
