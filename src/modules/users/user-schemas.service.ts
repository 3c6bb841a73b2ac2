import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MAX_QUERY_LIMIT, timestamp } from '../../common/dto/object-details.dto';
import { DEFAULT_SEARCH_LIMIT } from '../../common/dto/resource-details.dto';
import { failedPrecondition, invalidArgument, notFound } from '../../common/errors/zitadel-error';
import { IdGenerator } from '../../common/ids/id-generator';
import { boundedRequest, canonicalJson } from '../../common/json/json-limits';
import { Change, recordChange } from '../../common/persistence/aggregate';
import { UnitOfWork } from '../../common/persistence/unit-of-work';
import { Clock } from '../../common/time/clock';
import { validateRequest } from '../../common/validation/validate-request';
import { InstanceContext } from '../../database/database.module';
import { Principal } from '../auth/principal';
import {
  CreateUserSchemaRequest,
  DeactivateUserSchemaRequest,
  DeleteUserSchemaRequest,
  GetUserSchemaRequest,
  PatchUserSchemaRequest,
  ReactivateUserSchemaRequest,
  SearchUserSchemasRequest,
} from './dto/user-schema-requests.dto';
import { refuseOversizedFilters } from './filter-nesting';
import { GetUserSchemaResponse, SearchUserSchemasResponse, UserSchemaDetailsResponse } from './dto/user-schema-responses.dto';
import { SchemaCompiler } from './schema-compiler';
import { UserSchemaEntity, UserSchemaState } from './user-schema.entity';
import { schemaChangeDetails, schemaReadDetails, toGetUserSchema } from './user-schema.mapper';
import { UserSchemaRepository } from './user-schema.repository';

const AGGREGATE = 'user_schema';

/**
 * The use cases of ZITADEL's v3alpha user schemas. Permissions are instance
 * wide (userschema.read/write/delete) and declared on the handlers.
 */
