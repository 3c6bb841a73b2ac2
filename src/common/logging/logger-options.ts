import type { ServerResponse } from 'node:http';
import type { LoggerOptions } from 'pino';
import { AppConfig } from '../../config/app-config';

/**
 * JSON lines through pino. Request lines (request-log.ts) carry the request's
 * id (`req.id`, from a well-formed X-Request-Id or a fresh UUID), method, path
 * and status, never bodies or query strings (they hold tokens and codes);
 * headers are not logged; what an unexpected error drags along (SQL
 * parameters, driver details) is cut.
 */
export function loggerOptions(config: Pick<AppConfig, 'logLevel'>): LoggerOptions {
  return {
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
      // No status before the headers went out: a request whose client went away has none.
      res: (res: ServerResponse) => ({ statusCode: res.headersSent ? res.statusCode : null }),
    },
  };
}
