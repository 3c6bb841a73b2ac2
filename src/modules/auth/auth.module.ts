import { Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthModuleOptions, PassportModule } from '@nestjs/passport';
import { Clock } from '../../common/time/clock';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/app-config';
import { AccessTokenGuard } from './access-token.guard';
import { DevIssuer } from './dev-issuer/dev-issuer';
import { JwtStrategyRegistration } from './jwt.strategy';
import { RemoteIssuer } from './remote-issuer';
import { TrustedIssuer } from './trusted-issuer';

/**
 * Bearer tokens for every module with handlers (they import this module for
 * AccessTokenGuard's dependencies). AUTH_ISSUER set: its tokens; else the
 * service's own development issuer (its discovery routes: DevIssuerModule).
 */
@Module({
  imports: [PassportModule],
  providers: [
    {
      provide: TrustedIssuer,
      inject: [APP_CONFIG, Clock, HttpAdapterHost],
      useFactory: (config: AppConfig, clock: Clock, http: HttpAdapterHost) =>
        config.auth.issuer ? new RemoteIssuer(config, clock) : new DevIssuer(config, http),
    },
    // The development issuer itself, or null with AUTH_ISSUER set.
    { provide: DevIssuer, inject: [TrustedIssuer], useFactory: (issuer: TrustedIssuer) => (issuer instanceof DevIssuer ? issuer : null) },
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
  exports: [AccessTokenGuard, TrustedIssuer, AuthModuleOptions, DevIssuer],
})
export class AuthModule {}
