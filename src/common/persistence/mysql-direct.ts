import type { Pool, PoolConnection, QueryError } from 'mysql2';
import { EntityManager, QueryFailedError, QueryRunner } from 'typeorm';
import type { MysqlDriver } from 'typeorm/driver/mysql/MysqlDriver';

/**
 * Hand-written SQL on MySQL goes to mysql2 directly instead of through
 * `EntityManager.query()`, and a transaction sends its statements in as few
 * round trips as it can. Both come from the CPU profile of a PATCH:
 *
 * - TypeORM's query path cost more than the statement itself: per statement
 *   it loads and wraps a promise connection (a `require` and an EventEmitter
 *   with listeners), awaits two broadcasts and copies the rows.
 * - Each round trip costs a socket write and a read on both sides (about a
 *   tenth of a millisecond of CPU each on the 2-core VM, a sixth of the
 *   service's CPU for the five statements of a PATCH), and MariaDB's own CPU
 *   shares the same cores.
 *
 * So START TRANSACTION travels with the transaction's first statement, and
 * writes whose result nobody reads (`deferWrite`) travel with the next
 * statement, at the latest with COMMIT: a PATCH of `data` is two round trips,
 * `START TRANSACTION; SELECT … FOR UPDATE` and `INSERT change_log …; UPDATE
 * users …; COMMIT`. The order of statements on the connection is the order the
 * code issued them, so reads see the transaction's earlier writes. A deferred
 * write that fails fails the statement it travels with, and so the
 * transaction, which is rolled back like any other failed transaction.
 *
 * This needs mysql2's `multipleStatements`. Every SQL text the service sends
 * is put together from constant pieces (column names from fixed maps, `?`
 * placeholders for every value, which mysql2 escapes), and only such texts
 * are joined here, so no request value becomes SQL text.
 */
type Target = Pick<Pool, 'query'> | Pick<PoolConnection, 'query'>;

interface Statement {
  sql: string;
  parameters: unknown[];
}

export function mysqlQuery<T = unknown>(target: Target, sql: string, parameters: unknown[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    (target as Pick<Pool, 'query'>).query(sql, parameters, (error: QueryError | null, result: unknown) => {
      // The same error type TypeORM raises: callers inspect `driverError.code`, the logger redacts its SQL and parameters.
      if (error) reject(new QueryFailedError(sql, parameters, error));
      else resolve(result as T);
    });
  });
}

/** The statements of one transaction that have not been sent yet, and whether any have. */
class TransactionBatch {
  private pending: Statement[] = [{ sql: 'START TRANSACTION', parameters: [] }];
  /** Whether START TRANSACTION has gone out (or is going out): then the end is COMMIT or ROLLBACK. */
  begun = false;

  constructor(private readonly connection: PoolConnection) {}

  defer(sql: string, parameters: unknown[]): void {
    this.pending.push({ sql, parameters });
  }

  /** Sends the pending statements and then this one in one round trip; resolves to this one's result. */
  run<T>(sql: string, parameters: unknown[]): Promise<T> {
    const statements = [...this.pending, { sql, parameters }];
    this.pending = [];
    this.begun = true;
    if (statements.length === 1) return mysqlQuery<T>(this.connection, sql, parameters);
    return mysqlQuery<unknown[]>(
      this.connection,
      statements.map((statement) => statement.sql).join(';\n'),
      statements.flatMap((statement) => statement.parameters),
    ).then((results) => results[statements.length - 1] as T);
  }

  /** Sends what is pending, if anything, in one round trip. */
  async flush(): Promise<void> {
    const last = this.pending.pop();
    if (last) await this.run(last.sql, last.parameters);
  }

  async commit(): Promise<void> {
    // A transaction that sent nothing and has nothing to write has nothing to commit.
    if (!this.begun && this.pending.length === 1) return;
    await this.run('COMMIT', []);
  }

  async rollback(): Promise<void> {
    this.pending = [];
    if (!this.begun) return;
    // A connection whose transaction could not be rolled back is not handed out again.
    await mysqlQuery(this.connection, 'ROLLBACK').catch(() => this.connection.destroy());
  }
}

const batches = new WeakMap<QueryRunner, TransactionBatch>();

/**
 * One statement whose result the caller reads: inside a transaction after
 * the statements still pending there, outside one on the pool (autocommit).
 */
export async function mysqlRun<T>(em: EntityManager, sql: string, parameters: unknown[]): Promise<T> {
  const runner = em.queryRunner;
  const batch = runner && batches.get(runner);
  if (batch) return batch.run<T>(sql, parameters);
  if (runner) return mysqlQuery<T>((await runner.connect()) as PoolConnection, sql, parameters);
  const pool = (em.connection.driver as MysqlDriver).pool as Pool | undefined;
  if (!pool) throw new Error('the MySQL pool is not connected');
  return mysqlQuery<T>(pool, sql, parameters);
}

/** A write nobody reads the result of: inside a transaction it waits for the next statement; outside one it runs now. */
export async function mysqlDeferWrite(em: EntityManager, sql: string, parameters: unknown[]): Promise<void> {
  const batch = em.queryRunner && batches.get(em.queryRunner);
  if (batch) batch.defer(sql, parameters);
  else await mysqlRun(em, sql, parameters);
}

/**
 * One transaction on one pooled connection. While `work` runs, the query
 * runner counts as in a transaction, so that TypeORM calls inside it
 * (`em.insert`, `em.findOne`) open no transaction of their own (which would
 * commit this one), and each TypeORM statement first sends what is pending
 * (START TRANSACTION included), so it runs inside the transaction and after
 * the writes issued before it. Entity subscribers hear the transaction end
 * (afterTransactionCommit or afterTransactionRollback, with the flag already
 * cleared) as they do from TypeORM's own transactions: the outbox relay
 * wakes on the commit of a transaction that wrote outbox rows.
 */
export async function mysqlTransaction<T>(runner: QueryRunner, work: (em: EntityManager) => Promise<T>): Promise<T> {
  try {
    const batch = new TransactionBatch((await runner.connect()) as PoolConnection);
    batches.set(runner, batch);
    const typeormQuery = runner.query.bind(runner);
    runner.query = (async (...args: Parameters<QueryRunner['query']>) => {
      await batch.flush();
      return typeormQuery(...args);
    }) as QueryRunner['query'];
    const flags = runner as { isTransactionActive: boolean };
    flags.isTransactionActive = true;
    let result: T;
    try {
      result = await work(runner.manager);
      await batch.commit();
    } catch (error) {
      await batch.rollback();
      flags.isTransactionActive = false;
      await runner.broadcaster.broadcast('AfterTransactionRollback');
      throw error;
    }
    flags.isTransactionActive = false;
    await runner.broadcaster.broadcast('AfterTransactionCommit');
    return result;
  } finally {
    await runner.release();
  }
}
