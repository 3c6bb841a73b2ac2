import { GrpcCode } from '../../src/common/errors/zitadel-error';
import { UserContactsService } from '../../src/modules/users/user-contacts.service';
import { UserSchemasService } from '../../src/modules/users/user-schemas.service';
import { UsersService } from '../../src/modules/users/users.service';
import { PERSON_SCHEMA } from '../support/users-fixture';
import { expectRefusal } from './expect-error';
import { ServiceContext, caller, instanceOwner } from './service-context';

const TEN_MINUTES = 10 * 60_000;
const DATA_MISMATCH = 'COMMAND-SlKXqLSeL6';

describe.each(['mysql', 'embedded'] as const)('Users, user schemas and contacts on %s (real database, no transport)', (topology) => {
  let s: ServiceContext;
  let schemas: UserSchemasService;
  let users: UsersService;
  let contacts: UserContactsService;
  let schemaId: string;
  const admin = instanceOwner();
  const orgOwner = caller('org-owner', { ORG_OWNER: ['org-1'] });

  beforeAll(async () => {
    s = await ServiceContext.start({}, topology);
    schemas = s.get(UserSchemasService);
    users = s.get(UsersService);
    contacts = s.get(UserContactsService);
    schemaId = (await schemas.create(admin, { userSchema: { type: 'person', schema: PERSON_SCHEMA } })).details.id;
  });
  afterAll(() => s.close());

  const newUser = async (data: Record<string, unknown> = { name: 'Gigi' }) =>
    (await users.create(orgOwner, { organization: { orgId: 'org-1' }, user: { schemaId, data } })).details.id;
  const changeRows = async (aggregateId: string) => (await s.query('SELECT * FROM change_log WHERE aggregate_id = ?', [aggregateId])).length;
  const revisionOf = async (id: string) => (await schemas.get(admin, { id })).userSchema.revision;
  const wrong = (code: string) => [...code].map((c) => (c === 'A' ? 'B' : 'A')).join('');

  describe('UserSchemasService', () => {
    it('a new revision only when the document differs (key order does not count); type-only changes keep it', async () => {
      const id = (await schemas.create(admin, { userSchema: { type: 'rev', schema: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } } } } })).details.id;
      expect(await revisionOf(id)).toBe(1);
      const rows = await changeRows(id);
      await schemas.patch(admin, { id, userSchema: { schema: { properties: { b: { type: 'integer' }, a: { type: 'string' } }, type: 'object' } } });
      expect({ revision: await revisionOf(id), rows: await changeRows(id) }).toEqual({ revision: 1, rows });
      await schemas.patch(admin, { id, userSchema: { type: 'renamed' } });
      expect({ revision: await revisionOf(id), rows: await changeRows(id) }).toEqual({ revision: 1, rows: rows + 1 });
      await schemas.patch(admin, { id, userSchema: { schema: { type: 'object', properties: { a: { type: 'string' } } } } });
      expect({ revision: await revisionOf(id), rows: await changeRows(id) }).toEqual({ revision: 2, rows: rows + 2 });
    });

    it('an inactive schema cannot be patched or deactivated again; a deleted one is gone for users too', async () => {
      const id = (await schemas.create(admin, { userSchema: { type: 'short-lived', schema: { type: 'object' } } })).details.id;
      await schemas.deactivate(admin, { id });
      await expectRefusal(schemas.patch(admin, { id, userSchema: { type: 'x' } }), GrpcCode.FAILED_PRECONDITION, 'COMMA-HB3e1');
      await expectRefusal(schemas.deactivate(admin, { id }), GrpcCode.FAILED_PRECONDITION, 'COMMA-E4t4z');
      await schemas.reactivate(admin, { id });
      await schemas.delete(admin, { id });
      await expectRefusal(schemas.delete(admin, { id }), GrpcCode.FAILED_PRECONDITION, 'COMMA-Grg41');
      await expectRefusal(
        users.create(orgOwner, { organization: { orgId: 'org-1' }, user: { schemaId: id, data: {} } }),
        GrpcCode.FAILED_PRECONDITION,
        'COMMAND-N9QOuN4F7o',
      );
    });

    it('refuses a document that is not a valid schema, storing nothing', async () => {
      const before = (await s.query('SELECT id FROM user_schemas')).length;
      await expectRefusal(schemas.create(admin, { userSchema: { type: 'broken', schema: { type: 'no-such-type' } } }), GrpcCode.INVALID_ARGUMENT);
      expect((await s.query('SELECT id FROM user_schemas')).length).toBe(before);
    });
  });

  describe('UsersService.patch', () => {
    it('writes nothing when nothing differs, and one change when the data does', async () => {
      const id = await newUser({ name: 'Gigi', tags: ['a'] });
      const rows = await changeRows(id);
      await users.patch(orgOwner, { id, user: { data: { tags: ['a'], name: 'Gigi' } } });
      expect(await changeRows(id)).toBe(rows);
      await users.patch(orgOwner, { id, user: { data: { name: 'Gigi', tags: ['b'] } } });
      expect(await changeRows(id)).toBe(rows + 1);
    });

    it('validates the data against the schema for the caller\'s role: owner-only fields refuse the user itself', async () => {
      const id = await newUser();
      const self = caller(id);
      const refused = await expectRefusal(users.patch(self, { id, user: { data: { name: 'Gigi', note: 'mine' } } }), GrpcCode.FAILED_PRECONDITION, DATA_MISMATCH);
      expect(refused.text).toContain('/note');
      await users.patch(self, { id, user: { data: { name: 'Gigi', badge: 'mine' } } });
      await expectRefusal(users.patch(orgOwner, { id, user: { data: { name: 'Gigi', badge: 'owner' } } }), GrpcCode.FAILED_PRECONDITION, DATA_MISMATCH);
      await expectRefusal(users.patch(orgOwner, { id, user: { data: { age: -1, name: 'Gigi' } } }), GrpcCode.FAILED_PRECONDITION, DATA_MISMATCH);
      expect((await users.get(orgOwner, { id })).user.data).toEqual({ name: 'Gigi', badge: 'mine' });
    });

    it('user access: unreadable is not found, readable but not writable is denied, another org is not found', async () => {
      const id = await newUser();
      const viewer = caller('viewer', { ORG_USER_VIEWER: ['org-1'] });
      const elsewhere = caller('other-owner', { ORG_OWNER: ['org-2'] });
      await expectRefusal(users.patch(elsewhere, { id, user: { data: { name: 'X' } } }), GrpcCode.NOT_FOUND, 'COMMAND-syHyCsGmvM');
      await expectRefusal(users.patch(viewer, { id, user: { data: { name: 'X' } } }), GrpcCode.PERMISSION_DENIED, 'AUTHZ-HKJD33');
      await expectRefusal(users.create(viewer, { organization: { orgId: 'org-1' }, user: { schemaId, data: { name: 'X' } } }), GrpcCode.PERMISSION_DENIED, 'AUTHZ-HKJD33');
      await expectRefusal(users.lock(caller(id), { id }), GrpcCode.PERMISSION_DENIED, 'AUTHZ-HKJD33');
      await expectRefusal(
        contacts.setEmail(caller(id), { id, email: { address: 'self@example.com', isVerified: true } }),
        GrpcCode.PERMISSION_DENIED,
        'AUTHZ-Self0Ver',
      );
      expect((await users.get(viewer, { id })).user.details.id).toBe(id);
    });
  });

  describe('UserContactsService codes', () => {
    const setEmailReturningCode = async (id: string, address = `${id}@example.com`) =>
      (await contacts.setEmail(orgOwner, { id, email: { address, returnCode: {} } })).verificationCode!;

    it('five wrong codes are counted and committed; then even the right code is refused until a new one', async () => {
      const id = await newUser();
      const code = await setEmailReturningCode(id);
      for (let attempt = 1; attempt <= 5; attempt++) {
        await expectRefusal(contacts.verifyEmail(orgOwner, { id, verificationCode: wrong(code) }), GrpcCode.INVALID_ARGUMENT, 'CODE-woT0xc');
      }
      const [row] = await s.query('SELECT failed_attempts FROM verification_codes WHERE user_id = ?', [id]);
      expect(Number(row.failed_attempts)).toBe(5);
      await expectRefusal(contacts.verifyEmail(orgOwner, { id, verificationCode: code }), GrpcCode.INVALID_ARGUMENT, 'CODE-woT0xcMax');
      const fresh = (await contacts.resendEmailCode(orgOwner, { id, returnCode: {} })).verificationCode!;
      await contacts.verifyEmail(orgOwner, { id, verificationCode: fresh });
      expect((await users.get(orgOwner, { id })).user.contact).toEqual({ email: { address: `${id}@example.com`, isVerified: true } });
    });

    it('a code expires after ten minutes on the injected clock', async () => {
      const id = await newUser();
      const code = await setEmailReturningCode(id);
      s.clock.advance(TEN_MINUTES);
      await expectRefusal(contacts.verifyEmail(orgOwner, { id, verificationCode: code }), GrpcCode.FAILED_PRECONDITION, 'CODE-QvUQ4P');
      const again = (await contacts.resendEmailCode(orgOwner, { id, returnCode: {} })).verificationCode!;
      // A minute short of the new code's expiry (the injected clock also moves with real time).
      s.clock.advance(TEN_MINUTES - 60_000);
      await contacts.verifyEmail(orgOwner, { id, verificationCode: again });
    });

    it('a used code cannot be replayed, and a new address voids the pending code', async () => {
      const id = await newUser();
      const code = await setEmailReturningCode(id);
      await contacts.verifyEmail(orgOwner, { id, verificationCode: code });
      const sequenceAfterVerify = await changeRows(id);
      // Nothing pending any more: no change, and the user stays verified.
      await contacts.verifyEmail(orgOwner, { id, verificationCode: code });
      expect(await changeRows(id)).toBe(sequenceAfterVerify);

      const pending = await setEmailReturningCode(id, `new-${id}@example.com`);
      await setEmailReturningCode(id, `newer-${id}@example.com`);
      await expectRefusal(contacts.verifyEmail(orgOwner, { id, verificationCode: pending }), GrpcCode.INVALID_ARGUMENT, 'CODE-woT0xc');
    });

    it('stores only a hash of the code', async () => {
      const id = await newUser();
      const code = await setEmailReturningCode(id);
      expect(JSON.stringify(await s.query('SELECT * FROM verification_codes WHERE user_id = ?', [id]))).not.toContain(code);
      expect(JSON.stringify(await s.query('SELECT * FROM change_log WHERE aggregate_id = ?', [id]))).not.toContain(code);
    });
  });
});
