import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Dialect, dialectOf } from './dialect';
import { mysqlTransaction } from './mysql-direct';

const RETRYABLE_ERRORS = new Set([
  // InnoDB chose this transaction as a deadlock victim, or it waited too long.
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  // Another process (an operator's sqlite3 shell) held the SQLite file longer than busy_timeout.
  'SQLITE_BUSY',
]);

/**
 * One use case = one transaction. A transaction that failed with one of the
 * errors above changed nothing, so it is safe to run the whole use case again.
 *
 * MySQL runs it at READ COMMITTED (the pool's session level) with row locks (`writeLock(em)`). SQLite is
 * serializable by nature and TypeORM shares its one connection between all
 * transactions, so the embedded database runs write transactions one at a
 * time (see DatabaseModule), and reads go to a connection of their own.
 */
@Injectable()
export class UnitOfWork {
  readonly dialect: Dialect;

  constructor(
    private readonly dataSource: DataSource,
    /** Reads outside a transaction; SQLite's is a separate read-only connection. */
    readonly reader: EntityManager = dataSource.manager,
  ) {
    this.dialect = dialectOf(dataSource);
  }

  /**
   * Writes that need no transaction of their own (one statement, or several
   * independent ones): on MySQL they autocommit on the pool; on SQLite they
   * take their turn among the write transactions (the shared connection may
   * not be written to while another transaction is open on it, and `reader`
   * is read-only there).
   */
  write<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dialect === 'mysql' ? work(this.dataSource.manager) : this.run(work);
  }

  async run<T>(work: (em: EntityManager) => Promise<T>, attempts = 4): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        // MySQL connections are at READ COMMITTED already (data-source-options.ts).
        if (this.dialect === 'mysql') return await mysqlTransaction(this.dataSource.createQueryRunner(), work);
        return await this.dataSource.transaction(work);
      } catch (error) {
        const code = (error as { code?: string; driverError?: { code?: string } })?.driverError?.code ?? (error as { code?: string }).code;
        if (attempt >= attempts || !code || !RETRYABLE_ERRORS.has(code)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10));
      }
    }
  }
}
