import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { decode } from 'jsonwebtoken';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/app-config';
import { IssuerKeys } from './issuer-keys';
import { Principal } from './principal';

export const JWT_STRATEGY = 'zitadel-jwt';

/** passport-jwt, with keys from AUTH_ISSUER's JWKS; yields the Principal. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(@Inject(APP_CONFIG) config: AppConfig, keys: IssuerKeys) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'],
      ignoreExpiration: false,
      // `exp` is required: a token that never expires is refused.
      jsonWebTokenOptions: { complete: false, clockTolerance: 5 },
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
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || typeof payload.exp !== 'number') return false;
    return Principal.fromClaims(payload);
  }
}
