import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, AuthModuleOptions } from '@nestjs/passport';
import { ZitadelError, permissionDenied, unauthenticated, unavailable } from '../../common/errors/zitadel-error';
import { IssuerUnreachableError, UnknownSigningKeyError } from './trusted-issuer';
import { InstancePermission } from './permissions';
import { Principal, ZITADEL_API_SCOPE } from './principal';
import { TokenCarrier, attachPrincipal, tokenCarrierOf } from './request-principal';
import { VerifiedTokenCache } from './verified-token-cache';

export interface AuthRequirement {
  /** Instance-wide permission the method needs; absent = any valid token ("authenticated"). */
  permission?: InstancePermission;
}

export const AUTH_REQUIREMENT = Reflector.createDecorator<AuthRequirement>();

/**
 * ZITADEL's authorization interceptor for every transport: a valid bearer
 * token (401, code 16), the ZITADEL API scope (403, code 7) and the method's
 * permission (403, code 7, AUTH-5mWD2).
 */
@Injectable()
export class AccessTokenGuard extends AuthGuard() {
  constructor(
    private readonly reflector: Reflector,
    // Passed on so that passport's mixin does not log a missing default strategy at start-up.
    options: AuthModuleOptions,
  ) {
    super(options);
  }

  /**
   * Verifying a token's signature through passport-jwt was about a tenth of
   * a request's CPU (bench/); a token seen lately is trusted for at most a
   * minute more, never beyond its exp.
   */
  private readonly verified = new VerifiedTokenCache(10_000, 60_000);

  /** One carrier per call, so passport and this guard see the same object. */
  private readonly carriers = new WeakMap<ExecutionContext, TokenCarrier>();

  private carrierOf(context: ExecutionContext): TokenCarrier {
    let carrier = this.carriers.get(context);
    if (!carrier) {
      carrier = tokenCarrierOf(context);
      this.carriers.set(context, carrier);
    }
    return carrier;
  }

  override getRequest(context: ExecutionContext): unknown {
    return this.carrierOf(context);
  }

  getResponse(context: ExecutionContext): unknown {
    return context.getType() === 'http' ? context.switchToHttp().getResponse() : {};
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const carrier = this.carrierOf(context);
    const header = carrier.headers.authorization;
    if (!header) throw unauthenticated('AUTH-x4hB8', 'auth header missing');
    if (!/^Bearer [A-Za-z0-9_.~+/=-]+$/i.test(header.trim())) {
      throw unauthenticated('AUTH-7fs1e', 'invalid auth header');
    }
    const now = Date.now();
    let principal = this.verified.get(header, now);
    if (!principal) {
      await super.canActivate(context);
      principal = carrier.user as Principal;
      if (principal.expiresAtMs !== undefined) this.verified.set(header, principal, principal.expiresAtMs, now);
    }
    attachPrincipal(context, carrier, principal);

    if (!principal.hasScope(ZITADEL_API_SCOPE)) {
      throw permissionDenied('AUTH-S6c0p', `the token lacks the scope ${ZITADEL_API_SCOPE}`);
    }
    const requirement = this.reflector.getAllAndOverride(AUTH_REQUIREMENT, [context.getHandler(), context.getClass()]);
    if (requirement?.permission && !principal.hasInstancePermission(requirement.permission)) {
      throw permissionDenied('AUTH-5mWD2', 'No matching permissions found');
    }
    return true;
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (err instanceof ZitadelError) throw err;
    if (user) return user;
    throw toAuthError(err ?? info);
  }
}

function toAuthError(reason: unknown): ZitadelError {
  if (reason instanceof ZitadelError) return reason;
  if (reason instanceof IssuerUnreachableError) return unavailable('AUTH-Iss5u', 'the token issuer cannot be reached');
  if (reason instanceof UnknownSigningKeyError) return unauthenticated('APP-BxUSiL', 'invalid token: unknown signing key');
  const name = (reason as Error | undefined)?.name;
  const message = (reason as Error | undefined)?.message ?? '';
  if (name === 'TokenExpiredError') return unauthenticated('APP-k9KS0', 'token expired');
  if (name === 'NotBeforeError') return unauthenticated('APP-BxUSiL', 'invalid token: not valid yet');
  if (message.startsWith('jwt audience invalid')) return unauthenticated('APP-Zxfako', 'invalid audience');
  if (message.startsWith('jwt issuer invalid')) return unauthenticated('APP-BxUSiL', 'invalid token: wrong issuer');
  return unauthenticated('APP-BxUSiL', 'invalid token');
}
