import { HttpException, HttpStatus } from '@nestjs/common';
import { isDatabaseUnavailable, unavailabilityReason } from '../persistence/database-unavailable';
import { DependencyUnavailableError, GrpcCode, ZitadelError, internal, invalidArgument, notFound, unimplemented } from './zitadel-error';

/**
 * Turns anything thrown while serving a request into a ZitadelError, so every
 * transport renders one error shape. Returns `undefined` for an unexpected
 * error, which callers log and answer as Internal.
 */
export function normalizeError(error: unknown): ZitadelError | undefined {
  if (error instanceof ZitadelError) return error;

  // Fastify's own errors (reading the body, a malformed URL) carry an FST_ code and a 4xx status: the client's fault.
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'string' && code.startsWith('FST_') && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return fromStatus(statusCode);
  }
  // The database's connection reset or refused is not the client's doing: UNAVAILABLE, which clients retry.
  if (isDatabaseUnavailable(error)) return new DependencyUnavailableError('database', unavailabilityReason(error));
  // The client went away while its body was being read: Node's request stream fails with "aborted" (code ECONNRESET).
  if ((error as { message?: unknown })?.message === 'aborted' && (code === 'ECONNRESET' || code === 'ECONNABORTED' || code === undefined)) {
    return new ZitadelError(GrpcCode.CANCELLED, 'GATEWAY-Aborted', 'request aborted');
  }

  if (error instanceof HttpException) {
    const status = error.getStatus();
    return status === HttpStatus.BAD_REQUEST || status === HttpStatus.NOT_FOUND || status === HttpStatus.METHOD_NOT_ALLOWED || status === HttpStatus.PAYLOAD_TOO_LARGE
      ? fromStatus(status)
      : undefined;
  }
  return undefined;
}

/** The gateway's answer to a request refused before it reached a handler. */
function fromStatus(status: number): ZitadelError {
  switch (status) {
    case HttpStatus.NOT_FOUND:
      return notFound('GATEWAY-NotFound', 'Not Found');
    case HttpStatus.METHOD_NOT_ALLOWED:
      return unimplemented('GATEWAY-MethodNotAllowed', 'Method Not Allowed');
    case HttpStatus.PAYLOAD_TOO_LARGE:
      return invalidArgument('GATEWAY-BodyTooLarge', 'request body is too large');
    case HttpStatus.UNSUPPORTED_MEDIA_TYPE:
      return invalidArgument('GATEWAY-ContentType', 'the request body must be application/json');
    default:
      return invalidArgument('GATEWAY-BadRequest', 'bad request');
  }
}

export const INTERNAL_ERROR = internal('INTERNAL-1xq0', 'internal error');
