import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One row per change of an aggregate; never updated or deleted. */
@Entity({ name: 'change_log' })
export class ChangeLogEntry {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'aggregate_type', type: 'varchar', length: 40 })
  aggregateType: string;

  @Column({ name: 'aggregate_id', type: 'varchar', length: 200 })
  aggregateId: string;

  @Column({ type: 'bigint', unsigned: true })
  sequence: string;

  @Column({ name: 'event_type', type: 'varchar', length: 80 })
  eventType: string;

  @Column({ name: 'resource_owner', type: 'varchar', length: 200 })
  resourceOwner: string;

  @Column({ type: 'varchar', length: 200 })
  editor: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ type: 'json', nullable: true })
  payload: Record<string, unknown> | null;
}
