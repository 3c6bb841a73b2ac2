import { Column, Entity, PrimaryColumn } from 'typeorm';
import { AggregateRoot } from '../../common/persistence/aggregate';

export enum UserSchemaState {
  ACTIVE = 1,
  INACTIVE = 2,
  /** Kept as a tombstone: users still name the schema, reads and writes treat it as gone. */
  DELETED = 3,
}

const json = {
  to: (value: unknown) => (value === undefined ? undefined : JSON.stringify(value)),
  from: (value: string | null) => (value === null ? null : JSON.parse(value)),
};

/** A v3alpha user schema of the instance: a JSON Schema plus a revision that grows with its content. */
@Entity({ name: 'user_schemas' })
export class UserSchemaEntity extends AggregateRoot {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  id: string;

  @Column({ name: 'instance_id', type: 'varchar', length: 200 })
  instanceId: string;

  @Column({ type: 'varchar', length: 200 })
  type: string;

  /** The JSON Schema as given (key order kept). */
  @Column({ name: 'schema_json', type: 'text', transformer: json })
  document: Record<string, unknown>;

  /** AuthenticatorType names. */
  @Column({ name: 'possible_authenticators', type: 'text', transformer: json })
  possibleAuthenticators: string[];

  @Column({ type: 'tinyint', unsigned: true })
  state: UserSchemaState;

  @Column({ type: 'int', unsigned: true })
  revision: number;
}
