import { OwnerType } from '@zitadel/node/dist/api/generated/zitadel/object/v3alpha/object.js';
import { TextFilterMethod } from '@zitadel/node/dist/api/generated/zitadel/resources/object/v3alpha/object.js';
import { FieldName } from '@zitadel/node/dist/api/generated/zitadel/resources/user/v3alpha/query.js';
import { State as UserState } from '@zitadel/node/dist/api/generated/zitadel/resources/user/v3alpha/user.js';
import { AuthenticatorType, State as SchemaState } from '@zitadel/node/dist/api/generated/zitadel/resources/userschema/v3alpha/user_schema.js';
import { grpcFailure, userSchemasClient, usersClient } from './support/grpc-clients';
import { RELAXED_SEND_LIMITS } from './support/notifications';
import { ApiResponse, TestApp, expectZitadelError } from './support/test-app';
import { PERSON_SCHEMA, SCHEMAS, USERS, createSchema, createUser, snapshot, userRow } from './support/users-fixture';
import { STRUCT_SAMPLE } from './support/struct-sample';

const DATA = STRUCT_SAMPLE;
/** A schema that accepts any object, for the Struct round trips. */
const ANY_OBJECT = { type: 'object' };
const CODE = /^[A-Z0-9]{6}$/;

type Users = ReturnType<typeof usersClient>;
type Schemas = ReturnType<typeof userSchemasClient>;

