import { HttpException, HttpStatus } from '@nestjs/common';
import { GrpcCode, ZitadelError, internal, invalidArgument, notFound, unimplemented } from './zitadel-error';

/**
 * Turns anything thrown while serving a request into a ZitadelError, so every
 * transport renders one error shape. Returns `undefined` for an unexpected
 * error, which callers log and answer as Internal.
 */
export function normalizeError(error: unknown): ZitadelError | undefined {
  if (error instanceof ZitadelError) return error;

  // body-parser's errors carry a `type`; they are the client's fault.
  const type = (error as { type?: unknown })?.type;
  if (type === 'entity.parse.failed') {
    return invalidArgument('GATEWAY-MalformedJSON', 'request body is not valid JSON');
  }
  if (type === 'entity.too.large') {
    return invalidArgument('GATEWAY-BodyTooLarge', 'request body is too large');
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return invalidArgument('GATEWAY-Encoding', 'request body encoding is not supported');
  }
  if (type === 'request.aborted') {
    return new ZitadelError(GrpcCode.CANCELLED, 'GATEWAY-Aborted', 'request aborted');
  }

  if (error instanceof HttpException) {
    switch (error.getStatus()) {
      case HttpStatus.NOT_FOUND:
        return notFound('GATEWAY-NotFound', 'Not Found');
      case HttpStatus.METHOD_NOT_ALLOWED:
        return unimplemented('GATEWAY-MethodNotAllowed', 'Method Not Allowed');
      case HttpStatus.PAYLOAD_TOO_LARGE:
        return invalidArgument('GATEWAY-BodyTooLarge', 'request body is too large');
      case HttpStatus.BAD_REQUEST:
        return invalidArgument('GATEWAY-BadRequest', 'bad request');
      default:
        return undefined;
    }
  }
  return undefined;
}

export const INTERNAL_ERROR = internal('INTERNAL-1xq0', 'internal error');
