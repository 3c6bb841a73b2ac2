import { INestApplication, INestApplicationContext, Logger } from '@nestjs/common';
import { ReadinessService } from '../health/readiness.service';
import { HttpDrain } from './http-drain';

/** Kubernetes waits 30 s by default before SIGKILL. */
const DRAIN_TIMEOUT_MS = 25_000;

/**
 * SIGTERM/SIGINT: report not ready, stop accepting HTTP connections and let the
 * requests in flight finish, then close the application (Nest's shutdown hooks:
 * queue workers finish their jobs, the gRPC server stops, the database pools
 * close last) and exit 0. A second signal kills the process at once.
 *
 * The HTTP listener is drained before any Nest hook runs, because Nest calls
 * destroy hooks before it closes the listener.
 */
export function installGracefulShutdown(app: INestApplication): void {
  const logger = new Logger('Shutdown');
  const shutdown = async (signal: NodeJS.Signals) => {
    logger.log(`${signal}: no longer accepting connections; finishing ${app.get(HttpDrain).requestsInFlight} request(s) in flight`);
    app.get(ReadinessService).markShuttingDown();
    const drained = await app.get(HttpDrain).drain(app.getHttpServer(), DRAIN_TIMEOUT_MS);
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
