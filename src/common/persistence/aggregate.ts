import { Column } from 'typeorm';
import { EntityManager } from 'typeorm';
import { deferWrite, sqlDate } from './raw-sql';

/**
 * ZITADEL's change metadata, shared by every aggregate table: a sequence that
 * grows by one per change, creation and change dates, and who changed it last.
 * The full history is in change_log.
 */
export abstract class AggregateRoot {
  @Column({ type: 'bigint', unsigned: true, transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  sequence: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'changed_at', type: 'datetime', precision: 3 })
  changedAt: Date;

  @Column({ name: 'changed_by', type: 'varchar', length: 200 })
  changedBy: string;
}

export interface Change {
  aggregateType: string;
  eventType: string;
  /** Fields that changed; never a secret. */
  payload?: Record<string, unknown>;
}

/**
 * Stamps one change on an aggregate and appends it to the change log, inside
 * the caller's transaction. The caller holds the row lock (or just inserted the
 * row), so the sequence cannot be taken twice; the change log's unique key
 * would refuse it if it were.
 */
export async function recordChange(
  em: EntityManager,
  aggregate: AggregateRoot & { id: string },
  resourceOwner: string,
  editor: string,
  at: Date,
  change: Change,
): Promise<void> {
  const isNew = aggregate.sequence === undefined || aggregate.sequence === null;
  aggregate.sequence = isNew ? 1 : aggregate.sequence + 1;
  if (isNew) aggregate.createdAt = at;
  aggregate.changedAt = at;
  aggregate.changedBy = editor;
  // Hand-written: every change of every aggregate passes here (see UserRepository on why).
  await deferWrite(
    em,
    'INSERT INTO change_log (aggregate_type, aggregate_id, sequence, event_type, resource_owner, editor, created_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [change.aggregateType, aggregate.id, aggregate.sequence, change.eventType, resourceOwner, editor, sqlDate(em, at), change.payload ? JSON.stringify(change.payload) : null],
  );
}
