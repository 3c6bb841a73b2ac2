import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { HttpResponse, rawResponse, sendJson } from '../http/json-reply';
import { markOutageAnswer } from '../http/outage-answers';
import { DependencyUnavailableError, GrpcCode, OutageReporter, toErrorBody } from './zitadel-error';
import { INTERNAL_ERROR, normalizeError } from './error-normalizer';
import { GrpcExceptionFilter } from './grpc-exception.filter';

const answeredCodes = new WeakMap<ServerResponse, GrpcCode>();

/** The gRPC code of an error answer the filter wrote, for the REST metrics; undefined for any other answer. */
export function grpcCodeOfAnswer(response: ServerResponse): GrpcCode | undefined {
  return answeredCodes.get(response);
}

/** What an error line says of its request (the logger's serializer keeps the id, method and path). */
interface RequestOfLog {
  id: unknown;
  method: string;
  url: string;
}

/** Renders every error of an HTTP request as ZITADEL's REST error body (`{code, message, details: [ErrorDetail]}`). */
@Catch()
export class RestExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('RestExceptionFilter');
  private readonly grpc: GrpcExceptionFilter;

  constructor(private readonly outages?: OutageReporter) {
    this.grpc = new GrpcExceptionFilter(outages);
  }

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') {
      // gRPC handlers carry the gRPC filter themselves (@ZitadelRpc); this only
      // keeps a handler without it from leaving the call unanswered.
      return this.grpc.catch(exception);
    }
    const http = host.switchToHttp();
    answerError(http.getResponse<HttpResponse>(), exception, this.logger, http.getRequest<RequestOfLog>(), this.outages);
    return undefined;
  }
}

/**
 * Writes ZITADEL's REST error body for anything thrown while serving a request,
 * with grpc-gateway's status. Never a stack trace: unexpected errors are
 * logged and answered as Internal. Also used for the errors Fastify meets
 * before routing (a malformed URL).
 */
export function answerError(response: HttpResponse, exception: unknown, logger: Pick<Logger, 'error'>, request?: RequestOfLog, outages?: OutageReporter): void {
  const raw = rawResponse(response);
  let error = normalizeError(exception);
  if (error instanceof DependencyUnavailableError) {
    outages?.refused(error);
    markOutageAnswer(raw);
  } else if (!error) {
    // The request's id ties this line to the request's own line (request-log.ts).
    logger.error({ err: exception, req: request }, 'unexpected error while serving a request');
    error = INTERNAL_ERROR;
  }
  if (raw.headersSent) {
    raw.end();
    return;
  }
  // grpc-gateway sets WWW-Authenticate to the message for Unauthenticated.
  const headers: Record<string, string> =
    error.code === GrpcCode.UNAUTHENTICATED ? { 'www-authenticate': `Bearer error="invalid_token", error_description="${error.text.replace(/"/g, "'")}"` } : {};
  answeredCodes.set(raw, error.code);
  const status = error.id === 'GATEWAY-MethodNotAllowed' ? HttpStatus.METHOD_NOT_ALLOWED : error.httpStatus;
  sendJson(response, status, JSON.stringify(toErrorBody(error)), headers);
}
