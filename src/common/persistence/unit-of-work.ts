import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

const RETRYABLE_MYSQL_ERRORS = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/**
 * One use case = one transaction. InnoDB may pick a transaction as a deadlock
 * victim under concurrent writes; such a transaction changed nothing, so it is
 * safe to run the whole use case again.
 */
@Injectable()
export class UnitOfWork {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(work: (em: EntityManager) => Promise<T>, attempts = 4): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction('READ COMMITTED', work);
      } catch (error) {
        const code = (error as { code?: string; driverError?: { code?: string } })?.driverError?.code ?? (error as { code?: string }).code;
        if (attempt >= attempts || !code || !RETRYABLE_MYSQL_ERRORS.has(code)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10));
      }
    }
  }

  /** Reads outside a transaction. */
  get reader(): EntityManager {
    return this.dataSource.manager;
  }
}
