import { DataSource, EntityManager } from 'typeorm';

export type Dialect = 'mysql' | 'sqlite';

/** Which database a DataSource or an EntityManager talks to. */
export function dialectOf(source: DataSource | EntityManager): Dialect {
  const dataSource = source instanceof DataSource ? source : source.dataSource;
  return dataSource.options.type === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

/**
 * The lock option for "load this row to change it". MySQL takes a row lock
 * (SELECT … FOR UPDATE); SQLite has no row locks, and needs none here: the
 * embedded database runs one write transaction at a time (UnitOfWork), so the
 * rows a transaction reads cannot change under it.
 *
 *   em.findOne(Entity, { where, lock: writeLock(em) })
 *
 * With a QueryBuilder: `if (supportsRowLocks(em)) qb.setLock('pessimistic_write')`.
 */
export function writeLock(em: EntityManager): { mode: 'pessimistic_write' } | undefined {
  return supportsRowLocks(em) ? { mode: 'pessimistic_write' } : undefined;
}

export function supportsRowLocks(em: EntityManager): boolean {
  return dialectOf(em) === 'mysql';
}
