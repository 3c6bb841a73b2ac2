import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { decode } from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import passport from 'passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '../../config/app-config';
import { IssuerKeys } from './issuer-keys';
import { Principal } from './principal';

/**
 * passport-jwt with keys from AUTH_ISSUER's JWKS; yields the Principal.
 *
 * Passport keeps one process-wide registry of strategies. Each application
 * instance registers its strategy under a name of its own, so that two apps in
 * one process (the e2e suites do this) never verify with each other's issuer.
 */
@Injectable()
export class JwtStrategyRegistration implements OnModuleDestroy {
  readonly name = `zitadel-jwt-${randomUUID()}`;

  constructor(config: AppConfig, keys: IssuerKeys) {
    const Base = PassportStrategy(Strategy, this.name);
    class JwtStrategy extends Base {
      constructor() {
        super({
          jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
          issuer: config.auth.issuer,
          audience: config.auth.audience,
          algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'],
          ignoreExpiration: false,
          jsonWebTokenOptions: { clockTolerance: 5 },
          secretOrKeyProvider: (_request: unknown, rawJwt: string, done: (err: unknown, key?: string) => void) => {
            const header = decode(rawJwt, { complete: true })?.header;
            keys.publicKeyFor(header?.kid).then(
              (key) => done(null, key),
              (error) => done(error),
            );
          },
        });
      }

      validate(payload: Record<string, unknown>): Principal | false {
        // `exp` is required: a token that never expires is refused.
        if (typeof payload.sub !== 'string' || payload.sub.length === 0 || typeof payload.exp !== 'number') return false;
        return Principal.fromClaims(payload);
      }
    }
    new JwtStrategy();
  }

  onModuleDestroy(): void {
    passport.unuse(this.name);
  }
}
