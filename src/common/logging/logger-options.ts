import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppConfig } from '../../config/app-config';

/**
 * A well-formed X-Request-Id, else a fresh UUID. Fastify gives it to the raw
 * request, where pino-http finds it, so both must use this function.
 */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

/**
 * JSON lines through pino, each request's lines carrying its id (`req.id`,
 * from a well-formed X-Request-Id or a fresh UUID). Request logs carry method,
 * path and status, never bodies or query strings (they hold tokens and codes);
 * headers are not logged; what an unexpected error drags along (SQL
 * parameters, driver details) is cut.
 */
export function loggerOptions(config: AppConfig, destination?: DestinationStream): Params {
  const options = {
    level: config.logLevel,
    genReqId: requestIdOf,
    redact: {
      paths: [
        'req.headers',
        'res.headers',
        'err.parameters',
        'err.query',
        'err.sql',
        'err.driverError',
        'err.config',
        'err.request',
        'err.response',
        '*.authorization',
        '*.password',
        '*.token',
        '*.secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (request: IncomingMessage) => /^\/(healthz|readyz|metrics)(\?|$)/.test(request.url ?? '') },
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
  };
  return { pinoHttp: destination ? [options, destination] : options };
}
