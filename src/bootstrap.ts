import 'reflect-metadata';
import { INestApplication, INestApplicationContext } from '@nestjs/common';
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

/**
 * Everything but the HTTP listener: the notification relay and delivery
 * workers of a process that serves no API (`node dist/src/worker.js`).
 */
export async function startWorker(config: AppConfig, options: AppOptions = {}): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(AppModule.forRoot(config, options), { bufferLogs: true });
  context.useLogger(context.get(Logger));
  context.enableShutdownHooks();
  await context.init();
  return context;
}

export async function startApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  const app = await createApp(config, options);
  await app.listen(config.httpPort, config.host);
  return app;
}
