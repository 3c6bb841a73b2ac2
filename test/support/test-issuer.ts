import { KeyObject, createHmac, sign } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { JWK, SignJWT, exportJWK, generateKeyPair } from 'jose';

export const ZITADEL_SCOPE = 'urn:zitadel:iam:org:project:id:zitadel:aud';

export interface TokenOptions {
  sub?: string;
  /** role → organization ids */
  roles?: Record<string, string[]>;
  /** The caller's own organization (urn:zitadel:iam:user:resourceowner:id). */
  org?: string;
  scope?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  notBefore?: number;
  issuer?: string;
  audience?: string | string[];
  alg?: 'RS256' | 'ES256';
  /** Sign with a key the issuer does not publish. */
  unknownKey?: boolean;
  extraClaims?: Record<string, unknown>;
}

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** A token put together by hand, for what a JWT library will not sign: odd headers, claims of the wrong type. */
export interface ForgedToken {
  /** Merged over `{"alg":"RS256","kid":<the issuer's RS256 kid>,"typ":"JWT"}`. */
  header?: Record<string, unknown>;
  /** Merged over an IAM_OWNER's claims (iss, sub, scope, roles, iat now, exp in 5 minutes). */
  claims?: Record<string, unknown>;
  /**
   * issuer: RS256 with the issuer's published key; rogue: RS256 with a key it does not publish;
   * none: no signature; publicKeyAsHmacSecret: HS256 keyed with the issuer's RS256 public key (PEM).
   */
  signature?: 'issuer' | 'rogue' | 'none' | 'publicKeyAsHmacSecret';
}

/** What the suites sign tokens with, in either topology (TestIssuer, DevIssuerTokens). */
export interface TokensForTests {
  readonly url: string;
  token(options?: TokenOptions): Promise<string>;
  /** A token of an IAM_OWNER, the role that may do everything. */
  owner(extra?: TokenOptions): Promise<string>;
}

/**
 * A small OpenID issuer on 127.0.0.1 for the e2e suites: discovery document,
 * JWKS with an RS256 and an ES256 key, and tokens signed with jose.
 */
export class TestIssuer implements TokensForTests {
  private server?: Server;
  private keys = new Map<'RS256' | 'ES256', { pair: KeyPair; kid: string }>();
  private rogue?: KeyPair;
  url = '';
  jwksRequests = 0;
  private jwksGate?: { opened: Promise<void>; open(): void; requested: Promise<void>; markRequested(): void };

  async start(): Promise<this> {
    for (const alg of ['RS256', 'ES256'] as const) {
      this.keys.set(alg, { pair: await generateKeyPair(alg, { extractable: true }), kid: `test-${alg.toLowerCase()}` });
    }
    this.rogue = await generateKeyPair('RS256', { extractable: true });
    const jwks: JWK[] = [];
    for (const [alg, { pair, kid }] of this.keys) jwks.push({ ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' });

    this.server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/.well-known/openid-configuration') {
        response.end(JSON.stringify({ issuer: this.url, jwks_uri: `${this.url}/oauth/v2/keys` }));
      } else if (request.url === '/oauth/v2/keys') {
        this.jwksRequests++;
        const gate = this.jwksGate;
        gate?.markRequested();
        void (gate?.opened ?? Promise.resolve()).then(() => response.end(JSON.stringify({ keys: jwks })));
      } else {
        response.statusCode = 404;
        response.end('{}');
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /**
   * Holds JWKS answers back until `release()`: a request that needs the keys
   * stays in flight meanwhile. `requested` resolves when the first one waits.
   */
  holdJwks(): { requested: Promise<void>; release: () => void } {
    let open!: () => void;
    let markRequested!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const requested = new Promise<void>((resolve) => (markRequested = resolve));
    this.jwksGate = { opened, open, requested, markRequested };
    return {
      requested,
      release: () => {
        this.jwksGate = undefined;
        open();
      },
    };
  }

  async token(options: TokenOptions = {}): Promise<string> {
    const alg = options.alg ?? 'RS256';
    const { pair, kid } = this.keys.get(alg)!;
    const roles: Record<string, Record<string, string>> = {};
    for (const [role, orgs] of Object.entries(options.roles ?? {})) {
      roles[role] = Object.fromEntries(orgs.map((org) => [org, `${org}.example.com`]));
    }
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({
      scope: options.scope ?? `openid ${ZITADEL_SCOPE}`,
      'urn:zitadel:iam:org:project:roles': roles,
      ...(options.org ? { 'urn:zitadel:iam:user:resourceowner:id': options.org } : {}),
      ...options.extraClaims,
    })
      .setProtectedHeader({ alg, kid: options.unknownKey ? 'not-published' : kid, typ: 'JWT' })
      .setSubject(options.sub ?? 'admin-user')
      .setIssuer(options.issuer ?? this.url)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresIn ?? 300));
    if (options.audience) jwt.setAudience(options.audience);
    if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
    return jwt.sign(options.unknownKey ? this.rogue!.privateKey : pair.privateKey);
  }

  forge(options: ForgedToken = {}): string {
    const { pair, kid } = this.keys.get('RS256')!;
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', kid, typ: 'JWT', ...options.header };
    const claims = {
      iss: this.url,
      sub: 'admin-user',
      scope: `openid ${ZITADEL_SCOPE}`,
      'urn:zitadel:iam:org:project:roles': { IAM_OWNER: { instance: 'instance.example.com' } },
      iat: now,
      exp: now + 300,
      ...options.claims,
    };
    const input = `${base64url(header)}.${base64url(claims)}`;
    const signature = options.signature ?? 'issuer';
    if (signature === 'none') return `${input}.`;
    if (signature === 'publicKeyAsHmacSecret') {
      const pem = KeyObject.from(pair.publicKey).export({ format: 'pem', type: 'spki' }).toString();
      return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    }
    const key = KeyObject.from(signature === 'rogue' ? this.rogue!.privateKey : pair.privateKey);
    return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
  }

  /** The public JWK of the key `signature: 'rogue'` signs with, as an attacker would publish it. */
  async roguePublicJwk(kid: string): Promise<JWK> {
    return { ...(await exportJWK(this.rogue!.publicKey)), kid, alg: 'RS256', use: 'sig' };
  }

  /** A token of an IAM_OWNER, the role that may do everything. */
  owner(extra: TokenOptions = {}): Promise<string> {
    return this.token({ roles: { IAM_OWNER: ['instance'] }, ...extra });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
