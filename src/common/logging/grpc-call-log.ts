import type { Metadata } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { GrpcCode, httpStatusOf } from '../errors/zitadel-error';
import { OUTAGE_REQUEST_LINE, REQUEST_ID_METADATA, requestIdFrom } from './request-log';

/**
 * One JSON line per native gRPC call, in the shape of the HTTP request lines
 * (request-log.ts) so that one query finds both: request id (the client's
 * well-formed `x-request-id` metadata entry, else a fresh UUID; settled as
 * the call arrives, see ZitadelGrpcServer), the method's path, the
 * gRPC status code and the time taken; never the message or the metadata,
 * which carry tokens and codes. A call answered with a code that maps to a
 * 5xx (INTERNAL, UNKNOWN, UNAVAILABLE…) is an error line, as a 5xx is,
 * except a call refused because a dependency is down (`outage`), whose
 * outage is logged once on its own: an info line.
 */
export function grpcCallLogger(logger: Logger): (path: string, metadata: Metadata | undefined, code: number, seconds: number, outage?: boolean) => void {
  return (path, metadata, code, seconds, outage = false) => {
    const line = {
      req: { id: requestIdFrom(metadata?.get(REQUEST_ID_METADATA)[0]), method: 'POST', url: path },
      grpc: { code },
      responseTime: Math.round(seconds * 1000),
    };
    if (outage) logger.info(line, OUTAGE_REQUEST_LINE);
    else if (httpStatusOf(code as GrpcCode) >= 500) logger.error(line, 'request failed');
    else logger.info(line, 'request completed');
  };
}
