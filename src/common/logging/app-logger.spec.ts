import { Logger } from '@nestjs/common';
import { LogCapture } from '../../../test/support/log-capture';
import { PinoNestLogger, createRootLogger } from './app-logger';

describe('PinoNestLogger', () => {
  const lines = (write: (logger: PinoNestLogger) => void) => {
    const out = new LogCapture();
    write(new PinoNestLogger(createRootLogger({ logLevel: 'trace' }, out)));
    return out.lines.map(({ time: _time, pid: _pid, hostname: _hostname, ...line }) => line);
  };

  it("writes Nest's (message, context) as a JSON line with the context as a field, at the matching level", () => {
    expect(lines((logger) => [logger.log('started', 'Http'), logger.warn('slow', 'Db'), logger.verbose('detail', 'X'), logger.fatal('gone', 'Y')])).toEqual([
      { level: 30, context: 'Http', msg: 'started' },
      { level: 40, context: 'Db', msg: 'slow' },
      { level: 10, context: 'X', msg: 'detail' },
      { level: 60, context: 'Y', msg: 'gone' },
    ]);
  });

  it('makes an object message the fields of the line and an Error its err', () => {
    const [fields, failure] = lines((logger) => [logger.error({ rpc: 'GetUser', code: 13 }, 'unexpected error', 'Grpc'), logger.error(new Error('boom'), 'Relay')]);
    expect(fields).toEqual({ level: 50, context: 'Grpc', rpc: 'GetUser', code: 13, msg: 'unexpected error' });
    expect(failure).toEqual(expect.objectContaining({ level: 50, context: 'Relay', err: expect.objectContaining({ type: 'Error', message: 'boom', stack: expect.stringContaining('Error: boom') }) }));
  });

  it("reads Nest's exception handlers' error(message, stack, context) as an error with that stack", () => {
    const stack = 'Error: broken\n    at Handler.run (x.js:1:1)';
    expect(lines((logger) => logger.error('broken', stack, 'ExceptionsHandler'))).toEqual([
      { level: 50, context: 'ExceptionsHandler', err: expect.objectContaining({ message: 'broken', stack }), msg: 'broken' },
    ]);
  });

  it("redacts what the application's options redact, also through Nest's Logger", () => {
    const out = new LogCapture();
    const logger = new PinoNestLogger(createRootLogger({ logLevel: 'info' }, out));
    Logger.overrideLogger(logger);
    new Logger('Auth').log({ user: { token: 'secret-token-value', password: 'secret-password' } }, 'login');
    Logger.overrideLogger(false);
    expect(out.text).not.toMatch(/secret-(token-value|password)/);
    expect(out.lines[0]).toEqual(expect.objectContaining({ context: 'Auth', user: { token: '[redacted]', password: '[redacted]' }, msg: 'login' }));
  });
});
