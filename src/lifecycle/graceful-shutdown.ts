import { INestApplication, INestApplicationContext, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { grpcServerOf } from '../grpc/attach-grpc';
import { GrpcHealth } from '../grpc/grpc-health';
import { ReadinessService } from '../health/readiness.service';
import { HttpDrain } from './http-drain';

/**
 * How long requests in flight may take to finish once the listeners closed.
 * With the default grace of 5 s this ends within 25 s of SIGTERM, inside
 * Kubernetes' default 30 s before SIGKILL.
 */
const DRAIN_TIMEOUT_MS = 20_000;

/**
 * SIGTERM/SIGINT: report not ready (/readyz 503, gRPC health NOT_SERVING)
 * and keep serving for `graceSeconds`, so that load balancers and
 * Kubernetes endpoints stop sending requests before the listeners close;
 * then stop accepting HTTP and gRPC connections and let the requests in
 * flight finish, then close the application (Nest's shutdown hooks: queue
 * workers finish their jobs, the database pools close last) and exit 0.
 * A second signal kills the process at once.
 *
 * The listeners are drained before any Nest hook runs, because Nest calls
 * destroy hooks before it closes the listener.
 */
export function installGracefulShutdown(app: INestApplication, graceSeconds: number): void {
  const logger = new Logger('Shutdown');
  const shutdown = async (signal: NodeJS.Signals) => {
    app.get(ReadinessService).markShuttingDown();
    await app.get(GrpcHealth).refreshNow();
    if (graceSeconds > 0) {
      logger.log(`${signal}: not ready; serving ${graceSeconds} s more (SHUTDOWN_GRACE_SECONDS) before the listeners close`);
      await sleep(graceSeconds * 1000);
    }
    const inFlight = app.get(HttpDrain).requestsInFlight;
    // Both listeners close before this returns; the line below is then true when it is read.
    const drains = Promise.all([app.get(HttpDrain).drain(app.getHttpServer(), DRAIN_TIMEOUT_MS), grpcServerOf(app)?.drain(DRAIN_TIMEOUT_MS) ?? true]);
    logger.log(`${signal}: no longer accepting connections; finishing ${inFlight} request(s) in flight`);
    const [httpDrained, grpcDrained] = await drains;
    const drained = httpDrained && grpcDrained;
    if (!drained) logger.warn(`requests still in flight after ${DRAIN_TIMEOUT_MS} ms were cut`);
    await app.close();
    logger.log('stopped');
    process.exit(drained ? 0 : 1);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      shutdown(signal).catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
    });
  }
}

/**
 * SIGTERM/SIGINT for a worker-only process: close the context (the relay stops,
 * running jobs finish, connections close) and exit 0.
 */
export function installWorkerShutdown(context: INestApplicationContext): void {
  const logger = new Logger('Shutdown');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: finishing running jobs`);
      context.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
