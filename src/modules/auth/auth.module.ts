import { DynamicModule, Global, Module } from '@nestjs/common';
import { AuthModuleOptions, PassportModule } from '@nestjs/passport';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/app-config';
import { AccessTokenGuard } from './access-token.guard';
import { DevIssuer } from './dev-issuer/dev-issuer';
import { DevIssuerController } from './dev-issuer/dev-issuer.controller';
import { JwtStrategyRegistration } from './jwt.strategy';
import { RemoteIssuer } from './remote-issuer';
import { TrustedIssuer } from './trusted-issuer';

@Global()
@Module({})
export class AuthModule {
  /** AUTH_ISSUER set: its tokens; else the service's own development issuer. */
  static forRoot(config: AppConfig): DynamicModule {
    const development = !config.auth.issuer;
    return {
      module: AuthModule,
      imports: [PassportModule],
      controllers: development ? [DevIssuerController] : [],
      providers: [
        ...(development ? [DevIssuer, { provide: TrustedIssuer, useExisting: DevIssuer }] : [{ provide: TrustedIssuer, useClass: RemoteIssuer }]),
        {
          provide: JwtStrategyRegistration,
          inject: [APP_CONFIG, TrustedIssuer],
          useFactory: (appConfig: AppConfig, issuer: TrustedIssuer) => new JwtStrategyRegistration(appConfig, issuer),
        },
        {
          // The guard authenticates with this app's own strategy.
          provide: AuthModuleOptions,
          inject: [JwtStrategyRegistration],
          useFactory: (strategy: JwtStrategyRegistration) => ({ defaultStrategy: strategy.name, session: false }),
        },
        AccessTokenGuard,
      ],
      exports: [AccessTokenGuard, TrustedIssuer, AuthModuleOptions, ...(development ? [DevIssuer] : [])],
    };
  }
}
