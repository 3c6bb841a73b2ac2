import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { GRPC_CODE_LOCAL } from '../common/errors/rest-exception.filter';
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
export class RestMetricsMiddleware implements NestMiddleware {
  constructor(
    private readonly metrics: MetricsService,
    private readonly names: RestRpcNames,
  ) {}

  use(request: Request, response: Response, next: NextFunction): void {
    if (NOT_API.test(request.originalUrl) || request.headers['content-type']?.startsWith('application/grpc')) return next();
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rpc = this.names.nameOf(request.method, (request.route as { path?: string } | undefined)?.path, request.originalUrl);
      const code = (response.locals[GRPC_CODE_LOCAL] as number | undefined) ?? codeOfStatus(response.statusCode);
      this.metrics.recordRpc(rpc, 'rest', code, seconds);
    });
    next();
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
