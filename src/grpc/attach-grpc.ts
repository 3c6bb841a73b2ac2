import { INestApplication } from '@nestjs/common';
import { RpcInstrumentation } from '../common/instrumentation/rpc-instrumentation';
import { AppConfig } from '../config/app-config';
import { OutageReporter } from '../common/errors/zitadel-error';
import { GrpcHealth } from './grpc-health';
import { reflectionFor } from './grpc-reflection';
import { GrpcWebCors } from './grpc-web/grpc-web-cors';
import { GrpcWebGateway } from './grpc-web/grpc-web.gateway';
import { zitadelApi } from './zitadel-descriptors';
import { ZitadelGrpcServer } from './zitadel-grpc.server';

const servers = new WeakMap<INestApplication, ZitadelGrpcServer>();

/**
 * Makes the application hybrid: native gRPC on GRPC_PORT as a Nest
 * microservice (sharing the app's enhancers), with health and reflection, and
 * gRPC-web on the HTTP port; both report their calls to the app's
 * RpcInstrumentation (gRPC-web's through its HTTP request's call scope). Call before the HTTP server is initialised, so
 * gRPC-web sits ahead of Nest's routes; the gRPC listener starts with
 * app.startAllMicroservices().
 */
export function attachGrpc(app: INestApplication, config: AppConfig, instrumentation: RpcInstrumentation): void {
  const api = zitadelApi();
  const health = app.get(GrpcHealth);
  const server = new ZitadelGrpcServer(api, {
    host: config.host,
    port: config.grpcPort,
    addServices: (grpcServer) => {
      health.addToServer(grpcServer, api.services.map((service) => service.typeName));
      reflectionFor(api).addToServer(grpcServer);
    },
    instrumentation,
  });
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  const gateway = new GrpcWebGateway(
    api,
    server,
    new GrpcWebCors(config.corsOrigins),
    app.get(OutageReporter),
  );
  app.use(gateway.middleware);
  servers.set(app, server);
}

/** The native gRPC listener of the app (the graceful shutdown drains it). */
export function grpcServerOf(app: INestApplication): ZitadelGrpcServer | undefined {
  return servers.get(app);
}

/** The port the gRPC listener bound (GRPC_PORT=0 lets the OS choose). */
export function grpcPortOf(app: INestApplication): number {
  const server = servers.get(app);
  if (!server) throw new Error('this application has no gRPC listener');
  return server.port;
}
