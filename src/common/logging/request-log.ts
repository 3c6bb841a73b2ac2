import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { isOutageAnswer } from '../http/outage-answers';

/** Probes and scrapes: polled every few seconds, they would drown the requests worth reading. */
const UNLOGGED = /^\/(healthz|readyz|metrics)(\?|$)/;

/**
 * Fastify's request id (genReqId): a well-formed X-Request-Id, else a fresh
 * UUID, which is also written into the request's X-Request-Id header: code
 * that sees only the headers (the gRPC-web gateway, which passes the header on
 * to the handler as metadata) then names the same id as the request's line.
 */
export function requestIdOf(request: IncomingMessage): string {
  const id = requestIdFrom(request.headers['x-request-id']);
  request.headers['x-request-id'] = id;
  return id;
}

/** The message of the line of a request refused because a dependency is down (an info line; see DatabaseAvailability). */
export const OUTAGE_REQUEST_LINE = 'request refused: a dependency is unavailable';

/** Where a native gRPC call carries its request id (ZitadelGrpcServer settles it as the call arrives). */
export const REQUEST_ID_METADATA = 'x-request-id';

/** The id a client gave its request (X-Request-Id header or metadata entry) when it is well-formed, else a fresh UUID. */
export function requestIdFrom(given: unknown): string {
  return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

/**
 * One JSON line per HTTP request (REST, gRPC-web, Swagger; native gRPC calls
 * have theirs from grpc-call-log.ts), written when its
 * answer is done or the client went away: request id, method, path (never the
 * query string, which may carry a token), status and time taken. What the
 * line may carry is decided by the logger's serializers and redaction
 * (logger-options.ts); `logger` is the application's root logger
 * (logging.module.ts).
 *
 * Why not pino-http's middleware (through nestjs-pino), which wrote these lines
 * once: it builds a child logger per request (its bindings serialized and
 * redacted each time) and nestjs-pino runs each request inside an
 * AsyncLocalStorage context, which on Node 20 adds a hook to every promise.
 * This hook costs a fraction of what they did per request (figures in
 * docs/benchmarks.md).
 * Log lines written while a request is served name it themselves where it
 * matters (the exception filter).
 *
 * An onRequest hook; bootstrap.ts installs it as the Fastify adapter's own
 * (`setOnRequestHook`), which runs before Nest's middleware, so that it also
 * sees the gRPC-web calls that a middleware answers without reaching a route.
 */
export function requestLogHook(logger: Logger) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (!UNLOGGED.test(request.url)) {
      const started = performance.now();
      const response = reply.raw;
      response.once('close', () => {
        const line = {
          req: { id: request.id, method: request.method, url: request.url },
          // The response itself: its serializer reads a status only once headers were sent.
          res: response,
          responseTime: Math.round(performance.now() - started),
        };
        if (!response.writableFinished) logger.warn(line, 'request aborted');
        // A dependency's outage is one warning of its own (DatabaseAvailability), not an error per refused request.
        else if (isOutageAnswer(response)) logger.info(line, OUTAGE_REQUEST_LINE);
        else if (response.statusCode >= 500) logger.error(line, 'request failed');
        else logger.info(line, 'request completed');
      });
    }
    done();
  };
}
