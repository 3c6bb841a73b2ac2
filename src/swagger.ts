import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from './config/app-config';
import { BEARER_SCHEME, OAUTH2_SCHEME } from './modules/auth/authenticated.decorator';
import { ZITADEL_API_SCOPE } from './modules/auth/principal';

/** Swagger UI at /docs, the OpenAPI document at /docs/openapi.json. Returns the document. */
export function setupSwagger(app: INestApplication, config: AppConfig): OpenAPIObject {
  const issuer = config.auth.issuer;
  const builder = new DocumentBuilder()
    .setTitle('Identity API (ZITADEL-compatible)')
    .setDescription(
      "ZITADEL's admin API v1 SMS providers and resources v3alpha users and user schemas. " +
        'Every call needs a bearer token with the scope ' +
        ZITADEL_API_SCOPE +
        '. Errors have the shape {code, message, details:[{@type, id, message}]}.' +
        (issuer ? '' : ' This instance is its own development issuer: `npm run token -- --role IAM_OWNER` prints a token to paste into Authorize.'),
    )
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: issuer ? 'An access token of AUTH_ISSUER' : 'A token from `npm run token -- --role IAM_OWNER`' },
      BEARER_SCHEME,
    );
  if (issuer) {
    builder.addOAuth2(
      {
        type: 'oauth2',
        flows: {
          authorizationCode: {
            authorizationUrl: `${issuer}/oauth/v2/authorize`,
            tokenUrl: `${issuer}/oauth/v2/token`,
            scopes: { openid: 'OpenID Connect', [ZITADEL_API_SCOPE]: "Access to ZITADEL's API" },
          },
        },
      },
      OAUTH2_SCHEME,
    );
  }
  const document = SwaggerModule.createDocument(app, builder.build());
  // The development issuer has no authorization endpoint: offer the bearer scheme only.
  if (!issuer) dropSecurityScheme(document, OAUTH2_SCHEME);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
    swaggerOptions: { persistAuthorization: true },
  });
  return document;
}

function dropSecurityScheme(document: OpenAPIObject, scheme: string): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Array<{ security?: Array<Record<string, string[]>> }>) {
      if (!Array.isArray(operation?.security)) continue;
      operation.security = operation.security.filter((requirement) => !(scheme in requirement));
    }
  }
}
