import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MAX_QUERY_LIMIT, timestamp } from '../../common/dto/object-details.dto';
import { DEFAULT_SEARCH_LIMIT } from '../../common/dto/resource-details.dto';
import { failedPrecondition, invalidArgument, unimplemented } from '../../common/errors/zitadel-error';
import { IdGenerator } from '../../common/ids/id-generator';
import { boundedRequest, canonicalJson } from '../../common/json/json-limits';
import { recordChange } from '../../common/persistence/aggregate';
import { UnitOfWork } from '../../common/persistence/unit-of-work';
import { Clock } from '../../common/time/clock';
import { validateRequest } from '../../common/validation/validate-request';
import { InstanceContext } from '../../database/database.module';
import { Principal } from '../auth/principal';
import { ContactChange, emailChange, needsTrust, phoneChange } from './contact-rules';
import {
  ActivateUserRequest,
  CreateUserRequest,
  DeactivateUserRequest,
  DeleteUserRequest,
  GetUserRequest,
  LockUserRequest,
  PatchUserRequest,
  SearchUsersRequest,
  SetContact,
  UnlockUserRequest,
  UserIdRequest,
} from './dto/user-requests.dto';
import { GetUserResponse, SearchUsersResponse, UserCodesResponse, UserDetailsResponse } from './dto/user-responses.dto';
import { refuseOversizedFilters } from './filter-nesting';
import { SchemaCompiler } from './schema-compiler';
import { ContactOutcome, USER_AGGREGATE, UserContactsService } from './user-contacts.service';
import { checkUserData } from './user-data';
import { UserSchemaRepository } from './user-schema.repository';
import { UserEntity, UserState } from './user.entity';
import { requestedOrganization, requireCreateInOrg, requirePermission, requireSchemaMove, requireTrustedVerification, visibleUser, writerRole } from './user-access';
import { toGetUser, userChangeDetails, userReadDetails } from './user.mapper';
import { UserRepository } from './user.repository';
import { VerificationCodeRepository } from './verification-code.repository';

interface ContactChanges {
  email?: ContactChange;
  phone?: ContactChange;
}

