import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Client, Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-web';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb';
import { OwnerType } from '@zitadel/proto/zitadel/object/v3alpha/object_pb';
import { TextFilterMethod } from '@zitadel/proto/zitadel/resources/object/v3alpha/object_pb';
import { State as UserState } from '@zitadel/proto/zitadel/resources/user/v3alpha/user_pb';
import { ZITADELUsers } from '@zitadel/proto/zitadel/resources/user/v3alpha/user_service_pb';
import { State as SchemaState } from '@zitadel/proto/zitadel/resources/userschema/v3alpha/user_schema_pb';
import { ZITADELUserSchemas } from '@zitadel/proto/zitadel/resources/userschema/v3alpha/user_schema_service_pb';
import { usersClient } from './support/grpc-clients';
import { RELAXED_SEND_LIMITS } from './support/notifications';
import { TestApp, expectZitadelError } from './support/test-app';
import { PERSON_SCHEMA, SCHEMAS, USERS, createSchema, createUser, snapshot, userRow } from './support/users-fixture';
import { STRUCT_SAMPLE } from './support/struct-sample';

const DATA = STRUCT_SAMPLE;
const CODE = /^[A-Z0-9]{6}$/;

/** What a connect-web client sees of a failed call: code, grpc-message and the ErrorDetail id. */
async function webFailure(call: Promise<unknown>): Promise<{ code: Code; message: string; id?: string }> {
  try {
    await call;
  } catch (error) {
    const connectError = ConnectError.from(error);
    return { code: connectError.code, message: connectError.rawMessage, id: connectError.findDetails(ErrorDetailSchema)[0]?.id };
  }
  throw new Error('the call succeeded; a failure was expected');
}

