import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { deferWrite, forUpdate, readSqlDate, selectRows, sqlDate } from '../../common/persistence/raw-sql';
import { SqlFilterBuilder } from '../../common/persistence/sql-filter';
import { UserFieldName, UserSearchFilter } from './dto/user-requests.dto';
import { UserSchemaEntity, UserSchemaState } from './user-schema.entity';
import { UserEntity, UserState } from './user.entity';

/** Which users a search may return: organizations where the caller has user.read, plus itself. */
export interface UserVisibility {
  organizations: 'all' | ReadonlySet<string>;
  selfId: string;
}

export interface UserSearch {
  filters: UserSearchFilter[];
  sortingColumn?: UserFieldName;
  desc: boolean;
  offset: number;
  limit: number;
}

/** The state a read reports: LOCKED wins over ACTIVE/INACTIVE. */
const REPORTED_STATE = `(CASE WHEN u.locked = 1 THEN 4 ELSE u.state END)`;

const SORT_COLUMNS: Record<UserFieldName, string> = {
  FIELD_NAME_UNSPECIFIED: 'u.created_at',
  FIELD_NAME_ID: 'u.id',
  FIELD_NAME_CREATION_DATE: 'u.created_at',
  FIELD_NAME_CHANGE_DATE: 'u.changed_at',
  FIELD_NAME_EMAIL: 'u.email_address',
  FIELD_NAME_PHONE: 'u.phone_number',
  FIELD_NAME_STATE: REPORTED_STATE,
  FIELD_NAME_SCHEMA_ID: 'u.schema_id',
  FIELD_NAME_SCHEMA_TYPE: 's.type',
};

const STATE_CONDITIONS: Record<string, string> = {
  USER_STATE_ACTIVE: `${REPORTED_STATE} = 1`,
  USER_STATE_INACTIVE: `${REPORTED_STATE} = 2`,
  USER_STATE_LOCKED: `${REPORTED_STATE} = 4`,
};

/** A user row as both drivers return it: MySQL gives Dates and numbers, SQLite text and integers. */
interface UserRow {
  id: string;
  instance_id: string;
  organization_id: string;
  schema_id: string;
  schema_revision: number | string;
  data: string;
  email_address: string | null;
  email_verified: number | string;
  phone_number: string | null;
  phone_verified: number | string;
  state: number | string;
  locked: number | string;
  sequence: number | string;
  created_at: Date | string;
  changed_at: Date | string;
  changed_by: string;
}

const USER_COLUMNS = `u.id, u.instance_id, u.organization_id, u.schema_id, u.schema_revision, u.data, u.email_address, u.email_verified,
  u.phone_number, u.phone_verified, u.state, u.locked, u.sequence, u.created_at, u.changed_at, u.changed_by`;

function toEntity(row: UserRow): UserEntity {
  const user = new UserEntity();
  user.id = row.id;
  user.instanceId = row.instance_id;
  user.organizationId = row.organization_id;
  user.schemaId = row.schema_id;
  user.schemaRevision = Number(row.schema_revision);
  user.data = JSON.parse(row.data) as Record<string, unknown>;
  user.emailAddress = row.email_address;
  user.emailVerified = Number(row.email_verified) === 1;
  user.phoneNumber = row.phone_number;
  user.phoneVerified = Number(row.phone_verified) === 1;
  user.state = Number(row.state) as UserState;
  user.locked = Number(row.locked) === 1;
  user.sequence = Number(row.sequence);
  user.createdAt = readSqlDate(row.created_at);
  user.changedAt = readSqlDate(row.changed_at);
  user.changedBy = row.changed_by;
  return user;
}

/** A user loaded to be changed, with the current revision of its schema (null when that schema is gone). */
export interface LockedUser {
  user: UserEntity;
  schemaRevision: number | null;
}

/**
 * Every query on users. Deleted users stay as tombstones (their id stays taken).
 * The per-request reads and writes are hand-written SQL: TypeORM's query
 * building and row mapping were a fifth of a PATCH's CPU time (bench/).
 */
@Injectable()
export class UserRepository {
  /** A user with its schema's type name ('' when the schema row is missing), in one statement. */
  async findWithSchemaType(em: EntityManager, instanceId: string, id: string): Promise<{ user: UserEntity; schemaType: string } | null> {
    const [row] = await selectRows<UserRow & { schema_type: string | null }>(
      em,
      `SELECT ${USER_COLUMNS}, s.type AS schema_type FROM users u LEFT JOIN user_schemas s ON s.id = u.schema_id WHERE u.instance_id = ? AND u.id = ?`,
      [instanceId, id],
    );
    return row ? { user: toEntity(row), schemaType: row.schema_type ?? '' } : null;
  }

  /** Loads and row-locks a user for a change (SELECT … FOR UPDATE); tombstones included. */
  async findForUpdate(em: EntityManager, instanceId: string, id: string): Promise<UserEntity | null> {
    const [row] = await selectRows<UserRow>(em, `SELECT ${USER_COLUMNS} FROM users u WHERE u.instance_id = ? AND u.id = ?${forUpdate(em)}`, [instanceId, id]);
    return row ? toEntity(row) : null;
  }

