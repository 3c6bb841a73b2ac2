import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { grpcCodeOfAnswer } from '../errors/rest-exception.filter';
import { GrpcCode } from '../errors/zitadel-error';
import { isOutageAnswer } from '../http/outage-answers';
import { CallScope, RpcInstrumentation } from '../instrumentation/rpc-instrumentation';

/** Probes and scrapes: polled every few seconds, they would drown the requests worth reading. */
const UNLOGGED = /^\/(healthz|readyz|metrics)(\?|$)/;

/** Paths that are not API calls: scraping and probing must not count as traffic. */
const NOT_API = /^\/(metrics|healthz|readyz|docs|\.well-known|oauth\/v2\/keys)(\/|$|\?)/;

/**
 * Fastify's request id (genReqId): a well-formed X-Request-Id, else a fresh
 * UUID, which is also written into the request's X-Request-Id header: code
 * that sees only the headers (the gRPC-web gateway, which passes the header on
 * to the handler as metadata) then names the same id as the request's line.
 */
export function requestIdOf(request: IncomingMessage): string {
  const id = RpcInstrumentation.requestId(request.headers['x-request-id']);
  request.headers['x-request-id'] = id;
  return id;
}

const scopes = new WeakMap<IncomingMessage, CallScope>();

/** The call scope of an HTTP request, for a layer that serves it ahead of the routes (the gRPC-web gateway). */
export function httpCallScopeOf(request: IncomingMessage): CallScope | undefined {
  return scopes.get(request);
}

/**
 * The HTTP transport's entry into the instrumentation (REST, gRPC-web,
 * Swagger): every request starts a call scope, ended when its answer is done
 * or the client went away. The line names the path, never the query string,
 * which may carry a token.
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
 * A gRPC-web call is counted by its RPC, which the gateway settles on the scope.
 */
export function httpCallHook(instrumentation: RpcInstrumentation) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const grpc = request.headers['content-type']?.startsWith('application/grpc') === true;
    const scope = instrumentation.start({
      transport: grpc ? 'grpc-web' : 'rest',
      givenRequestId: request.id,
      line: UNLOGGED.test(request.url) ? undefined : { method: request.method, url: request.url },
      metered: !NOT_API.test(request.url),
    });
    scopes.set(request.raw, scope);
    const response = reply.raw;
    response.once('close', () =>
      scope.end({
        code: scope.settledCode ?? grpcCodeOfAnswer(response) ?? codeOfStatus(response.statusCode),
        aborted: !response.writableFinished,
        // A dependency's outage is one warning of its own (DatabaseAvailability), not an error per refused request.
        outage: isOutageAnswer(response),
        response,
        route: grpc ? undefined : { method: request.method, routePath: request.routeOptions.url, path: request.url },
      }),
    );
    done();
  };
}

/** The request log alone (no metrics): the HTTP entry on an instrumentation without a meter. */
export function requestLogHook(logger: Logger) {
  return httpCallHook(new RpcInstrumentation(logger));
}

/** The code of an HTTP status, for answers that did not pass the exception filter (successes, and anything else). */
const CODE_OF_STATUS: Readonly<Record<number, GrpcCode>> = {
  400: GrpcCode.INVALID_ARGUMENT,
  401: GrpcCode.UNAUTHENTICATED,
  403: GrpcCode.PERMISSION_DENIED,
  404: GrpcCode.NOT_FOUND,
  409: GrpcCode.ABORTED,
  429: GrpcCode.RESOURCE_EXHAUSTED,
  499: GrpcCode.CANCELLED,
  501: GrpcCode.UNIMPLEMENTED,
  503: GrpcCode.UNAVAILABLE,
  504: GrpcCode.DEADLINE_EXCEEDED,
};

function codeOfStatus(status: number): GrpcCode {
  if (status < 400) return GrpcCode.OK;
  return CODE_OF_STATUS[status] ?? (status >= 500 ? GrpcCode.INTERNAL : GrpcCode.UNKNOWN);
}
