import { generateKeyPairSync } from 'node:crypto';
import { DevIssuer } from '../../src/modules/auth/dev-issuer/dev-issuer';
import { signDevAccessToken } from '../../src/modules/auth/dev-issuer/dev-access-token';
import { TokenOptions, TokensForTests } from './test-issuer';

/**
 * Tokens of the embedded topology: signed by the application's own
 * development issuer (the key `npm run token` uses), with the same options as
 * the TestIssuer of the MySQL topology. Always ES256, the dev issuer's algorithm.
 */
export class DevIssuerTokens implements TokensForTests {
  private readonly rogue = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

  constructor(private readonly issuer: DevIssuer) {}

  get url(): string {
    return this.issuer.url;
  }

  token(options: TokenOptions = {}): Promise<string> {
    const key = options.unknownKey ? { ...this.issuer.key, kid: 'not-published', privateKey: this.rogue } : this.issuer.key;
    return signDevAccessToken(key, options.issuer ?? this.issuer.url, {
      roles: options.roles ?? {},
      org: options.org,
      sub: options.sub ?? 'admin-user',
      ttlSeconds: options.expiresIn ?? 300,
      scope: options.scope,
      audience: options.audience,
      notBefore: options.notBefore,
      extraClaims: options.extraClaims,
    });
  }

  owner(extra: TokenOptions = {}): Promise<string> {
    return this.token({ roles: { IAM_OWNER: ['instance'] }, ...extra });
  }
}
