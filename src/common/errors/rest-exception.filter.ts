import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { sendJson } from '../http/json-reply';
import { GrpcCode, toErrorBody } from './zitadel-error';
import { INTERNAL_ERROR, normalizeError } from './error-normalizer';
import { GrpcExceptionFilter } from './grpc-exception.filter';

/** Where the filter leaves the gRPC code of an error answer (`response.locals`), for the REST metrics. */
export const GRPC_CODE_LOCAL = 'grpcCode';

/**
 * Renders every error of an HTTP request as ZITADEL's REST error body
 * (`{code, message, details: [ErrorDetail]}`) with grpc-gateway's status.
 * Never a stack trace: unexpected errors are logged and answered as Internal.
 */
@Catch()
export class RestExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('RestExceptionFilter');
  private readonly grpc = new GrpcExceptionFilter();

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') {
      // gRPC handlers carry the gRPC filter themselves (@ZitadelRpc); this only
      // keeps a handler without it from leaving the call unanswered.
      return this.grpc.catch(exception);
    }
    const response = host.switchToHttp().getResponse<Response>();
    let error = normalizeError(exception);
    if (!error) {
      this.logger.error({ err: exception }, 'unexpected error while serving a request');
      error = INTERNAL_ERROR;
    }
    if (response.headersSent) {
      response.end();
      return undefined;
    }
    if (error.code === GrpcCode.UNAUTHENTICATED) {
      // grpc-gateway sets WWW-Authenticate to the message for Unauthenticated.
      response.setHeader('WWW-Authenticate', `Bearer error="invalid_token", error_description="${error.text.replace(/"/g, "'")}"`);
    }
    response.locals[GRPC_CODE_LOCAL] = error.code;
    const status = error.id === 'GATEWAY-MethodNotAllowed' ? HttpStatus.METHOD_NOT_ALLOWED : error.httpStatus;
    sendJson(response, status, JSON.stringify(toErrorBody(error)));
    return undefined;
  }
}
