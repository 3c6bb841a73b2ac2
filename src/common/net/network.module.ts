import { DynamicModule, Global, Module } from '@nestjs/common';
import { HostResolver, SystemHostResolver } from './host-resolver';

/** The host resolver of guarded outgoing connections, for every module. */
@Global()
@Module({})
export class NetworkModule {
  static forRoot(resolver: HostResolver = new SystemHostResolver()): DynamicModule {
    return {
      module: NetworkModule,
      providers: [{ provide: HostResolver, useValue: resolver }],
      exports: [HostResolver],
    };
  }
}
