import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule, AppOptions } from './app.module';
import { AppConfig } from './config/app-config';
import { RestExceptionFilter } from './common/errors/rest-exception.filter';
import { attachGrpc } from './grpc/attach-grpc';
import { setupSwagger } from './swagger';

/**
 * Builds the whole application, REST, gRPC-web and native gRPC; main() and the
 * e2e suites both start it this way (gRPC with startAllMicroservices(), HTTP
 * with listen()).
 */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, options), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new RestExceptionFilter());
  app.enableShutdownHooks();
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  attachGrpc(app, config);
  setupSwagger(app, config);
  return app;
}

export async function startApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  const app = await createApp(config, options);
  await app.startAllMicroservices();
  await app.listen(config.httpPort, config.host);
  return app;
}