  /**
   * As findForUpdate, plus the current revision of the user's schema, read
   * in the same statement. Only the user row is locked: a subquery of a
   * locking read takes no lock at READ COMMITTED, so concurrent changes of
   * users of one schema do not queue behind each other.
   */
  async findForUpdateWithSchema(em: EntityManager, instanceId: string, id: string): Promise<LockedUser | null> {
    const [row] = await selectRows<UserRow & { current_schema_revision: number | string | null }>(
      em,
      `SELECT ${USER_COLUMNS},
         (SELECT s.revision FROM user_schemas s WHERE s.instance_id = u.instance_id AND s.id = u.schema_id AND s.state <> ?) AS current_schema_revision
       FROM users u WHERE u.instance_id = ? AND u.id = ?${forUpdate(em)}`,
      [UserSchemaState.DELETED, instanceId, id],
    );
    if (!row) return null;
    return { user: toEntity(row), schemaRevision: row.current_schema_revision === null ? null : Number(row.current_schema_revision) };
  }

  /** Whether the id was ever used, deleted users included. */
  async idTaken(em: EntityManager, id: string): Promise<boolean> {
    return (await em.count(UserEntity, { where: { id } })) > 0;
  }

  async insert(em: EntityManager, user: UserEntity): Promise<void> {
    await em.insert(UserEntity, user as never); // the JSON columns' transformer takes objects
  }

  /** Writes every mutable column of a loaded user back. */
  async save(em: EntityManager, user: UserEntity): Promise<void> {
    await deferWrite(
      em,
      `UPDATE users SET organization_id = ?, schema_id = ?, schema_revision = ?, data = ?, email_address = ?, email_verified = ?,
         phone_number = ?, phone_verified = ?, state = ?, locked = ?, sequence = ?, changed_at = ?, changed_by = ? WHERE id = ?`,
      [
        user.organizationId,
        user.schemaId,
        user.schemaRevision,
        JSON.stringify(user.data),
        user.emailAddress,
        user.emailVerified ? 1 : 0,
        user.phoneNumber,
        user.phoneVerified ? 1 : 0,
        user.state,
        user.locked ? 1 : 0,
        user.sequence,
        sqlDate(em, user.changedAt),
        user.changedBy,
        user.id,
      ],
    );
  }

  async search(em: EntityManager, instanceId: string, visibility: UserVisibility, search: UserSearch): Promise<[UserEntity[], number]> {
    const where = new SqlFilterBuilder(em);
    const conditions = [
      `u.instance_id = ${where.param(instanceId)}`,
      `u.state <> ${where.param(UserState.DELETED)}`,
      this.visibilitySql(where, visibility),
      ...search.filters.map((filter) => this.filterSql(where, filter)),
    ];
    const direction = search.desc ? 'DESC' : 'ASC';
    return em
      .createQueryBuilder(UserEntity, 'u')
      .leftJoin(UserSchemaEntity, 's', 's.id = u.schema_id')
      .where(where.and(conditions), where.params)
      .orderBy(SORT_COLUMNS[search.sortingColumn ?? 'FIELD_NAME_UNSPECIFIED'], direction)
      .addOrderBy('u.id', direction)
      .offset(search.offset)
      .limit(search.limit)
      .getManyAndCount();
  }

  private visibilitySql(b: SqlFilterBuilder, visibility: UserVisibility): string {
    if (visibility.organizations === 'all') return '1=1';
    const self = `u.id = ${b.param(visibility.selfId)}`;
    if (visibility.organizations.size === 0) return self;
    return `(u.organization_id IN (${[...visibility.organizations].map((org) => b.param(org)).join(', ')}) OR ${self})`;
  }

  private filterSql(b: SqlFilterBuilder, filter: UserSearchFilter): string {
    if (filter.orFilter) return b.or(filter.orFilter.queries.map((f) => this.filterSql(b, f)));
    if (filter.andFilter) return b.and(filter.andFilter.queries.map((f) => this.filterSql(b, f)));
    if (filter.notFilter) return b.not(this.filterSql(b, filter.notFilter.query));
    if (filter.userIdFilter) return b.text('u.id', filter.userIdFilter.method, filter.userIdFilter.id);
    if (filter.organizationIdFilter) return b.text('u.organization_id', filter.organizationIdFilter.method, filter.organizationIdFilter.id);
    if (filter.emailFilter) return b.text('u.email_address', filter.emailFilter.method, filter.emailFilter.address);
    if (filter.phoneFilter) return b.text('u.phone_number', filter.phoneFilter.method, filter.phoneFilter.number);
    if (filter.schemaIdFilter) return b.text('u.schema_id', 'TEXT_FILTER_METHOD_EQUALS', filter.schemaIdFilter.id);
    if (filter.schemaTypeFilter) return b.text('s.type', filter.schemaTypeFilter.method, filter.schemaTypeFilter.type);
    if (filter.stateFilter) return STATE_CONDITIONS[filter.stateFilter.state] ?? '1=0';
    // Usernames (authenticators) are not stored yet: no user has one.
    return '1=0';
  }
}
