import { Logger } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { answerError } from '../errors/rest-exception.filter';
import { requestIdOf } from '../logging/request-log';
import type { RpcInstrumentation } from '../instrumentation/rpc-instrumentation';
import { clientErrorHandler } from './client-error';
import { MAX_JSON_BODY_BYTES } from './json-body-parser';

/**
 * Node closes an idle kept-alive connection after 5 s; a client (or a load
 * balancer, ALB's idle timeout is 60 s) sending on it at that moment gets
 * ECONNRESET for a request the server never read. Idle connections live
 * longer than the usual balancer's; shutdown closes them (HttpDrain).
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Fastify as Nest's HTTP platform: a PATCH costs less than half the CPU it did
 * on Express (figures in docs/benchmarks.md). Fastify finds
 * a route in a radix tree once; Express tried every route in turn and ran each
 * middleware through layers of its own.
 *
 * Routing keeps what clients saw with Express: case-insensitive paths, a
 * trailing slash ignored. Ids in paths may be as long as the API allows (200
 * characters, more in UTF-8 escapes), not Fastify's default of 100.
 */
export function createHttpAdapter(instrumentation: () => RpcInstrumentation | undefined = () => undefined): FastifyAdapter {
  const logger = new Logger('Http');
  return new FastifyAdapter({
    bodyLimit: MAX_JSON_BODY_BYTES,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 4096 },
    // The request lines are request-log.ts's, through the app's pino logger and its redaction.
    logger: false,
    genReqId: requestIdOf,
    // A URL Fastify cannot decode never reaches Nest's routes or error handler.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => answerError(reply, error, logger, request),
    // Nor does a request Node's HTTP parser refuses (headers over Node's 16 KiB, broken HTTP); it is still logged and counted.
    clientErrorHandler: clientErrorHandler(instrumentation),
  });
}