describe('Users and user schemas over gRPC-web (connect-web with @zitadel/proto)', () => {
  let t: TestApp;
  let ownerToken: string;
  let users: Client<typeof ZITADELUsers>;
  let schemas: Client<typeof ZITADELUserSchemas>;
  let personSchema: string;
  let anySchema: string;
  const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  let owner: ReturnType<typeof as>;

  beforeAll(async () => {
    t = await TestApp.start(RELAXED_SEND_LIMITS);
    ownerToken = await t.issuer.owner({ sub: 'web-admin', org: 'org-1' });
    owner = as(ownerToken);
    const transport = createGrpcWebTransport({ baseUrl: t.url });
    users = createClient(ZITADELUsers, transport);
    schemas = createClient(ZITADELUserSchemas, transport);
    personSchema = await createSchema(t, ownerToken);
    anySchema = await createSchema(t, ownerToken, 'anything', { type: 'object' });
  });
  afterAll(() => t.close());

  const newUser = async () =>
    (await users.createUser({ organization: { property: { case: 'orgId', value: 'org-1' } }, user: { schemaId: personSchema, data: { name: 'Gigi' } } }, owner)).details!.id;

  it('serves every ZITADELUserSchemas RPC', async () => {
    const created = await schemas.createUserSchema({ userSchema: { type: 'web', dataType: { case: 'schema', value: PERSON_SCHEMA } } }, owner);
    const id = created.details!.id;
    expect(created.details!.owner).toMatchObject({ type: OwnerType.INSTANCE });

    const read = await schemas.getUserSchema({ id }, owner);
    expect(read.userSchema).toMatchObject({ config: { type: 'web', dataType: { case: 'schema', value: PERSON_SCHEMA } }, state: SchemaState.ACTIVE, revision: 1 });
    await schemas.patchUserSchema({ id, userSchema: { type: 'web-2' } }, owner);
    const found = await schemas.searchUserSchemas({ filters: [{ Filter: { case: 'idFilter', value: { id } } }] }, owner);
    expect(found.result.map((s) => [s.details!.id, s.config!.type, s.revision])).toEqual([[id, 'web-2', 1]]);
    expect(found.details!.totalResult).toBe(1n);

    await schemas.deactivateUserSchema({ id }, owner);
    expect((await schemas.getUserSchema({ id }, owner)).userSchema!.state).toBe(SchemaState.INACTIVE);
    await schemas.reactivateUserSchema({ id }, owner);
    await schemas.deleteUserSchema({ id }, owner);
    expect(await webFailure(schemas.getUserSchema({ id }, owner))).toMatchObject({ code: Code.NotFound, id: 'QUERY-SAF3t' });
  });

  it('CreateUser and GetUser keep a Struct exactly', async () => {
    const created = await users.createUser({ organization: { property: { case: 'orgId', value: 'org-7' } }, user: { schemaId: anySchema, data: DATA } }, owner);
    expect(created.details!.owner).toMatchObject({ type: OwnerType.ORG, id: 'org-7' });
    expect((await userRow(t, created.details!.id)).data).toEqual(DATA);
    const { user } = await users.getUser({ id: created.details!.id }, owner);
    expect(user!.data).toEqual(DATA);
    expect(user!.state).toBe(UserState.USER_STATE_ACTIVE);
  });

  it('PatchUser, the seed call: the phone code comes back with returnCode, the mail is queued with sendCode', async () => {
    const id = await newUser();
    const patched = await users.patchUser(
      {
        id,
        user: {
          data: { name: 'Gigi G.', extra: { list: [1, 'two', null, false] } },
          contact: {
            email: { address: 'gigi@example.com', verification: { case: 'sendCode', value: {} } },
            phone: { number: '+41791234567', verification: { case: 'returnCode', value: {} } },
          },
        },
      },
      owner,
    );
    expect(patched.phoneCode).toMatch(CODE);
    expect(patched.emailCode).toBeUndefined();
    // details.created on a change: the user's creation, as in ZITADEL's documented answer.
    expect(patched.details!.created).toBeDefined();
    expect(patched.details!.created).toEqual((await users.getUser({ id }, owner)).user!.details!.created);
    expect(await t.query('SELECT channel, recipient FROM notification_outbox WHERE user_id = ?', [id])).toEqual([{ channel: 'email', recipient: 'gigi@example.com' }]);
    const { user } = await users.getUser({ id }, owner);
    expect(user!.data).toEqual({ name: 'Gigi G.', extra: { list: [1, 'two', null, false] } });

    await users.verifyContactPhone({ id, verificationCode: patched.phoneCode! }, owner);
    expect((await users.getUser({ id }, owner)).user!.contact!.phone).toMatchObject({ number: '+41791234567', isVerified: true });
  });

  it('serves the contact RPCs', async () => {
    const id = await newUser();
    const email = await users.setContactEmail({ id, email: { address: 'ada@example.com', verification: { case: 'returnCode', value: {} } } }, owner);
    expect(email.verificationCode).toMatch(CODE);
    const resentEmail = await users.resendContactEmailCode({ id, verification: { case: 'returnCode', value: {} } }, owner);
    await users.verifyContactEmail({ id, verificationCode: resentEmail.verificationCode! }, owner);

    await users.setContactPhone({ id, phone: { number: '+41790000003', verification: { case: 'sendCode', value: {} } } }, owner);
    const resentPhone = await users.resendContactPhoneCode({ id, verification: { case: 'returnCode', value: {} } }, owner);
    await users.verifyContactPhone({ id, verificationCode: resentPhone.verificationCode! }, owner);

    expect((await users.getUser({ id }, owner)).user!.contact).toMatchObject({
      email: { address: 'ada@example.com', isVerified: true },
      phone: { number: '+41790000003', isVerified: true },
    });
    await users.setContactPhone({ id, phone: { number: '+41790000004', verification: { case: 'isVerified', value: true } } }, owner);
    expect((await users.getUser({ id }, owner)).user!.contact!.phone).toMatchObject({ number: '+41790000004', isVerified: true });
  });

  it('serves the state RPCs and SearchUsers', async () => {
    const id = await newUser();
    const marker = `web-${Date.now()}`;
    await users.setContactEmail({ id, email: { address: `${marker}@example.com`, verification: { case: 'isVerified', value: true } } }, owner);
    await users.deactivateUser({ id }, owner);
    await users.activateUser({ id }, owner);
    await users.lockUser({ id }, owner);
    expect((await users.getUser({ id }, owner)).user!.state).toBe(UserState.USER_STATE_LOCKED);
    await users.unlockUser({ id }, owner);

    const search = await users.searchUsers(
      { filters: [{ Filter: { case: 'emailFilter', value: { address: marker, method: TextFilterMethod.CONTAINS } } }] },
      owner,
    );
    expect(search.result.map((u) => [u.details!.id, u.state])).toEqual([[id, UserState.USER_STATE_ACTIVE]]);
    expect(search.details).toMatchObject({ totalResult: 1n, appliedLimit: 100n });

    await users.deleteUser({ id }, owner);
    expect(await webFailure(users.getUser({ id }, owner))).toMatchObject({ code: Code.NotFound, id: 'COMMAND-syHyCsGmvM' });
  });

  describe('errors carry ZITADEL\'s code, message and ErrorDetail', () => {
    it('16 without a token, 7 without the permission, 5 for an unknown user', async () => {
      expect(await webFailure(users.getUser({ id: '1' }))).toEqual({ code: Code.Unauthenticated, message: 'auth header missing (AUTH-x4hB8)', id: 'AUTH-x4hB8' });
      const viewer = as(await t.issuer.token({ roles: { IAM_OWNER_VIEWER: ['instance'] } }));
      const id = await newUser();
      const before = await snapshot(t);
      expect(await webFailure(users.lockUser({ id }, viewer))).toMatchObject({ code: Code.PermissionDenied, id: 'AUTHZ-HKJD33' });
      expect(await webFailure(schemas.deleteUserSchema({ id: personSchema }, viewer))).toMatchObject({ code: Code.PermissionDenied, id: 'AUTH-5mWD2' });
      expect(await snapshot(t)).toBe(before);
      expect(await webFailure(users.patchUser({ id: 'no-such-user', user: {} }, owner))).toMatchObject({ code: Code.NotFound, id: 'COMMAND-syHyCsGmvM' });
    });

    it('3 with the same id and message as REST; an empty id as ZITADEL refuses it', async () => {
      const id = await newUser();
      const failure = await webFailure(users.setContactEmail({ id, email: { address: 'a@example.com', verification: { case: 'isVerified', value: false } } }, owner));
      const rest = await t.request('PUT', `${USERS}/${id}/email`, { token: ownerToken, body: { address: 'a@example.com', isVerified: false } });
      expectZitadelError(rest, 400, 3, 'VALIDATION-SetContactEmailRequest.Email.IsVerified');
      expect(failure).toEqual({ code: Code.InvalidArgument, message: rest.body.message, id: 'VALIDATION-SetContactEmailRequest.Email.IsVerified' });

      expect(await webFailure(users.verifyContactPhone({ id, verificationCode: '' }, owner))).toMatchObject({
        code: Code.InvalidArgument,
        id: 'VALIDATION-VerifyContactPhoneRequest.VerificationCode',
      });
      expect(await webFailure(users.unlockUser({ id: '' }, owner))).toMatchObject({ code: Code.InvalidArgument, id: 'VALIDATION-UnlockUserRequest.Id' });
      expect(await webFailure(users.patchUser({ id: '' }, owner))).toMatchObject({ code: Code.InvalidArgument, id: 'COMMAND-gEJR1QOGHb' });
      expect(await webFailure(schemas.patchUserSchema({ id: '' }, owner))).toMatchObject({ code: Code.InvalidArgument, id: 'VALIDATION-PatchUserSchemaRequest.Id' });
    });

    it('12 for the RPCs without a handler', async () => {
      expect(await webFailure(users.setPassword({ id: '1' }, owner))).toEqual({
        code: Code.Unimplemented,
        message: 'zitadel.resources.user.v3alpha.ZITADELUsers/SetPassword is not implemented by this service (GRPC-Unimplemented)',
        id: 'GRPC-Unimplemented',
      });
    });
  });

  it('shares its data with native gRPC and REST', async () => {
    const { id } = await createUser(t, ownerToken, { schemaId: anySchema, data: DATA }, 'org-5');
    await usersClient(t, ownerToken).patchUser({ id, user: { data: { ...DATA, name: 'native' } } });
    const { user } = await users.getUser({ id }, owner);
    const rest = (await t.request('GET', `${USERS}/${id}`, { token: ownerToken })).body.user;
    expect(user!.data).toEqual({ ...DATA, name: 'native' });
    expect(rest.data).toEqual(user!.data);
    expect(timestampDate(user!.details!.changed!).toISOString()).toBe(rest.details.changed);
    expect(timestampDate(user!.details!.created!).toISOString()).toBe(rest.details.created);

    const schema = await schemas.createUserSchema({ userSchema: { type: 'web-shared', dataType: { case: 'schema', value: DATA_SCHEMA } } }, owner);
    const restSchema = await t.request('GET', `${SCHEMAS}/${schema.details!.id}`, { token: ownerToken });
    expect(restSchema.body.userSchema.config).toEqual({ type: 'web-shared', schema: DATA_SCHEMA });
  });
});

/** A JSON Schema with every kind of JSON value in it (enum/const/defaults). */
const DATA_SCHEMA = {
  type: 'object',
  properties: { level: { type: 'integer', minimum: 0, maximum: 10, default: 3 }, flag: { const: true }, pick: { enum: ['a', 1, null, false] } },
  required: [],
  additionalProperties: true,
};
