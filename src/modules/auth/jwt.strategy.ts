import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { decode } from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import { KeyObject, createPublicKey, randomUUID } from 'node:crypto';
import passport from 'passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../../config/app-config';
import { unauthenticated } from '../../common/errors/zitadel-error';
import { Principal } from './principal';
import { CLOCK_LEEWAY_SECONDS, headerRefusal, subjectRefusal, timeClaimsRefusal } from './token-rules';
import { TrustedIssuer } from './trusted-issuer';

/**
 * Parsed public keys by their PEM text. Given the PEM, jsonwebtoken parses it
 * again for every token; that parse (createPublicKey) was a visible share of a
 * request's CPU in the benchmark's profile. Keyed by the PEM itself, so a
 * rotated key simply is a new entry; bounded, least recently used out first.
 */
class KeyObjectCache {
  private readonly keys: LRUCache<string, KeyObject>;

  constructor(capacity: number) {
    this.keys = new LRUCache<string, KeyObject>({ max: capacity });
  }

  of(pem: string): KeyObject {
    let key = this.keys.get(pem);
    if (!key) {
      key = createPublicKey(pem);
      this.keys.set(pem, key);
    }
    return key;
  }
}

/**
 * passport-jwt with the keys of the trusted issuer; yields the Principal.
 *
 * Passport keeps one process-wide registry of strategies. Each application
 * instance registers its strategy under a name of its own, so that two apps in
 * one process (the e2e suites do this) never verify with each other's issuer.
 */
@Injectable()
export class JwtStrategyRegistration implements OnApplicationShutdown {
  readonly name = `zitadel-jwt-${randomUUID()}`;

  constructor(config: AppConfig, issuer: TrustedIssuer) {
    const keyObjects = new KeyObjectCache(32);
    const Base = PassportStrategy(Strategy, this.name);
    class JwtStrategy extends Base {
      constructor() {
        super({
          jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
          audience: config.auth.audience,
          algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'],
          ignoreExpiration: false,
          jsonWebTokenOptions: { clockTolerance: CLOCK_LEEWAY_SECONDS },
          secretOrKeyProvider: (_request: unknown, rawJwt: string, done: (err: unknown, key?: string) => void) => {
            const header = decode(rawJwt, { complete: true })?.header;
            // Refused before the key look-up, so that such a token never makes the issuer's keys be fetched.
            const refusal = headerRefusal(header);
            if (refusal) return done(refusal);
            issuer
              .publicKeyFor(header?.kid)
              // jsonwebtoken accepts a KeyObject as well as PEM text.
              .then((pem) => keyObjects.of(pem))
              .then(
                (key) => done(null, key as unknown as string),
                (error) => done(error),
              );
          },
        });
      }

      validate(payload: Record<string, unknown>): Principal | false {
        // Checked here rather than by passport-jwt's `issuer` option: the
        // development issuer's URL is known only once the server listens.
        if (payload.iss !== issuer.url) throw unauthenticated('APP-BxUSiL', 'invalid token: wrong issuer');
        // `exp` is required: a token that never expires is refused.
        const refusal = timeClaimsRefusal(payload, Date.now() / 1000);
        if (refusal) throw refusal;
        const subjectRefused = subjectRefusal(payload.sub);
        if (subjectRefused) throw subjectRefused;
        return Principal.fromClaims(payload);
      }
    }
    new JwtStrategy();
  }

  /** A shutdown hook, not a destroy hook: requests still in flight keep authenticating until the server drained. */
  onApplicationShutdown(): void {
    passport.unuse(this.name);
  }
}
