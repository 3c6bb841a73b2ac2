import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { writeLock } from '../../common/persistence/dialect';
import { SqlFilterBuilder } from '../../common/persistence/sql-filter';
import { UserFieldName, UserSearchFilter } from './dto/user-requests.dto';
import { UserSchemaEntity } from './user-schema.entity';
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

/** Every query on users. Deleted users stay as tombstones (their id stays taken). */
@Injectable()
export class UserRepository {
  find(em: EntityManager, instanceId: string, id: string): Promise<UserEntity | null> {
    return em.findOne(UserEntity, { where: { instanceId, id } });
  }

  /** Loads and row-locks a user for a change (SELECT … FOR UPDATE); tombstones included. */
  findForUpdate(em: EntityManager, instanceId: string, id: string): Promise<UserEntity | null> {
    return em.findOne(UserEntity, { where: { instanceId, id }, lock: writeLock(em) });
  }

  /** Whether the id was ever used, deleted users included. */
  async idTaken(em: EntityManager, id: string): Promise<boolean> {
    return (await em.count(UserEntity, { where: { id } })) > 0;
  }

  async insert(em: EntityManager, user: UserEntity): Promise<void> {
    await em.insert(UserEntity, user as never); // the JSON columns' transformer takes objects
  }

  async save(em: EntityManager, user: UserEntity): Promise<void> {
    await em.update(UserEntity, { id: user.id }, { ...user } as never);
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
