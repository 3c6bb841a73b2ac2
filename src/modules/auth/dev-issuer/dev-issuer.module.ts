import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { AuthModule } from '../auth.module';
import { DevIssuerController } from './dev-issuer.controller';

/** The development issuer's discovery and JWKS routes, served only without AUTH_ISSUER. */
@Module({})
export class DevIssuerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: DevIssuerModule, imports: [AuthModule], controllers: config.auth.issuer ? [] : [DevIssuerController] };
  }
}
