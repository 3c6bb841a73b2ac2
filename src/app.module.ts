import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { DestinationStream } from 'pino';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { Clock } from './common/time/clock';
import { CryptoModule } from './common/crypto/crypto.module';
import { HostResolver } from './common/net/host-resolver';
import { NetworkModule } from './common/net/network.module';
import { LoggingModule } from './common/logging/logging.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { HttpDrain } from './lifecycle/http-drain';
import { MetricsModule } from './metrics/metrics.module';
import { GrpcModule } from './grpc/grpc.module';
import { DevIssuerModule } from './modules/auth/dev-issuer/dev-issuer.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { SmsModule } from './modules/sms/sms.module';
import { UsersModule } from './modules/users/users.module';
import { NotImplementedModule } from './modules/not-implemented/not-implemented.module';

export interface AppOptions {
  /** Replaces the system clock (tests of expiry). */
  clock?: Clock;
  /** Where the JSON log lines go instead of stdout (tests that read the log). */
  logStream?: DestinationStream;
  /** Replaces the system's host resolver for guarded outgoing connections (tests of DNS answers). */
  hostResolver?: HostResolver;
}

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: AppConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, options.clock),
        LoggingModule.forRoot(config, options.logStream),
        NetworkModule.forRoot(options.hostResolver),
        MetricsModule,
        CryptoModule,
        DatabaseModule,
        HealthModule,
        DevIssuerModule.forRoot(config),
        NotificationsModule,
        SmsModule,
        GrpcModule,
        UsersModule,
        NotImplementedModule.forRoot(),
      ],
      providers: [HttpDrain],
      exports: [HttpDrain],
    };
  }

  constructor(private readonly drain: HttpDrain) {}

  configure(consumer: MiddlewareConsumer): void {
    // Every request, also the ones the body parser refuses (Fastify reads bodies after the middleware).
    const trackInFlight = (_request: unknown, response: ServerResponse, next: () => void) => {
      this.drain.track(response);
      next();
    };
    consumer.apply(trackInFlight).forRoutes('*');
  }
}
