import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule, AppOptions } from './app.module';
import { AppConfig } from './config/app-config';
import { RestExceptionFilter } from './common/errors/rest-exception.filter';
import { setupSwagger } from './swagger';

/** Builds the whole application; main() and the e2e suites both start it this way. */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, options), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new RestExceptionFilter());
  app.enableShutdownHooks();
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  setupSwagger(app, config);
  return app;
}

export async function startApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  const app = await createApp(config, options);
  await app.listen(config.httpPort, config.host);
  return app;
}
