import { ZitadelError, unauthenticated } from '../../common/errors/zitadel-error';

/** Seconds of clock difference between the issuer and this service tolerated for `exp`, `nbf` and `iat` alike. */
export const CLOCK_LEEWAY_SECONDS = 5;

const INVALID_TOKEN = 'APP-BxUSiL';

/**
 * Checks of the JOSE header that the JWT library leaves out. `crit` names
 * extensions the recipient must understand or refuse (RFC 7515 §4.1.11); this
 * service understands none, and the one that matters most, `b64: false`
 * (RFC 7797), changes what the signature covers. `jku`, `x5u`, `jwk` and `x5c`
 * are never read: keys come only from the issuer's JWKS.
 */
export function headerRefusal(header: unknown): ZitadelError | undefined {
  // Not a JWT at all: refused here, so that it cannot make the issuer's keys be fetched again.
  if (header === null || typeof header !== 'object') return unauthenticated(INVALID_TOKEN, 'invalid token: malformed');
  if (Object.hasOwn(header, 'crit')) return unauthenticated(INVALID_TOKEN, 'invalid token: unsupported critical header parameter');
  return undefined;
}

/**
 * The time claims beyond what the JWT library checks: `exp` is required,
 * every time claim present is a finite NumericDate, and `iat` does not lie
 * in the future (beyond the leeway): a token issued "later" comes from a
 * broken or forging issuer.
 */
export function timeClaimsRefusal(payload: Record<string, unknown>, nowSeconds: number): ZitadelError | undefined {
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    const value = payload[claim];
    if (value === undefined && claim !== 'exp') continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) return unauthenticated(INVALID_TOKEN, `invalid token: ${claim} is not a NumericDate`);
  }
  if (payload.iat !== undefined && (payload.iat as number) > nowSeconds + CLOCK_LEEWAY_SECONDS) {
    return unauthenticated(INVALID_TOKEN, 'invalid token: issued in the future');
  }
  return undefined;
}

/** Longest user id the service stores (the editor of every change, the caller of every send). */
export const MAX_SUBJECT_LENGTH = 200;

/**
 * `sub` names the acting user: it is recorded with every change and counted
 * by the send limits, so a token without one, or with one no user id can be,
 * is refused rather than failing later in the database.
 */
export function subjectRefusal(sub: unknown): ZitadelError | undefined {
  if (typeof sub !== 'string' || sub.length === 0) return unauthenticated(INVALID_TOKEN, 'invalid token: no subject');
  if (sub.length > MAX_SUBJECT_LENGTH) return unauthenticated(INVALID_TOKEN, 'invalid token: subject too long');
  return undefined;
}
