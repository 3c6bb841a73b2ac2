import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AggregateRoot } from '../../common/persistence/aggregate';

export enum UserState {
  ACTIVE = 1,
  INACTIVE = 2,
  /** Tombstone: the id stays taken (its change log goes on), data and contact are wiped. */
  DELETED = 3,
}

const json = {
  to: (value: unknown) => (value === undefined ? undefined : JSON.stringify(value)),
  from: (value: string | null) => (value === null ? null : JSON.parse(value)),
};
const bool = { to: (value: boolean | undefined) => (value === undefined ? undefined : value ? 1 : 0), from: (value: number | boolean) => Boolean(value) };

/** A v3alpha user: data following a user schema, contact email and phone, state and lock flag. */
@Entity({ name: 'users' })
export class UserEntity extends AggregateRoot {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  id: string;

  @Column({ name: 'instance_id', type: 'varchar', length: 200 })
  instanceId: string;

  @Column({ name: 'organization_id', type: 'varchar', length: 200 })
  organizationId: string;

  @Column({ name: 'schema_id', type: 'varchar', length: 200 })
  schemaId: string;

  /** The schema revision the data was last validated against. */
  @Column({ name: 'schema_revision', type: 'int', unsigned: true })
  schemaRevision: number;

  @Column({ type: 'text', transformer: json })
  data: Record<string, unknown>;

  @Column({ name: 'email_address', type: 'varchar', length: 200, nullable: true })
  emailAddress: string | null;

  @Column({ name: 'email_verified', type: 'tinyint', transformer: bool })
  emailVerified: boolean;

  /** E.164. */
  @Column({ name: 'phone_number', type: 'varchar', length: 20, nullable: true })
  phoneNumber: string | null;

  @Column({ name: 'phone_verified', type: 'tinyint', transformer: bool })
  phoneVerified: boolean;

  @Column({ type: 'tinyint', unsigned: true })
  state: UserState;

  /** Locking is a flag beside ACTIVE/INACTIVE, as in ZITADEL's write model; reads report LOCKED. */
  @Column({ type: 'tinyint', transformer: bool })
  locked: boolean;
}
