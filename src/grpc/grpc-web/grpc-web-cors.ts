import type { IncomingMessage, ServerResponse } from 'node:http';

/** What browser gRPC-web clients send (grpc-web, connect-web) plus ZITADEL's own headers. */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-grpc-web',
  'x-user-agent',
  'grpc-timeout',
  'x-zitadel-orgid',
  'accept-language',
  'x-request-id',
].join(', ');

/** The status travels in headers for trailers-only answers; scripts may only read exposed headers. */
const EXPOSED_HEADERS = ['grpc-status', 'grpc-message', 'grpc-status-details-bin', 'grpc-encoding'].join(', ');

const MAX_AGE_SECONDS = '7200';

/**
 * CORS for gRPC-web calls from the browser origins in CORS_ORIGINS (`*` for
 * any). Other origins get no CORS headers, so browsers refuse them; requests
 * without an Origin (servers, CLIs) are not affected.
 */
export class GrpcWebCors {
  constructor(private readonly origins: readonly string[]) {}

  /** Adds the headers of an allowed cross-origin call. */
  decorate(request: IncomingMessage, response: ServerResponse): void {
    response.appendHeader('Vary', 'Origin');
    const origin = this.allowed(request);
    if (!origin) return;
    response.setHeader('Access-Control-Allow-Origin', origin);
    response.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  }

  /** Answers a preflight: 204 with the permissions for an allowed origin, else 403. */
  preflight(request: IncomingMessage, response: ServerResponse): void {
    response.setHeader('Vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    const origin = this.allowed(request);
    if (!origin || request.headers['access-control-request-method']?.toUpperCase() !== 'POST') {
      response.writeHead(403).end();
      return;
    }
    response
      .writeHead(204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': MAX_AGE_SECONDS,
      })
      .end();
  }

  private allowed(request: IncomingMessage): string | undefined {
    const origin = request.headers.origin;
    if (!origin) return undefined;
    return this.origins.includes('*') || this.origins.includes(origin) ? origin : undefined;
  }
}