/**
 * The v3alpha user use cases. Every RPC is open to any valid token; who may do
 * what is decided here per user (user-access.ts). Each change locks the user's
 * row, so concurrent changes of one user apply one after the other.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly users: UserRepository,
    private readonly schemas: UserSchemaRepository,
    private readonly codes: VerificationCodeRepository,
    private readonly contacts: UserContactsService,
    private readonly compiler: SchemaCompiler,
    private readonly instance: InstanceContext,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  async create(caller: Principal, input: unknown): Promise<UserCodesResponse> {
    const request = validateRequest(CreateUserRequest, input);
    const body = request.user;
    if (!body?.schemaId) throw invalidArgument('COMMAND-TFo06JgnF2', 'user schema id is missing');
    if (body.authenticators && Object.keys(body.authenticators).length > 0) {
      throw unimplemented('USER-AuthNotImpl', 'authenticators cannot be set yet');
    }
    const organizationId = requestedOrganization(request.organization) ?? caller.organizationId;
    if (!organizationId) throw invalidArgument('COMMAND-urEJKa1tJM', 'the organization is missing: give organization.orgId');
    // Before any read: a caller that may not create here learns nothing about schemas or taken ids.
    requireCreateInOrg(caller, organizationId);
    const data = checkUserData(body.data ?? {});
    const contact = contactChanges(body.contact);

    return this.unitOfWork.run(async (em) => {
      const schema = await this.schemas.findExisting(em, this.instance.instanceId, body.schemaId);
      if (!schema) throw failedPrecondition('COMMAND-N9QOuN4F7o', 'user schema does not exist');
      const user = new UserEntity();
      user.id = body.userId ?? this.ids.next();
      user.instanceId = this.instance.instanceId;
      user.organizationId = organizationId;
      // The creator holds user.write here (checked above), which also allows isVerified and returnCode.
      this.compiler.assertValidData({ id: schema.id, revision: schema.revision, document: schema.document }, 'owner', data);
      if (await this.users.idTaken(em, user.id)) throw failedPrecondition('COMMAND-Nn8CRVlkeZ', 'user already exists');

      user.schemaId = schema.id;
      user.schemaRevision = schema.revision;
      user.data = data;
      user.emailAddress = null;
      user.emailVerified = false;
      user.phoneNumber = null;
      user.phoneVerified = false;
      user.state = UserState.ACTIVE;
      user.locked = false;
      const now = this.clock.now();
      const outcomes = await this.applyContact(em, caller, user, contact, now);
      await this.record(em, user, caller, now, 'user.created', {
        schemaId: user.schemaId,
        schemaRevision: user.schemaRevision,
        data,
        ...contactPayload(outcomes),
      });
      await this.users.insert(em, user);
      return withCodes({ details: userReadDetails(user) }, outcomes);
    }).catch((error: unknown) => {
      // Two creations of one chosen id at once: the second hits the keys.
      if (isDuplicateKey(error)) throw failedPrecondition('COMMAND-Nn8CRVlkeZ', 'user already exists');
      throw error;
    });
  }

  /**
   * PatchUser: changes only what differs, "updated or left
   * unchanged". The data (given, or the stored data when only the schema
   * moves) is validated against the schema's current revision for the
   * caller's role; the contact parts behave as SetContactEmail/Phone.
   */
  async patch(caller: Principal, input: unknown): Promise<UserCodesResponse> {
    // ZITADEL's PatchUserRequest.id has no validation rule; its command refuses
    // an empty id with this id. Only gRPC can send one (REST fills it from the path).
    if ((input as { id?: unknown } | null)?.id === '') throw invalidArgument('COMMAND-gEJR1QOGHb', 'the user id is missing');
    const request = validateRequest(PatchUserRequest, input);
    const body = request.user ?? {};
    const organizationId = requestedOrganization(request.organization);
    const data = body.data === undefined || body.data === null ? undefined : checkUserData(body.data);
    const contact = contactChanges(body.contact);

    return this.unitOfWork.run(async (em) => {
      const locked = await this.users.findForUpdateWithSchema(em, this.instance.instanceId, request.id);
      const user = visibleUser(caller, locked?.user ?? null, organizationId);
      const role = writerRole(caller, user);
      if (usesTrust(contact)) requireTrustedVerification(caller, user.organizationId);

      const changed: Record<string, unknown> = {};
      if (body.schemaId != null || data !== undefined) {
        const schemaId = body.schemaId ?? user.schemaId;
        if (schemaId !== user.schemaId) requireSchemaMove(caller, user);
        const ownRevision = schemaId === user.schemaId ? locked!.schemaRevision : undefined;
        if (ownRevision === null) throw failedPrecondition('COMMAND-VLDTtxT3If', 'user schema does not exist');
        // The user's read already brought its schema's current revision: when that
        // revision is compiled, the schema document need not be read again.
        const schema =
          ownRevision !== undefined && this.compiler.isCompiled(schemaId, ownRevision)
            ? { id: schemaId, revision: ownRevision }
            : await this.schemas.findExisting(em, this.instance.instanceId, schemaId);
        if (!schema) throw failedPrecondition('COMMAND-VLDTtxT3If', 'user schema does not exist');
        const nextData = data ?? user.data;
        this.compiler.assertValidData(schema, role, nextData);
        if (schema.id !== user.schemaId) changed.schemaId = user.schemaId = schema.id;
        if (schema.revision !== user.schemaRevision) changed.schemaRevision = user.schemaRevision = schema.revision;
        if (canonicalJson(nextData) !== canonicalJson(user.data)) changed.data = user.data = nextData;
      }
      const now = this.clock.now();
      const outcomes = await this.applyContact(em, caller, user, contact, now);
      Object.assign(changed, contactPayload(outcomes));
      if (Object.keys(changed).length === 0) return { details: userChangeDetails(user) };

      await this.record(em, user, caller, now, 'user.updated', changed);
      await this.users.save(em, user);
      return withCodes({ details: userChangeDetails(user) }, outcomes);
    });
  }

  async get(caller: Principal, input: unknown): Promise<GetUserResponse> {
    const request = validateRequest(GetUserRequest, input);
    const found = await this.users.findWithSchemaType(this.unitOfWork.reader, this.instance.instanceId, request.id);
    const user = visibleUser(caller, found?.user ?? null);
    return { user: toGetUser(user, found!.schemaType) };
  }

  /** Only users the caller may read: organizations where it has user.read, and itself. */
  async search(caller: Principal, input: unknown): Promise<SearchUsersResponse> {
    // Bounded before the filter walk, so that a deep tree is refused as too deep, not as too many filters.
    const bounded = boundedRequest(input);
    refuseOversizedFilters(bounded, 'QUERY-Nest20');
    const request = validateRequest(SearchUsersRequest, bounded);
    const filters = request.filters ?? [];
    const limit = request.query?.limit || DEFAULT_SEARCH_LIMIT;
    if (limit > MAX_QUERY_LIMIT) throw invalidArgument('QUERY-4M0fs', `the limit must not exceed ${MAX_QUERY_LIMIT}`);
    const reader = this.unitOfWork.reader;
    const [rows, total] = await this.users.search(
      reader,
      this.instance.instanceId,
      { organizations: caller.organizationsWith('user.read'), selfId: caller.subject },
      { filters, sortingColumn: request.sortingColumn, desc: request.query?.desc ?? false, offset: request.query?.offset ?? 0, limit },
    );
    const types = await this.schemas.typesOf(reader, rows.map((user) => user.schemaId));
    return {
      details: { appliedLimit: String(limit), totalResult: String(total), timestamp: timestamp(this.clock.now()) },
      result: rows.map((user) => toGetUser(user, types.get(user.schemaId) ?? '')),
    };
  }

  /**
   * The user becomes a tombstone: its data and contact are wiped and its codes
   * dropped; the id stays taken, and every later call answers 404.
   */
  async delete(caller: Principal, input: unknown): Promise<UserDetailsResponse> {
    const request = validateRequest(DeleteUserRequest, input);
    return this.change(caller, request, { permission: 'user.delete', allowSelf: true }, async (em, user) => {
      user.state = UserState.DELETED;
      user.data = {};
      user.emailAddress = null;
      user.emailVerified = false;
      user.phoneNumber = null;
      user.phoneVerified = false;
      await this.codes.deleteAll(em, user.id);
      return 'user.deleted';
    });
  }

  async deactivate(caller: Principal, input: unknown): Promise<UserDetailsResponse> {
    const request = validateRequest(DeactivateUserRequest, input);
    return this.change(caller, request, { permission: 'user.write', allowSelf: false }, async (_em, user) => {
      if (user.state !== UserState.ACTIVE) throw failedPrecondition('COMMAND-Ob6lR5iFTe', 'user is not active');
      user.state = UserState.INACTIVE;
      return 'user.deactivated';
    });
  }

  async activate(caller: Principal, input: unknown): Promise<UserDetailsResponse> {
    const request = validateRequest(ActivateUserRequest, input);
    return this.change(caller, request, { permission: 'user.write', allowSelf: false }, async (_em, user) => {
      if (user.state !== UserState.INACTIVE) throw failedPrecondition('COMMAND-rQjbBr4J3j', 'user is not inactive');
      user.state = UserState.ACTIVE;
      return 'user.reactivated';
    });
  }

  async lock(caller: Principal, input: unknown): Promise<UserDetailsResponse> {
    const request = validateRequest(LockUserRequest, input);
    return this.change(caller, request, { permission: 'user.write', allowSelf: false }, async (_em, user) => {
      if (user.locked) throw failedPrecondition('COMMAND-G4LOrnjY7q', 'user is already locked');
      user.locked = true;
      return 'user.locked';
    });
  }

  async unlock(caller: Principal, input: unknown): Promise<UserDetailsResponse> {
    const request = validateRequest(UnlockUserRequest, input);
    return this.change(caller, request, { permission: 'user.write', allowSelf: false }, async (_em, user) => {
      if (!user.locked) throw failedPrecondition('COMMAND-gpBv46Lh9m', 'user is not locked');
      user.locked = false;
      return 'user.unlocked';
    });
  }

  /** Lock, check visibility and permission, apply, record: the shape of every state change. */
  private change(
    caller: Principal,
    request: UserIdRequest,
    access: { permission: 'user.write' | 'user.delete'; allowSelf: boolean },
    apply: (em: EntityManager, user: UserEntity) => Promise<string>,
  ): Promise<UserDetailsResponse> {
    const organizationId = requestedOrganization(request.organization);
    return this.unitOfWork.run(async (em) => {
      const user = visibleUser(caller, await this.users.findForUpdate(em, this.instance.instanceId, request.id), organizationId);
      requirePermission(caller, user, access.permission, access.allowSelf);
      const eventType = await apply(em, user);
      await this.record(em, user, caller, this.clock.now(), eventType);
      await this.users.save(em, user);
      return { details: userChangeDetails(user) };
    });
  }

  private async applyContact(em: EntityManager, caller: Principal, user: UserEntity, contact: ContactChanges, now: Date): Promise<{ email?: ContactOutcome; phone?: ContactOutcome }> {
    return {
      email: contact.email && (await this.contacts.apply(em, caller, user, contact.email, now)),
      phone: contact.phone && (await this.contacts.apply(em, caller, user, contact.phone, now)),
    };
  }

  private record(em: EntityManager, user: UserEntity, caller: Principal, at: Date, eventType: string, payload?: Record<string, unknown>): Promise<void> {
    return recordChange(em, user, user.organizationId, caller.subject, at, { aggregateType: USER_AGGREGATE, eventType, payload });
  }
}

