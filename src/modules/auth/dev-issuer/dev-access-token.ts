import { SignJWT } from 'jose';
import { RESOURCE_OWNER_CLAIM, ROLES_CLAIM, ZITADEL_API_SCOPE } from '../principal';
import { DEV_ISSUER_ALG, DevIssuerKey } from './dev-issuer-key';

export const DEFAULT_DEV_ORG = 'default';
export const DEFAULT_DEV_SUBJECT = 'dev-admin';
export const DEFAULT_DEV_TTL_SECONDS = 12 * 60 * 60;

export interface DevAccessTokenRequest {
  /** role name → organization ids where it holds. */
  roles: Record<string, string[]>;
  /** The caller's own organization (urn:zitadel:iam:user:resourceowner:id); absent: no claim. */
  org?: string;
  sub: string;
  ttlSeconds: number;
  /** Default: openid and the ZITADEL API scope. */
  scope?: string;
  audience?: string | string[];
  /** Seconds from now. */
  notBefore?: number;
  extraClaims?: Record<string, unknown>;
}

/**
 * An access token shaped like ZITADEL's (README, "Access tokens and roles"), signed
 * by the development issuer. `npm run token` and the e2e suites sign here.
 */
export async function signDevAccessToken(key: DevIssuerKey, issuerUrl: string, request: DevAccessTokenRequest): Promise<string> {
  const roles: Record<string, Record<string, string>> = {};
  for (const [role, orgs] of Object.entries(request.roles)) roles[role] = Object.fromEntries(orgs.map((org) => [org, org]));
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    ...request.extraClaims,
    scope: request.scope ?? `openid ${ZITADEL_API_SCOPE}`,
    [ROLES_CLAIM]: roles,
    ...(request.org ? { [RESOURCE_OWNER_CLAIM]: request.org } : {}),
  })
    .setProtectedHeader({ alg: DEV_ISSUER_ALG, kid: key.kid, typ: 'JWT' })
    .setIssuer(issuerUrl)
    .setSubject(request.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + request.ttlSeconds);
  if (request.audience) jwt.setAudience(request.audience);
  if (request.notBefore !== undefined) jwt.setNotBefore(now + request.notBefore);
  return jwt.sign(key.privateKey);
}
