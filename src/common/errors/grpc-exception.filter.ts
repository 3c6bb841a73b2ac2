import { ArgumentsHost, Catch, Injectable, Logger, Optional, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { INTERNAL_ERROR, normalizeError } from './error-normalizer';
import { REQUEST_ID_METADATA } from '../instrumentation/rpc-instrumentation';
import { GrpcStatusError } from './grpc-status';
import { DependencyUnavailableError, OutageReporter } from './zitadel-error';

/**
 * Renders every error of a gRPC (and gRPC-web) call as a gRPC status: ZITADEL's
 * code, grpc-message "<text> (<id>)" and the ErrorDetail in
 * grpc-status-details-bin. Unexpected errors are logged and answered as
 * Internal, without their text or stack; a request refused because a
 * dependency is down is UNAVAILABLE and told to the OutageReporter, which
 * logs the outage once.
 */
@Catch()
@Injectable()
export class GrpcExceptionFilter implements RpcExceptionFilter {
  private readonly logger = new Logger('GrpcExceptionFilter');

  constructor(@Optional() private readonly outages?: OutageReporter) {}

  catch(exception: unknown, host?: ArgumentsHost): Observable<never> {
    // A handler's arguments: the message, the metadata, and (native gRPC only) grpc-js' call, which knows the method.
    const metadata = host?.getArgByIndex<{ get?: (key: string) => unknown[] } | undefined>(1);
    const call = host?.getArgByIndex<{ getPath?: () => string } | undefined>(2);
    const requestId = metadata?.get?.(REQUEST_ID_METADATA)[0];
    return throwError(() => this.toStatus(exception, { rpc: call?.getPath?.(), requestId: typeof requestId === 'string' ? requestId : undefined }));
  }

  /** `call`: what is known of the call (its method, its request id), for the log line of an unexpected error. */
  toStatus(exception: unknown, call: { rpc?: string; requestId?: string } = {}): GrpcStatusError {
    if (exception instanceof GrpcStatusError) return exception;
    let error = normalizeError(exception);
    if (error instanceof DependencyUnavailableError) this.outages?.refused(error);
    else if (!error) {
      this.logger.error({ err: exception, ...definedOnly(call) }, 'unexpected error while serving a gRPC call');
      error = INTERNAL_ERROR;
    }
    return new GrpcStatusError(error);
  }
}

function definedOnly(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
