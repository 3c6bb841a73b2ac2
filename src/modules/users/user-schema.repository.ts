import { Injectable } from '@nestjs/common';
import { EntityManager, In, Not } from 'typeorm';
import { writeLock } from '../../common/persistence/dialect';
import { SqlFilterBuilder } from '../../common/persistence/sql-filter';
import { UserSchemaFieldName, UserSchemaSearchFilter } from './dto/user-schema-requests.dto';
import { UserSchemaEntity, UserSchemaState } from './user-schema.entity';

export interface SchemaSearch {
  filters: UserSchemaSearchFilter[];
  sortingColumn?: UserSchemaFieldName;
  desc: boolean;
  offset: number;
  limit: number;
}

const SORT_COLUMNS: Record<UserSchemaFieldName, string> = {
  // ZITADEL sorts by id when the column is UNSPECIFIED, by creation date when it is absent.
  FIELD_NAME_UNSPECIFIED: 's.id',
  FIELD_NAME_TYPE: 's.type',
  FIELD_NAME_STATE: 's.state',
  FIELD_NAME_REVISION: 's.revision',
  FIELD_NAME_CHANGE_DATE: 's.changed_at',
  FIELD_NAME_CREATION_DATE: 's.created_at',
};

const STATE_VALUES: Record<string, UserSchemaState | undefined> = {
  STATE_ACTIVE: UserSchemaState.ACTIVE,
  STATE_INACTIVE: UserSchemaState.INACTIVE,
};

/** Every query on user_schemas. Deleted schemas stay as tombstones that only users' reads see. */
@Injectable()
export class UserSchemaRepository {
  /** A schema that exists (active or inactive). */
  findExisting(em: EntityManager, instanceId: string, id: string): Promise<UserSchemaEntity | null> {
    return em.findOne(UserSchemaEntity, { where: { instanceId, id, state: Not(UserSchemaState.DELETED) } });
  }

  /** Loads and row-locks a schema for a change, tombstones included. */
  findForUpdate(em: EntityManager, instanceId: string, id: string): Promise<UserSchemaEntity | null> {
    return em.findOne(UserSchemaEntity, { where: { instanceId, id }, lock: writeLock(em) });
  }

  /** Type names of schemas by id, tombstones included (a user's read shows its schema's type). */
  async typesOf(em: EntityManager, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await em.find(UserSchemaEntity, { select: { id: true, type: true }, where: { id: In([...new Set(ids)]) } });
    return new Map(rows.map((row) => [row.id, row.type]));
  }

  async insert(em: EntityManager, schema: UserSchemaEntity): Promise<void> {
    await em.insert(UserSchemaEntity, schema as never); // the JSON columns' transformer takes objects
  }

  async save(em: EntityManager, schema: UserSchemaEntity): Promise<void> {
    await em.update(UserSchemaEntity, { id: schema.id }, { ...schema } as never);
  }

  async search(em: EntityManager, instanceId: string, search: SchemaSearch): Promise<[UserSchemaEntity[], number]> {
    const where = new SqlFilterBuilder(em);
    const condition = where.and(search.filters.map((filter) => this.filterSql(where, filter)));
    const direction = search.desc ? 'DESC' : 'ASC';
    const query = em
      .createQueryBuilder(UserSchemaEntity, 's')
      .where('s.instance_id = :instanceId AND s.state <> :deleted', { instanceId, deleted: UserSchemaState.DELETED })
      .andWhere(condition, where.params)
      .orderBy(SORT_COLUMNS[search.sortingColumn ?? 'FIELD_NAME_CREATION_DATE'], direction)
      .addOrderBy('s.id', direction)
      .offset(search.offset)
      .limit(search.limit);
    return query.getManyAndCount();
  }

  private filterSql(b: SqlFilterBuilder, filter: UserSchemaSearchFilter): string {
    if (filter.orFilter) return b.or(filter.orFilter.queries.map((f) => this.filterSql(b, f)));
    if (filter.andFilter) return b.and(filter.andFilter.queries.map((f) => this.filterSql(b, f)));
    if (filter.notFilter) return b.not(this.filterSql(b, filter.notFilter.filter));
    if (filter.typeFilter) return b.text('s.type', filter.typeFilter.method, filter.typeFilter.type);
    if (filter.idFilter) return b.text('s.id', filter.idFilter.method, filter.idFilter.id);
    if (filter.stateFilter) {
      const state = STATE_VALUES[filter.stateFilter.state];
      return state === undefined ? '1=0' : `s.state = ${b.param(state)}`;
    }
    return '1=0';
  }
}
