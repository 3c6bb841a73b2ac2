import { QueryFailedError } from 'typeorm';
import { normalizeError } from './error-normalizer';
import { DependencyUnavailableError, GrpcCode } from './zitadel-error';

/** mysql2's error for a socket that failed: the Node error with `fatal` set. */
const driverNetworkError = (code: string, message: string) => Object.assign(new Error(message), { code, errno: -104, syscall: 'read', fatal: true });

describe('normalizeError', () => {
  it.each([
    ['a statement whose connection was reset (ECONNRESET)', new QueryFailedError('SELECT 1', [], driverNetworkError('ECONNRESET', 'read ECONNRESET'))],
    ['a statement whose connection was lost', new QueryFailedError('SELECT 1', [], Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }))],
    ['a statement the server refused while shutting down', new QueryFailedError('SELECT 1', [], Object.assign(new Error('Server shutdown in progress'), { code: 'ER_SERVER_SHUTDOWN', errno: 1053, fatal: false }))],
    ['a pool that could not connect (ECONNREFUSED)', driverNetworkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:3306')],
    ['a connection used after it closed', Object.assign(new Error("Can't add new command when connection is in closed state"), { fatal: true })],
  ])('answers %s with UNAVAILABLE, not CANCELLED or INTERNAL', (_case, error) => {
    const normalized = normalizeError(error);
    expect(normalized).toBeInstanceOf(DependencyUnavailableError);
    expect(normalized).toMatchObject({ code: GrpcCode.UNAVAILABLE, id: 'DATABASE-Unavailable', httpStatus: 503 });
    // The reason is for the log line: a driver code, never SQL or parameters.
    expect((normalized as DependencyUnavailableError).reason).not.toContain('SELECT');
  });

  it('answers a client that went away while its body was read with CANCELLED', () => {
    // What Node's request stream fails with when the client hangs up.
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    expect(normalizeError(aborted)).toMatchObject({ code: GrpcCode.CANCELLED, id: 'GATEWAY-Aborted' });
  });

  it('leaves a statement that failed for its own reasons to the unexpected errors', () => {
    const duplicate = new QueryFailedError('INSERT …', [], Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY', errno: 1062, fatal: false }));
    expect(normalizeError(duplicate)).toBeUndefined();
    expect(normalizeError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBeUndefined();
  });
});
