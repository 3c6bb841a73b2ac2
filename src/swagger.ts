import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from './config/app-config';
import { BEARER_SCHEME, OAUTH2_SCHEME } from './modules/auth/authenticated.decorator';
import { ZITADEL_API_SCOPE } from './modules/auth/principal';

/** Swagger UI at /docs, the OpenAPI document at /docs/openapi.json. */
export function setupSwagger(app: INestApplication, config: AppConfig): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Identity API (ZITADEL-compatible)')
      .setDescription(
        "ZITADEL's admin API v1 SMS providers and resources v3alpha users and user schemas. " +
          'Every call needs a bearer token with the scope ' +
          ZITADEL_API_SCOPE +
          '. Errors have the shape {code, message, details:[{@type, id, message}]}.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token of AUTH_ISSUER' }, BEARER_SCHEME)
      .addOAuth2(
        {
          type: 'oauth2',
          flows: {
            authorizationCode: {
              authorizationUrl: `${config.auth.issuer}/oauth/v2/authorize`,
              tokenUrl: `${config.auth.issuer}/oauth/v2/token`,
              scopes: { openid: 'OpenID Connect', [ZITADEL_API_SCOPE]: "Access to ZITADEL's API" },
            },
          },
        },
        OAUTH2_SCHEME,
      )
      .build(),
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
    swaggerOptions: { persistAuthorization: true },
  });
}
