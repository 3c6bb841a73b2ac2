import 'reflect-metadata';
import { INestApplication, INestApplicationContext, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AddressInfo } from 'node:net';
import { AppModule, AppOptions } from './app.module';
import { AppConfig } from './config/app-config';
import { RestExceptionFilter } from './common/errors/rest-exception.filter';
import { OutageReporter } from './common/errors/zitadel-error';
import { KEEP_ALIVE_TIMEOUT_MS, createHttpAdapter } from './common/http/http-adapter';
import { installJsonBodyParser } from './common/http/json-body-parser';
import { httpCallHook } from './common/logging/request-log';
import { RpcInstrumentation } from './common/instrumentation/rpc-instrumentation';
import { PinoNestLogger } from './common/logging/app-logger';
import { ROOT_LOGGER, RootLogger } from './common/logging/logging.module';
import { MetricsService } from './metrics/metrics.service';
import { RestRpcNames } from './metrics/rest-rpc-names';
import { attachGrpc } from './grpc/attach-grpc';
import { setupSwagger } from './swagger';

/**
 * Builds the whole application, REST, gRPC-web and native gRPC; main() and the
 * e2e suites both start it this way (gRPC with startAllMicroservices(), HTTP
 * with listen()).
 */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  let instrumentation: RpcInstrumentation | undefined;
  const adapter = createHttpAdapter(() => instrumentation);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options), adapter, { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  app.useGlobalFilters(new RestExceptionFilter(app.get(OutageReporter)));
  // One instrumentation for every transport: request ids, RPC metrics and call lines.
  instrumentation = new RpcInstrumentation(app.get<RootLogger>(ROOT_LOGGER), app.get(MetricsService), app.get(RestRpcNames));
  adapter.setOnRequestHook(httpCallHook(instrumentation));
  const fastify = app.getHttpAdapter().getInstance();
  installJsonBodyParser(fastify);
  // Node's headersTimeout must outlast the keep-alive timeout, or a slow request on a reused connection is cut.
  app.getHttpServer().headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  attachGrpc(app, config, instrumentation);
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
  context.useLogger(context.get(PinoNestLogger));
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
