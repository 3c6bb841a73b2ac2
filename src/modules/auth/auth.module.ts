import { Global, Module } from '@nestjs/common';
import { AuthModuleOptions, PassportModule } from '@nestjs/passport';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/app-config';
import { AccessTokenGuard } from './access-token.guard';
import { IssuerKeys } from './issuer-keys';
import { JwtStrategyRegistration } from './jwt.strategy';

@Global()
@Module({
  imports: [PassportModule],
  providers: [
    IssuerKeys,
    {
      provide: JwtStrategyRegistration,
      inject: [APP_CONFIG, IssuerKeys],
      useFactory: (config: AppConfig, keys: IssuerKeys) => new JwtStrategyRegistration(config, keys),
    },
    {
      // The guard authenticates with this app's own strategy.
      provide: AuthModuleOptions,
      inject: [JwtStrategyRegistration],
      useFactory: (strategy: JwtStrategyRegistration) => ({ defaultStrategy: strategy.name, session: false }),
    },
    AccessTokenGuard,
  ],
  exports: [AccessTokenGuard, IssuerKeys, AuthModuleOptions],
})
export class AuthModule {}
