import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { grpcCodeOfAnswer } from '../common/errors/rest-exception.filter';
import { GrpcCode } from '../common/errors/zitadel-error';
import { MetricsService } from './metrics.service';
import { RestRpcNames } from './rest-rpc-names';

/** Paths that are not API calls: scraping and probing must not count as traffic. */
const NOT_API = /^\/(metrics|healthz|readyz|docs|\.well-known|oauth\/v2\/keys)(\/|$|\?)/;

/**
 * Counts and times every REST call when its answer is finished. The RPC name
 * is the route's operationId (ZITADEL's method name); a path that matched no
 * API route counts as "unmatched", never by its raw URL (unbounded label values).
 * gRPC-web shares the HTTP port but is recorded by its own transport.
 */
@Injectable()
export class RestMetrics {
  constructor(
    private readonly metrics: MetricsService,
    private readonly names: RestRpcNames,
  ) {}

  install(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      if (!NOT_API.test(request.url) && !request.headers['content-type']?.startsWith('application/grpc')) {
        const rpc = this.names.nameOf(request.method, request.routeOptions.url, request.url);
        const code = grpcCodeOfAnswer(reply.raw) ?? codeOfStatus(reply.statusCode);
        this.metrics.recordRpc(rpc, 'rest', code, reply.elapsedTime / 1000);
      }
      done();
    });
  }
}

/** For answers that did not pass the exception filter (successes, and anything else). */
function codeOfStatus(status: number): GrpcCode {
  if (status < 400) return GrpcCode.OK;
  switch (status) {
    case 400:
      return GrpcCode.INVALID_ARGUMENT;
    case 401:
      return GrpcCode.UNAUTHENTICATED;
    case 403:
      return GrpcCode.PERMISSION_DENIED;
    case 404:
      return GrpcCode.NOT_FOUND;
    case 409:
      return GrpcCode.ABORTED;
    case 429:
      return GrpcCode.RESOURCE_EXHAUSTED;
    case 499:
      return GrpcCode.CANCELLED;
    case 501:
      return GrpcCode.UNIMPLEMENTED;
    case 503:
      return GrpcCode.UNAVAILABLE;
    case 504:
      return GrpcCode.DEADLINE_EXCEEDED;
    default:
      return status >= 500 ? GrpcCode.INTERNAL : GrpcCode.UNKNOWN;
  }
}