/** Normalises and checks the contact parts before any database work (bad input is a 400 that changes nothing). */
function contactChanges(contact: SetContact | undefined): ContactChanges {
  return {
    email: contact?.email ? emailChange(contact.email) : undefined,
    phone: contact?.phone ? phoneChange(contact.phone) : undefined,
  };
}

function usesTrust(contact: ContactChanges): boolean {
  return [contact.email, contact.phone].some((change) => change !== undefined && needsTrust(change.verification));
}

function contactPayload(outcomes: { email?: ContactOutcome; phone?: ContactOutcome }): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  if (outcomes.email?.changed) payload.email = outcomes.email.payload;
  if (outcomes.phone?.changed) payload.phone = outcomes.phone.payload;
  return payload;
}

function withCodes<T extends object>(response: T, outcomes: { email?: ContactOutcome; phone?: ContactOutcome }): T & { emailCode?: string; phoneCode?: string } {
  const result: T & { emailCode?: string; phoneCode?: string } = { ...response };
  if (outcomes.email?.returnedCode) result.emailCode = outcomes.email.returnedCode;
  if (outcomes.phone?.returnedCode) result.phoneCode = outcomes.phone.returnedCode;
  return result;
}

function isDuplicateKey(error: unknown): boolean {
  const code = (error as { driverError?: { code?: string }; code?: string })?.driverError?.code ?? (error as { code?: string })?.code;
  return code === 'ER_DUP_ENTRY';
}
