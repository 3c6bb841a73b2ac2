import { EntityManager, EntitySubscriberInterface, TransactionCommitEvent } from 'typeorm';

const WRITTEN = 'notificationOutboxWritten';

/** Marks the caller's transaction as one that added outbox rows. */
export function markOutboxWritten(em: EntityManager): void {
  const runner = em.queryRunner;
  if (runner) runner.data = { ...(runner.data as object), [WRITTEN]: true };
}

/**
 * A TypeORM subscriber that calls `onCommit` after a transaction that added
 * outbox rows committed: only then can the relay see them (READ COMMITTED).
 */
export function outboxCommitSubscriber(onCommit: () => void): EntitySubscriberInterface {
  return {
    afterTransactionCommit(event: TransactionCommitEvent): void {
      if ((event.queryRunner.data as Record<string, unknown> | undefined)?.[WRITTEN]) onCommit();
    },
  };
}
