import { UseGuards, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiDefaultResponse, ApiForbiddenResponse, ApiOAuth2, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponse } from '../../common/http/error-response.dto';
import { AUTH_REQUIREMENT, AccessTokenGuard, AuthRequirement } from './access-token.guard';
import { ZITADEL_API_SCOPE } from './principal';

export const BEARER_SCHEME = 'bearer';
export const OAUTH2_SCHEME = 'zitadel';
export const API_SCOPES = ['openid', ZITADEL_API_SCOPE];

/**
 * Who may call a handler: a valid access token with the ZITADEL API scope and,
 * when given, an instance-wide permission. Documents the security schemes and
 * the 401/403 answers in OpenAPI too.
 */
export function Authenticated(requirement: AuthRequirement = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    AUTH_REQUIREMENT(requirement),
    UseGuards(AccessTokenGuard),
    ApiBearerAuth(BEARER_SCHEME),
    ApiOAuth2(API_SCOPES, OAUTH2_SCHEME),
    ApiUnauthorizedResponse({ description: 'No, malformed, expired or foreign token (code 16)', type: ErrorResponse }),
    ApiForbiddenResponse({ description: 'Token lacks the scope or the permission (code 7)', type: ErrorResponse }),
    ApiDefaultResponse({ description: 'Any other error, in ZITADEL\'s shape', type: ErrorResponse }),
  );
}
