import { QueryFailedError } from 'typeorm';

/**
 * MySQL/MariaDB errors that say the server cannot be reached or dropped the
 * connection, not that a statement was wrong. mysql2 marks every error that
 * ends a connection `fatal` (refused or reset sockets, PROTOCOL_CONNECTION_LOST,
 * a handshake that failed); the codes below are what the server itself
 * answers a statement with while it shuts down, kills connections or is full.
 */
const SERVER_GOING_AWAY = new Set(['ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED', 'ER_CON_COUNT_ERROR']);

interface DriverErrorShape {
  code?: unknown;
  fatal?: unknown;
  message?: unknown;
}

/**
 * The driver's error behind `error`: TypeORM wraps a failed statement in a
 * QueryFailedError (keeping the driver's as `driverError`), while a pool
 * that could not open a connection rejects with mysql2's error as it is,
 * recognisable by mysql2's boolean `fatal`.
 */
function driverErrorOf(error: unknown): DriverErrorShape | undefined {
  if (error instanceof QueryFailedError) return error.driverError as DriverErrorShape;
  if (error && typeof error === 'object' && typeof (error as DriverErrorShape).fatal === 'boolean') return error as DriverErrorShape;
  return undefined;
}

/** Whether `error` means that the database is unreachable (a request may succeed when retried), rather than a bug. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const driverError = driverErrorOf(error);
  if (!driverError) return false;
  return driverError.fatal === true || (typeof driverError.code === 'string' && SERVER_GOING_AWAY.has(driverError.code));
}

/** A short reason for the log: the driver's code (e.g. ECONNREFUSED), never SQL or parameters. */
export function unavailabilityReason(error: unknown): string {
  const driverError = driverErrorOf(error);
  const code = driverError?.code;
  if (typeof code === 'string') return code;
  return typeof driverError?.message === 'string' ? driverError.message.slice(0, 200) : 'unknown';
}
