import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppConfig } from '../../config/app-config';

/**
 * JSON lines through pino. Request lines (request-log.ts) carry the request's
 * id (`req.id`, from a well-formed X-Request-Id or a fresh UUID), method, path
 * and status, never bodies or query strings (they hold tokens and codes);
 * headers are not logged; what an unexpected error drags along (SQL
 * parameters, driver details) is cut.
 *
 * nestjs-pino supplies Nest's logger. Its per-request middleware (pino-http's
 * child logger per request, and an AsyncLocalStorage context around each) is
 * mounted on no route (`forRoutes: []`): request-log.ts writes the request
 * lines instead, at a fraction of the CPU.
 */
export function loggerOptions(config: AppConfig, destination?: DestinationStream): Params {
  const options = {
    level: config.logLevel,
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
  };
  return { pinoHttp: destination ? [options, destination] : options, forRoutes: [] };
}