@Injectable()
export class UserSchemasService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly schemas: UserSchemaRepository,
    private readonly compiler: SchemaCompiler,
    private readonly instance: InstanceContext,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async create(caller: Principal, input: unknown): Promise<UserSchemaDetailsResponse> {
    const request = validateRequest(CreateUserSchemaRequest, input);
    const { type, schema: document, possibleAuthenticators = [] } = request.userSchema;
    const validator = this.compiler.compile(document);
    let created: UserSchemaEntity | undefined;
    const response = await this.unitOfWork.run(async (em) => {
      const schema = new UserSchemaEntity();
      schema.id = this.ids.next();
      schema.instanceId = this.instance.instanceId;
      schema.type = type;
      schema.document = document;
      schema.possibleAuthenticators = possibleAuthenticators;
      schema.state = UserSchemaState.ACTIVE;
      schema.revision = 1;
      await this.record(em, schema, caller, {
        aggregateType: AGGREGATE,
        eventType: 'user_schema.created',
        payload: { type, schema: document, possibleAuthenticators },
      });
      await this.schemas.insert(em, schema);
      created = schema;
      return { details: schemaReadDetails(schema) };
    });
    // Only once committed: the users' writes against it then need no compile.
    this.compiler.remember(created!.id, created!.revision, validator);
    return response;
  }

  /** Only an active schema can be patched; fields that are absent or equal stay; nothing differs → nothing written. */
  async patch(caller: Principal, input: unknown): Promise<UserSchemaDetailsResponse> {
    const request = validateRequest(PatchUserSchemaRequest, input);
    const patch = request.userSchema ?? {};
    // ZITADEL validates the new schema before it looks the target up.
    const validator = patch.schema ? this.compiler.compile(patch.schema) : undefined;
    let revised: { id: string; revision: number } | undefined;
    const response = await this.unitOfWork.run(async (em) => {
      const schema = await this.schemas.findForUpdate(em, this.instance.instanceId, request.id);
      if (!schema || schema.state !== UserSchemaState.ACTIVE) throw failedPrecondition('COMMA-HB3e1', 'user schema is not active');
      const changed: Record<string, unknown> = {};
      if (patch.type !== undefined && patch.type !== schema.type) changed.type = schema.type = patch.type;
      // Absent = unchanged (ZITADEL compares an absent schema as `{}`, §7.7: not copied).
      revised = undefined;
      if (patch.schema && canonicalJson(patch.schema) !== canonicalJson(schema.document)) {
        schema.document = patch.schema;
        schema.revision += 1;
        changed.schema = patch.schema;
        changed.revision = schema.revision;
        revised = { id: schema.id, revision: schema.revision };
      }
      const authenticators = patch.possibleAuthenticators ?? [];
      if (authenticators.length > 0 && canonicalJson(authenticators) !== canonicalJson(schema.possibleAuthenticators)) {
        changed.possibleAuthenticators = schema.possibleAuthenticators = authenticators;
      }
      if (Object.keys(changed).length === 0) return { details: schemaChangeDetails(schema) };
      await this.record(em, schema, caller, { aggregateType: AGGREGATE, eventType: 'user_schema.updated', payload: changed });
      await this.schemas.save(em, schema);
      return { details: schemaChangeDetails(schema) };
    });
    if (revised && validator) this.compiler.remember(revised.id, revised.revision, validator);
    return response;
  }

  async get(_caller: Principal, input: unknown): Promise<GetUserSchemaResponse> {
    const request = validateRequest(GetUserSchemaRequest, input);
    const schema = await this.schemas.findExisting(this.unitOfWork.reader, this.instance.instanceId, request.id);
    if (!schema) throw notFound('QUERY-SAF3t', 'user schema does not exist');
    return { userSchema: toGetUserSchema(schema) };
  }

  async search(_caller: Principal, input: unknown): Promise<SearchUserSchemasResponse> {
    // Bounded before the filter walk, so that a deep tree is refused as too deep, not as too many filters.
    const bounded = boundedRequest(input);
    refuseOversizedFilters(bounded, 'SCHEMA-zsQ97');
    const request = validateRequest(SearchUserSchemasRequest, bounded);
    const filters = request.filters ?? [];
    const limit = request.query?.limit || DEFAULT_SEARCH_LIMIT;
    if (limit > MAX_QUERY_LIMIT) throw invalidArgument('QUERY-4M0fs', `the limit must not exceed ${MAX_QUERY_LIMIT}`);
    const [rows, total] = await this.schemas.search(this.unitOfWork.reader, this.instance.instanceId, {
      filters,
      sortingColumn: request.sortingColumn,
      desc: request.query?.desc ?? false,
      offset: request.query?.offset ?? 0,
      limit,
    });
    const response: SearchUserSchemasResponse = {
      details: { appliedLimit: String(limit), totalResult: String(total), timestamp: timestamp(this.clock.now()) },
      result: rows.map(toGetUserSchema),
    };
    // protojson leaves the enum's zero value out.
    if (request.sortingColumn && request.sortingColumn !== 'FIELD_NAME_UNSPECIFIED') response.sortingColumn = request.sortingColumn;
    return response;
  }

  async deactivate(caller: Principal, input: unknown): Promise<UserSchemaDetailsResponse> {
    const request = validateRequest(DeactivateUserSchemaRequest, input);
    return this.transition(caller, request.id, UserSchemaState.ACTIVE, UserSchemaState.INACTIVE, 'user_schema.deactivated', () =>
      failedPrecondition('COMMA-E4t4z', 'user schema is not active'),
    );
  }

  async reactivate(caller: Principal, input: unknown): Promise<UserSchemaDetailsResponse> {
    const request = validateRequest(ReactivateUserSchemaRequest, input);
    return this.transition(caller, request.id, UserSchemaState.INACTIVE, UserSchemaState.ACTIVE, 'user_schema.reactivated', () =>
      failedPrecondition('COMMA-DGzh5', 'user schema is not inactive'),
    );
  }

  /**
   * Deletes an active or inactive schema. Its row stays as a tombstone, so
   * users that still follow it can show its type; like ZITADEL, users are not
   * checked (they keep their data and can move to another schema).
   */
  async delete(caller: Principal, input: unknown): Promise<UserSchemaDetailsResponse> {
    const request = validateRequest(DeleteUserSchemaRequest, input);
    return this.unitOfWork.run(async (em) => {
      const schema = await this.schemas.findForUpdate(em, this.instance.instanceId, request.id);
      if (!schema || schema.state === UserSchemaState.DELETED) throw failedPrecondition('COMMA-Grg41', 'user schema does not exist');
      schema.state = UserSchemaState.DELETED;
      await this.record(em, schema, caller, { aggregateType: AGGREGATE, eventType: 'user_schema.deleted' });
      await this.schemas.save(em, schema);
      return { details: schemaChangeDetails(schema) };
    });
  }

  private transition(
    caller: Principal,
    id: string,
    from: UserSchemaState,
    to: UserSchemaState,
    eventType: string,
    wrongState: () => Error,
  ): Promise<UserSchemaDetailsResponse> {
    return this.unitOfWork.run(async (em) => {
      const schema = await this.schemas.findForUpdate(em, this.instance.instanceId, id);
      if (!schema || schema.state !== from) throw wrongState();
      schema.state = to;
      await this.record(em, schema, caller, { aggregateType: AGGREGATE, eventType });
      await this.schemas.save(em, schema);
      return { details: schemaChangeDetails(schema) };
    });
  }

  private record(em: EntityManager, schema: UserSchemaEntity, caller: Principal, change: Change): Promise<void> {
    return recordChange(em, schema, schema.instanceId, caller.subject, this.clock.now(), change);
  }
}