describe('Users and user schemas over native gRPC (ZITADEL\'s @zitadel/node client)', () => {
  let t: TestApp;
  let ownerToken: string;
  let users: Users;
  let schemas: Schemas;
  let personSchema: string;
  let anySchema: string;

  beforeAll(async () => {
    t = await TestApp.start(RELAXED_SEND_LIMITS);
    ownerToken = await t.issuer.owner({ sub: 'grpc-admin', org: 'org-1' });
    users = usersClient(t, ownerToken);
    schemas = userSchemasClient(t, ownerToken);
    personSchema = await createSchema(t, ownerToken);
    anySchema = await createSchema(t, ownerToken, 'anything', ANY_OBJECT);
  });
  afterAll(() => t.close());

  const newUser = async (org = 'org-1') => {
    const created = await users.createUser({ organization: { orgId: org }, user: { schemaId: personSchema, data: { name: 'Gigi' } } });
    return created.details!.id;
  };
  const outbox = (userId: string) => t.query('SELECT channel, recipient, url_template FROM notification_outbox WHERE user_id = ? ORDER BY id', [userId]);

  describe('ZITADELUserSchemas: every RPC', () => {
    it('Create, Get, Patch, Search, Deactivate, Reactivate and Delete, with the JSON Schema intact', async () => {
      const created = await schemas.createUserSchema({
        userSchema: { type: 'staff', schema: PERSON_SCHEMA, possibleAuthenticators: [AuthenticatorType.AUTHENTICATOR_TYPE_USERNAME] },
      });
      const id = created.details!.id;
      expect(id).toMatch(/^\d+$/);
      expect(created.details!.owner!.type).toBe(OwnerType.OWNER_TYPE_INSTANCE);
      expect(created.details!.changed).toBeInstanceOf(Date);

      const read = await schemas.getUserSchema({ id });
      expect(read.userSchema).toMatchObject({
        config: { type: 'staff', schema: PERSON_SCHEMA, possibleAuthenticators: [AuthenticatorType.AUTHENTICATOR_TYPE_USERNAME] },
        state: SchemaState.STATE_ACTIVE,
        revision: 1,
      });

      const patched = await schemas.patchUserSchema({ id, userSchema: { type: 'staff-2', schema: { ...PERSON_SCHEMA, required: [] } } });
      expect(patched.details!.id).toBe(id);
      // details.created on a change: the schema's creation, as in ZITADEL's documented answer.
      expect(patched.details!.created).toEqual(read.userSchema!.details!.created);
      expect(patched.details!.created).toBeInstanceOf(Date);
      const afterPatch = await schemas.getUserSchema({ id });
      expect(afterPatch.userSchema).toMatchObject({ config: { type: 'staff-2', schema: { ...PERSON_SCHEMA, required: [] } }, revision: 2 });

      const found = await schemas.searchUserSchemas({ filters: [{ idFilter: { id } }] });
      expect(found.result.map((s) => s.details!.id)).toEqual([id]);
      expect(found.details!.totalResult.toString()).toBe('1');

      await schemas.deactivateUserSchema({ id });
      expect((await schemas.getUserSchema({ id })).userSchema!.state).toBe(SchemaState.STATE_INACTIVE);
      await schemas.reactivateUserSchema({ id });
      expect((await schemas.getUserSchema({ id })).userSchema!.state).toBe(SchemaState.STATE_ACTIVE);
      const deleted = await schemas.deleteUserSchema({ id });
      expect(deleted.details!.id).toBe(id);
      expect(await grpcFailure((o) => schemas.getUserSchema({ id }, o))).toMatchObject({ code: 5, detail: { id: 'QUERY-SAF3t' } });
    });

    it('answers wrong states and invalid schemas with the same ids as REST', async () => {
      const id = await createSchema(t, ownerToken, 'states');
      expect(await grpcFailure((o) => schemas.reactivateUserSchema({ id }, o))).toMatchObject({ code: 9, detail: { id: 'COMMA-DGzh5' } });
      const invalid = { type: 'object', properties: { name: { type: 'string', required: true } } };
      const failure = await grpcFailure((o) => schemas.createUserSchema({ userSchema: { type: 'bad', schema: invalid } }, o));
      const rest = await t.request('POST', SCHEMAS, { token: ownerToken, body: { type: 'bad', schema: invalid } });
      expectZitadelError(rest, 400, 3, 'COMMA-W21tg');
      expect(failure).toMatchObject({ code: 3, message: rest.body.message, detail: { id: 'COMMA-W21tg' } });
    });

    it('refuses patterns RE2 cannot run at create and patch with code 3 COMMA-W21tg naming the pattern\'s JSON pointer, as REST does', async () => {
      const lookahead = { type: 'object', properties: { pin: { type: 'string', pattern: '^(?=\\d)\\d+$' } } };
      const created = await grpcFailure((o) => schemas.createUserSchema({ userSchema: { type: 'bad', schema: lookahead } }, o));
      const rest = await t.request('POST', SCHEMAS, { token: ownerToken, body: { type: 'bad', schema: lookahead } });
      expectZitadelError(rest, 400, 3, 'COMMA-W21tg');
      expect(created).toMatchObject({ code: 3, message: rest.body.message, detail: { id: 'COMMA-W21tg' } });
      expect(created.message).toContain('the pattern at /properties/pin/pattern is not supported');

      const id = await createSchema(t, ownerToken, 'patterns');
      const backreference = { type: 'object', patternProperties: { '^(x)\\1$': { type: 'string' } } };
      const patched = await grpcFailure((o) => schemas.patchUserSchema({ id, userSchema: { schema: backreference } }, o));
      expect(patched).toMatchObject({ code: 3, detail: { id: 'COMMA-W21tg' } });
      expect(patched.message).toContain('the pattern at /patternProperties/^(x)\\1$ is not supported');
      expect((await schemas.getUserSchema({ id })).userSchema!.revision).toBe(1);
    });
  });

  describe('ZITADELUsers: every RPC', () => {
    it('CreateUser and GetUser keep a Struct exactly: nested objects, arrays, numbers, booleans and null', async () => {
      const created = await users.createUser({ organization: { orgId: 'org-7' }, user: { schemaId: anySchema, data: DATA } });
      expect(created.details!.owner).toEqual({ type: OwnerType.OWNER_TYPE_ORG, id: 'org-7' });
      expect(created.emailCode).toBeUndefined();
      expect((await userRow(t, created.details!.id)).data).toEqual(DATA);

      const { user } = await users.getUser({ id: created.details!.id });
      expect(user!.data).toEqual(DATA);
      expect(user!.schema).toEqual({ id: anySchema, type: 'anything', revision: 1 });
      expect(user!.state).toBe(UserState.USER_STATE_ACTIVE);
    });

    it('CreateUser without an organization uses the caller\'s; a chosen id is kept', async () => {
      const userId = `grpc-chosen-${Date.now()}`;
      const created = await users.createUser({ user: { schemaId: personSchema, userId, data: { name: 'A' } } });
      expect(created.details).toMatchObject({ id: userId, owner: { type: OwnerType.OWNER_TYPE_ORG, id: 'org-1' } });
    });

    it('CreateUser needs a user-write role in the target organization, whatever userId the caller picks', async () => {
      const sub = `grpc-intruder-${Date.now()}`;
      const intruder = usersClient(t, await t.issuer.token({ sub, org: 'org-1' }));
      for (const organization of [{ orgId: 'org-2' }, undefined]) {
        const failure = await grpcFailure((o) => intruder.createUser({ organization, user: { schemaId: personSchema, userId: sub, data: { name: 'A' } } }, o));
        expect(failure).toMatchObject({ code: 7, detail: { id: 'AUTHZ-HKJD33' } });
      }
      expect(await t.query('SELECT id FROM users WHERE id = ?', [sub])).toEqual([]);
    });

    it('PatchUser, the seed call: data and contact; returnCode answers phoneCode, sendCode queues the mail', async () => {
      const id = await newUser();
      const patched = await users.patchUser({
        id,
        user: {
          data: { name: 'Gigi G.', tags: ['x', 'y'], extra: { nested: { deep: [1, null, true] } } },
          contact: {
            email: { address: 'gigi@example.com', sendCode: { urlTemplate: 'https://app.example.com/verify?u={{.UserID}}&c={{.Code}}' } },
            phone: { number: '+41791234567', returnCode: {} },
          },
        },
      });
      expect(patched.details).toMatchObject({ id, owner: { type: OwnerType.OWNER_TYPE_ORG, id: 'org-1' } });
      expect(patched.details!.created).toBeInstanceOf(Date);
      expect(patched.details!.created).toEqual((await users.getUser({ id })).user!.details!.created);
      expect(patched.phoneCode).toMatch(CODE);
      expect(patched.emailCode).toBeUndefined();
      expect(await outbox(id)).toEqual([{ channel: 'email', recipient: 'gigi@example.com', url_template: 'https://app.example.com/verify?u={{.UserID}}&c={{.Code}}' }]);

      const { user } = await users.getUser({ id });
      expect(user!.data).toEqual({ name: 'Gigi G.', tags: ['x', 'y'], extra: { nested: { deep: [1, null, true] } } });
      expect(user!.contact).toEqual({ email: { address: 'gigi@example.com', isVerified: false }, phone: { number: '+41791234567', isVerified: false } });

      // The phone code answered over gRPC verifies over gRPC.
      await users.verifyContactPhone({ id, verificationCode: patched.phoneCode });
      expect((await users.getUser({ id })).user!.contact!.phone!.isVerified).toBe(true);

      // The same body again: left unchanged, same details, no new code.
      const again = await users.patchUser({ id, user: { data: { name: 'Gigi G.', tags: ['x', 'y'], extra: { nested: { deep: [1, null, true] } } } } });
      expect(again.details!.changed).toEqual((await users.getUser({ id })).user!.details!.changed);
      expect(again.phoneCode).toBeUndefined();
    });

    it('SetContactEmail (returnCode), ResendContactEmailCode and VerifyContactEmail', async () => {
      const id = await newUser();
      const set = await users.setContactEmail({ id, email: { address: 'ada@example.com', returnCode: {} } });
      expect(set.verificationCode).toMatch(CODE);
      const resent = await users.resendContactEmailCode({ id, returnCode: {} });
      expect(resent.verificationCode).toMatch(CODE);
      // The replaced code no longer works (unless the new one happens to be equal).
      if (resent.verificationCode !== set.verificationCode) {
        expect(await grpcFailure((o) => users.verifyContactEmail({ id, verificationCode: set.verificationCode }, o))).toMatchObject({ code: 3, detail: { id: 'CODE-woT0xc' } });
      }
      await users.verifyContactEmail({ id, verificationCode: resent.verificationCode });
      expect((await users.getUser({ id })).user!.contact!.email).toEqual({ address: 'ada@example.com', isVerified: true });

      const sent = await users.resendContactEmailCode({ id, sendCode: {} }).catch((error: Error) => error);
      expect(sent).toMatchObject({ code: 9 }); // nothing pending once verified
    });

    it('SetContactPhone (isVerified, sendCode) and ResendContactPhoneCode (sendCode, returnCode)', async () => {
      const id = await newUser();
      const verified = await users.setContactPhone({ id, phone: { number: '079 000 00 01', isVerified: true } });
      expect(verified.verificationCode).toBeUndefined();
      expect((await users.getUser({ id })).user!.contact!.phone).toEqual({ number: '+41790000001', isVerified: true });

      const sent = await users.setContactPhone({ id, phone: { number: '+41790000002', sendCode: {} } });
      expect(sent.verificationCode).toBeUndefined();
      await users.resendContactPhoneCode({ id, sendCode: {} });
      expect((await outbox(id)).map((row) => [row.channel, row.recipient])).toEqual([
        ['sms', '+41790000002'],
        ['sms', '+41790000002'],
      ]);
      const returned = await users.resendContactPhoneCode({ id, returnCode: {} });
      expect(returned.verificationCode).toMatch(CODE);
      await users.verifyContactPhone({ id, verificationCode: returned.verificationCode! });
      expect((await users.getUser({ id })).user!.contact!.phone).toEqual({ number: '+41790000002', isVerified: true });
    });

    it('DeactivateUser, ActivateUser, LockUser, UnlockUser and DeleteUser move the state', async () => {
      const id = await newUser();
      const state = async () => (await users.getUser({ id })).user!.state;
      await users.deactivateUser({ id });
      expect(await state()).toBe(UserState.USER_STATE_INACTIVE);
      await users.activateUser({ id });
      expect(await state()).toBe(UserState.USER_STATE_ACTIVE);
      await users.lockUser({ id });
      expect(await state()).toBe(UserState.USER_STATE_LOCKED);
      expect(await grpcFailure((o) => users.lockUser({ id }, o))).toMatchObject({ code: 9, detail: { id: 'COMMAND-G4LOrnjY7q' } });
      await users.unlockUser({ id });
      expect(await state()).toBe(UserState.USER_STATE_ACTIVE);
      const deleted = await users.deleteUser({ id, organization: { orgId: 'org-1' } });
      expect(deleted.details!.id).toBe(id);
      expect(await grpcFailure((o) => users.getUser({ id }, o))).toMatchObject({ code: 5, detail: { id: 'COMMAND-syHyCsGmvM' } });
    });

    it('SearchUsers filters, pages and sorts as REST does', async () => {
      const marker = `search-${Date.now()}`;
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const id = await newUser();
        await users.setContactEmail({ id, email: { address: `${i}.${marker}@example.com`, isVerified: true } });
        ids.push(id);
      }
      const filters = [{ emailFilter: { address: marker, method: TextFilterMethod.TEXT_FILTER_METHOD_CONTAINS } }];
      const page = await users.searchUsers({ query: { limit: 2, desc: true }, sortingColumn: FieldName.FIELD_NAME_EMAIL, filters });
      expect(page.result.map((u) => u.details!.id)).toEqual([ids[2], ids[1]]);
      expect(page.details!.totalResult.toString()).toBe('3');
      expect(page.details!.appliedLimit.toString()).toBe('2');

      const rest = await t.request('POST', `${USERS}/_search?query.limit=2&query.desc=true&sortingColumn=FIELD_NAME_EMAIL`, {
        token: ownerToken,
        body: [{ emailFilter: { address: marker, method: 'TEXT_FILTER_METHOD_CONTAINS' } }],
      });
      expect(rest.body.result.map((u: { details: { id: string } }) => u.details.id)).toEqual([ids[2], ids[1]]);
      expect(rest.body.details.totalResult).toBe('3');
    });
  });

  describe('errors: the same code and ErrorDetail id as REST', () => {
    it('unauthenticated: 16 without the authorization metadata or with a foreign token', async () => {
      expect(await grpcFailure((o) => usersClient(t).getUser({ id: '1' }, o))).toMatchObject({ code: 16, detail: { id: 'AUTH-x4hB8' } });
      expect(await grpcFailure((o) => userSchemasClient(t).searchUserSchemas({}, o))).toMatchObject({ code: 16, detail: { id: 'AUTH-x4hB8' } });
      const foreign = await t.issuer.owner({ issuer: 'https://elsewhere.example.com' });
      expect(await grpcFailure((o) => usersClient(t, foreign).searchUsers({}, o))).toMatchObject({ code: 16 });
    });

    it('permission denied: 7 for a viewer writing a user or a schema, and for self-verification (issue 12516)', async () => {
      const id = await newUser();
      const viewer = await t.issuer.token({ sub: 'viewer', roles: { IAM_OWNER_VIEWER: ['instance'] } });
      const before = await snapshot(t);
      expect(await grpcFailure((o) => usersClient(t, viewer).patchUser({ id, user: { data: { name: 'No' } } }, o))).toMatchObject({
        code: 7,
        detail: { id: 'AUTHZ-HKJD33' },
      });
      expect(await grpcFailure((o) => userSchemasClient(t, viewer).createUserSchema({ userSchema: { type: 'x', schema: ANY_OBJECT } }, o))).toMatchObject({
        code: 7,
        message: 'No matching permissions found (AUTH-5mWD2)',
        detail: { id: 'AUTH-5mWD2' },
      });
      const self = usersClient(t, await t.issuer.token({ sub: id, org: 'org-1' }));
      expect(await grpcFailure((o) => self.setContactEmail({ id, email: { address: 'me@example.com', isVerified: true } }, o))).toMatchObject({
        code: 7,
        detail: { id: 'AUTHZ-Self0Ver' },
      });
      expect(await snapshot(t)).toBe(before);
      // The viewer may read, the user itself too.
      expect((await usersClient(t, viewer).getUser({ id })).user!.details!.id).toBe(id);
      expect((await self.getUser({ id })).user!.details!.id).toBe(id);
    });

    it('not found: 5 for unknown users and users of an organization the caller cannot see', async () => {
      const id = await newUser('org-2');
      const orgOwner = usersClient(t, await t.issuer.token({ roles: { ORG_OWNER: ['org-1'] } }));
      for (const call of [(o: object) => orgOwner.getUser({ id }, o), (o: object) => users.deactivateUser({ id: 'no-such-user' }, o)]) {
        expect(await grpcFailure(call)).toMatchObject({ code: 5, detail: { id: 'COMMAND-syHyCsGmvM' } });
      }
      const rest = await t.request('GET', `${USERS}/${id}`, { token: await t.issuer.token({ roles: { ORG_OWNER: ['org-1'] } }) });
      expectZitadelError(rest, 404, 5, 'COMMAND-syHyCsGmvM');
    });

    it('invalid argument (and failed precondition): the same code, id and message as REST', async () => {
      const id = await newUser();
      const cases: Array<[string, (o: object) => Promise<unknown>, () => Promise<ApiResponse>]> = [
        [
          'VALIDATION-SetContactEmailRequest.Email.IsVerified',
          (o) => users.setContactEmail({ id, email: { address: 'a@example.com', isVerified: false } }, o),
          () => t.request('PUT', `${USERS}/${id}/email`, { token: ownerToken, body: { address: 'a@example.com', isVerified: false } }),
        ],
        [
          'VALIDATION-SetContactPhoneRequest.Phone.Number',
          (o) => users.setContactPhone({ id, phone: { number: '' } }, o),
          () => t.request('PUT', `${USERS}/${id}/phone`, { token: ownerToken, body: { number: '' } }),
        ],
        [
          'VALIDATION-CreateUserRequest.User.SchemaId',
          (o) => users.createUser({ user: { schemaId: '1'.repeat(201) } }, o),
          () => t.request('POST', USERS, { token: ownerToken, body: { schemaId: '1'.repeat(201) } }),
        ],
        [
          'PHONE-so0wa',
          (o) => users.setContactPhone({ id, phone: { number: 'not a number' } }, o),
          () => t.request('PUT', `${USERS}/${id}/phone`, { token: ownerToken, body: { number: 'not a number' } }),
        ],
        [
          'COMMAND-SlKXqLSeL6',
          (o) => users.patchUser({ id, user: { data: { age: 'old' } } }, o),
          () => t.request('PATCH', `${USERS}/${id}`, { token: ownerToken, body: { data: { age: 'old' } } }),
        ],
        [
          'QUERY-4M0fs',
          (o) => users.searchUsers({ query: { limit: 1001 } }, o),
          () => t.request('POST', `${USERS}/_search?query.limit=1001`, { token: ownerToken }),
        ],
      ];
      for (const [errorId, grpcCall, restCall] of cases) {
        const rest = await restCall();
        const failure = await grpcFailure(grpcCall);
        expect({ errorId, status: rest.status, code: rest.body.code, id: rest.body.details?.[0]?.id }).toEqual({ errorId, status: 400, code: failure.code, id: errorId });
        expect(failure).toMatchObject({ message: rest.body.message, detail: { id: errorId } });
      }
    });

    it('invalid argument: an empty id, which only gRPC can send, is refused as ZITADEL refuses it', async () => {
      // Where ZITADEL's proto has a length rule on `id`, validation names the field…
      for (const [call, errorId] of [
        [(o: object) => users.getUser({ id: '' }, o), 'VALIDATION-GetUserRequest.Id'],
        [(o: object) => users.deleteUser({ id: '' }, o), 'VALIDATION-DeleteUserRequest.Id'],
        [(o: object) => users.verifyContactEmail({ id: '', verificationCode: 'ABC123' }, o), 'VALIDATION-VerifyContactEmailRequest.Id'],
        [(o: object) => users.resendContactPhoneCode({ id: '' }, o), 'VALIDATION-ResendContactPhoneCodeRequest.Id'],
        [(o: object) => schemas.deleteUserSchema({ id: '' }, o), 'VALIDATION-DeleteUserSchemaRequest.Id'],
        [(o: object) => schemas.getUserSchema({}, o), 'VALIDATION-GetUserSchemaRequest.Id'],
      ] as Array<[(o: object) => Promise<unknown>, string]>) {
        expect(await grpcFailure(call)).toMatchObject({ code: 3, detail: { id: errorId } });
      }
      // …the id REST gives for an id that breaks the same rule.
      expectZitadelError(await t.request('GET', `${USERS}/${'1'.repeat(201)}`, { token: ownerToken }), 400, 3, 'VALIDATION-GetUserRequest.Id');
      // PatchUserRequest.id has no rule in ZITADEL's proto: its command answers COMMAND-gEJR1QOGHb.
      expect(await grpcFailure((o) => users.patchUser({ id: '', user: { data: { name: 'x' } } }, o))).toMatchObject({ code: 3, detail: { id: 'COMMAND-gEJR1QOGHb' } });
      // CreateUser without a user message has no schema id.
      expect(await grpcFailure((o) => users.createUser({}, o))).toMatchObject({ code: 3, detail: { id: 'COMMAND-TFo06JgnF2' } });
    });

    it('unimplemented: 12 for the authenticator RPCs of ZITADELUsers', async () => {
      expect(await grpcFailure((o) => users.addUsername({ id: '1', username: { username: 'gigi' } }, o))).toMatchObject({
        code: 12,
        message: 'zitadel.resources.user.v3alpha.ZITADELUsers/AddUsername is not implemented by this service (GRPC-Unimplemented)',
        detail: { id: 'GRPC-Unimplemented' },
      });
      expect(await grpcFailure((o) => users.startTOTPRegistration({ id: '1' }, o))).toMatchObject({ code: 12 });
    });
  });

  describe('REST and gRPC share one application layer', () => {
    it('a user created over REST reads the same over gRPC, timestamps and Struct included', async () => {
      const { id } = await createUser(t, ownerToken, { schemaId: anySchema, data: DATA, contact: { phone: { number: '+41791112233', isVerified: true } } }, 'org-9');
      const rest = (await t.request('GET', `${USERS}/${id}`, { token: ownerToken })).body.user;
      const { user } = await users.getUser({ id });
      expect(user!.data).toEqual(rest.data);
      expect(user!.details!.created!.toISOString()).toBe(rest.details.created);
      expect(user!.details!.changed!.toISOString()).toBe(rest.details.changed);
      expect(user!.details!.owner).toEqual({ type: OwnerType.OWNER_TYPE_ORG, id: 'org-9' });
      expect(user!.contact!.phone).toEqual({ number: '+41791112233', isVerified: true });
    });

    it('a user created and patched over gRPC reads the same over REST', async () => {
      const created = await users.createUser({
        organization: { orgId: 'org-8' },
        user: { schemaId: anySchema, data: DATA, contact: { email: { address: 'rest@example.com', returnCode: {} } } },
      });
      const id = created.details!.id;
      expect(created.emailCode).toMatch(CODE);
      await users.verifyContactEmail({ id, verificationCode: created.emailCode! });
      const patched = await users.patchUser({ id, user: { data: { ...DATA, name: 'Patched' } } });

      const rest = await t.request('GET', `${USERS}/${id}`, { token: ownerToken });
      expect(rest.body.user).toEqual({
        details: { id, created: created.details!.changed!.toISOString(), changed: patched.details!.changed!.toISOString(), owner: { type: 'OWNER_TYPE_ORG', id: 'org-8' } },
        schema: { id: anySchema, type: 'anything', revision: 1 },
        data: { ...DATA, name: 'Patched' },
        contact: { email: { address: 'rest@example.com', isVerified: true } },
        state: 'USER_STATE_ACTIVE',
      });
      const log = await t.query('SELECT event_type, editor FROM change_log WHERE aggregate_id = ? ORDER BY sequence', [id]);
      expect(log.map((row) => [row.event_type, row.editor])).toEqual([
        ['user.created', 'grpc-admin'],
        ['user.email.verified', 'grpc-admin'],
        ['user.updated', 'grpc-admin'],
      ]);
    });

    it('a schema created over gRPC reads the same over REST', async () => {
      const created = await schemas.createUserSchema({ userSchema: { type: 'from-grpc', schema: PERSON_SCHEMA } });
      const rest = await t.request('GET', `${SCHEMAS}/${created.details!.id}`, { token: ownerToken });
      expect(rest.body.userSchema).toMatchObject({ config: { type: 'from-grpc', schema: PERSON_SCHEMA }, state: 'STATE_ACTIVE', revision: 1 });
      expect(rest.body.userSchema.details.changed).toBe(created.details!.changed!.toISOString());
    });
  });
});
