import { ArgumentsHost, Catch, Logger, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { INTERNAL_ERROR, normalizeError } from './error-normalizer';
import { GrpcStatusError } from './grpc-status';

/**
 * Renders every error of a gRPC (and gRPC-web) call as a gRPC status: ZITADEL's
 * code, grpc-message "<text> (<id>)" and the ErrorDetail in
 * grpc-status-details-bin. Unexpected errors are logged and answered as
 * Internal, without their text or stack.
 */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter {
  private readonly logger = new Logger('GrpcExceptionFilter');

  catch(exception: unknown, host?: ArgumentsHost): Observable<never> {
    // A native call's third argument is grpc-js' call object, which knows the method; gRPC-web passes none.
    const call = host?.getArgByIndex<{ getPath?: () => string } | undefined>(2);
    return throwError(() => this.toStatus(exception, call?.getPath?.()));
  }

  /** `rpc`: the method's path, when known, for the log line of an unexpected error. */
  toStatus(exception: unknown, rpc?: string): GrpcStatusError {
    if (exception instanceof GrpcStatusError) return exception;
    let error = normalizeError(exception);
    if (!error) {
      this.logger.error({ err: exception, ...(rpc ? { rpc } : {}) }, 'unexpected error while serving a gRPC call');
      error = INTERNAL_ERROR;
    }
    return new GrpcStatusError(error);
  }
}
