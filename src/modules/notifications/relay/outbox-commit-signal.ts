import { EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

const WRITTEN = 'notificationOutboxWritten';

/** Marks the caller's transaction as one that added outbox rows. */
export function markOutboxWritten(em: EntityManager): void {
  const runner = em.queryRunner;
  if (runner) runner.data = { ...(runner.data as object), [WRITTEN]: true };
}

/**
 * Reads and clears the mark. It must be cleared when the transaction ends:
 * TypeORM's SQLite driver hands every transaction the same QueryRunner, so a
 * mark left behind would make every later commit (the relay's own included)
 * look like one that wrote outbox rows, and the relay would wake itself
 * forever.
 */
function takeMark(runner: QueryRunner): boolean {
  const data = runner.data as Record<string, unknown> | undefined;
  if (!data?.[WRITTEN]) return false;
  delete data[WRITTEN];
  return true;
}

/**
 * A TypeORM subscriber that calls `onCommit` after a transaction that added
 * outbox rows committed: only then can the relay see them (READ COMMITTED).
 * Savepoints (nested transactions) end with the outer transaction.
 */
export function outboxCommitSubscriber(onCommit: () => void): EntitySubscriberInterface {
  return {
    afterTransactionCommit(event: TransactionCommitEvent): void {
      if (!event.queryRunner.isTransactionActive && takeMark(event.queryRunner)) onCommit();
    },
    afterTransactionRollback(event: TransactionRollbackEvent): void {
      if (!event.queryRunner.isTransactionActive) takeMark(event.queryRunner);
    },
  };
}
