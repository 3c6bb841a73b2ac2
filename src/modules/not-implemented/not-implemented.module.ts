import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { notImplementedController, notImplementedRules } from './not-implemented-routes';

/**
 * Every HTTP rule of the served services, from ZITADEL's descriptors, that no
 * handler serves yet: it answers 501 with code 12, as ZITADEL's gateway does,
 * instead of a 404.
 */
@Module({})
export class NotImplementedModule {
  static forRoot(): DynamicModule {
    return { module: NotImplementedModule, imports: [AuthModule], controllers: [notImplementedController(notImplementedRules())] };
  }
}
