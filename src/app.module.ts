import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { Clock } from './common/time/clock';
import { CryptoModule } from './common/crypto/crypto.module';
import { JsonBodyMiddleware } from './common/http/json-body.middleware';
import { loggerOptions } from './common/logging/logger-options';
import { DatabaseModule } from './database/database.module';
import { GrpcModule } from './grpc/grpc.module';
import { HealthController } from './health/health.controller';
import { AuthModule } from './modules/auth/auth.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { SmsModule } from './modules/sms/sms.module';

export interface AppOptions {
  /** Replaces the system clock (tests of expiry). */
  clock?: Clock;
}

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: AppConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, options.clock),
        LoggerModule.forRoot(loggerOptions(config)),
        CryptoModule,
        DatabaseModule,
        AuthModule,
        NotificationsModule,
        SmsModule,
        GrpcModule,
      ],
      controllers: [HealthController],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonBodyMiddleware).forRoutes('*');
  }
}
