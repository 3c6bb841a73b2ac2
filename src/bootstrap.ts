import 'reflect-metadata';
import { INestApplication, INestApplicationContext, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { AppModule, AppOptions } from './app.module';
import { AppConfig } from './config/app-config';
import { RestExceptionFilter } from './common/errors/rest-exception.filter';
import { JsonReplyExpressAdapter } from './common/http/json-reply';
import { RestRpcNames } from './metrics/rest-rpc-names';
import { attachGrpc } from './grpc/attach-grpc';
import { setupSwagger } from './swagger';

const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Builds the whole application, REST, gRPC-web and native gRPC; main() and the
 * e2e suites both start it this way (gRPC with startAllMicroservices(), HTTP
 * with listen()).
 */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, options), new JsonReplyExpressAdapter(), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new RestExceptionFilter());
  const express = app.getHttpAdapter().getInstance() as { disable(setting: string): void };
  express.disable('x-powered-by');
  // ZITADEL's gateway sends no ETag; Express would hash every response body for one.
  express.disable('etag');
  // Node closes an idle kept-alive connection after 5 s; a client (or a load
  // balancer, ALB's idle timeout is 60 s) sending on it at that moment gets
  // ECONNRESET for a request the server never read. Idle connections live
  // longer than the usual balancer's; shutdown closes them (HttpDrain).
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  attachGrpc(app, config);
  const document = setupSwagger(app, config);
  app.get(RestRpcNames).learn(document);
  return app;
}

/**
 * Everything but the HTTP listener: the notification relay and delivery
 * workers of a process that serves no API (`node dist/src/worker.js`).
 */
export async function startWorker(config: AppConfig, options: AppOptions = {}): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(AppModule.forRoot(config, options), { bufferLogs: true });
  context.useLogger(context.get(Logger));
  await context.init();
  return context;
}

/** Creates and listens. Signals are main()'s business (installGracefulShutdown), not the app's. */
export async function startApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  const app = await createApp(config, options);
  await app.startAllMicroservices();
  await app.listen(config.httpPort, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  new NestLogger('Http').log(`listening on http://${config.host}:${port} (REST, Swagger UI at /docs, /healthz, /readyz, /metrics)`);
  return app;
}
