import { EntityManager } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils';
import { supportsRowLocks } from './dialect';
import { mysqlDeferWrite, mysqlRun } from './mysql-direct';

/**
 * The few differences between MySQL and SQLite that hand-written SQL meets:
 * dates as parameters and results, IN lists, row-lock clauses, affected rows.
 * Repositories that need raw SQL for speed or for SKIP LOCKED use these, so
 * one query text serves both dialects.
 */

/** A Date as a parameter: mysql2 binds Dates; SQLite stores TypeORM's UTC text form. */
export function sqlDate(em: EntityManager, date: Date): Date | string {
  return supportsRowLocks(em) ? date : DateUtils.mixedDateToUtcDatetimeString(date);
}

/** A DATETIME from a raw row: a Date from mysql2, UTC text without a zone from SQLite. */
export function readSqlDate(value: Date | string): Date {
  if (value instanceof Date) return value;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}

/** `?, ?, ?` for an IN list (better-sqlite3 does not expand arrays). */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** ` FOR UPDATE` on MySQL; nothing on SQLite, which runs one writer at a time. */
export function forUpdate(em: EntityManager): string {
  return supportsRowLocks(em) ? ' FOR UPDATE' : '';
}

/** ` FOR UPDATE SKIP LOCKED` on MySQL; nothing on SQLite, which runs one writer at a time. */
export function forUpdateSkipLocked(em: EntityManager): string {
  return supportsRowLocks(em) ? ' FOR UPDATE SKIP LOCKED' : '';
}

export async function selectRows<T>(em: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  if (supportsRowLocks(em)) return mysqlRun<T[]>(em, sql, parameters);
  return (await em.query(sql, parameters)) as T[];
}

/** Runs an INSERT/UPDATE/DELETE/REPLACE and returns the number of rows it matched. */
export async function execute(em: EntityManager, sql: string, parameters: unknown[]): Promise<number> {
  if (supportsRowLocks(em)) return Number((await mysqlRun<{ affectedRows?: number }>(em, sql, parameters)).affectedRows ?? 0);
  // A structured result carries `affected`; EntityManager.query() does not expose it.
  const runner = em.queryRunner ?? em.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return Number(result?.affected ?? 0);
  } finally {
    if (!em.queryRunner) await runner.release();
  }
}

/**
 * A write whose result the caller does not read. Inside a MySQL transaction it
 * goes out with the transaction's next statement, at the latest its COMMIT
 * (see mysql-direct.ts), and its failure fails the transaction there; elsewhere
 * it runs now.
 */
export async function deferWrite(em: EntityManager, sql: string, parameters: unknown[]): Promise<void> {
  if (supportsRowLocks(em)) await mysqlDeferWrite(em, sql, parameters);
  else await execute(em, sql, parameters);
}
