import { RELAXED_SEND_LIMITS } from './support/notifications';
import { TestApp, expectZitadelError } from './support/test-app';
import { USERS, createSchema, createUser, snapshot, userRow } from './support/users-fixture';

type Actor = 'iamOwner' | 'iamViewer' | 'orgOwner' | 'userManager' | 'ownerViewer' | 'userViewer' | 'otherOrgOwner' | 'self' | 'stranger';
type Outcome = 'ok' | 403 | 404;

const ACTORS: Actor[] = ['iamOwner', 'iamViewer', 'orgOwner', 'userManager', 'ownerViewer', 'userViewer', 'otherOrgOwner', 'self', 'stranger'];

/** The roles of README's "Access tokens and roles", per RPC: who succeeds, who is refused (403) and for whom the user does not exist (404). */
const MATRIX: Record<string, Record<Actor, Outcome>> = {
  GetUser: { iamOwner: 'ok', iamViewer: 'ok', orgOwner: 'ok', userManager: 'ok', ownerViewer: 'ok', userViewer: 'ok', otherOrgOwner: 404, self: 'ok', stranger: 404 },
  PatchUser: { iamOwner: 'ok', iamViewer: 403, orgOwner: 'ok', userManager: 'ok', ownerViewer: 403, userViewer: 403, otherOrgOwner: 404, self: 'ok', stranger: 404 },
  SetContactEmail: { iamOwner: 'ok', iamViewer: 403, orgOwner: 'ok', userManager: 'ok', ownerViewer: 403, userViewer: 403, otherOrgOwner: 404, self: 'ok', stranger: 404 },
  SetContactPhone: { iamOwner: 'ok', iamViewer: 403, orgOwner: 'ok', userManager: 'ok', ownerViewer: 403, userViewer: 403, otherOrgOwner: 404, self: 'ok', stranger: 404 },
  VerifyContactPhone: { iamOwner: 'ok', iamViewer: 403, orgOwner: 'ok', userManager: 'ok', ownerViewer: 403, userViewer: 403, otherOrgOwner: 404, self: 'ok', stranger: 404 },
  ResendContactPhoneCode: { iamOwner: 'ok', iamViewer: 403, orgOwner: 'ok', userManager: 'ok', ownerViewer: 403, userViewer: 403, otherOrgOwner: 404, self: 'ok', stranger: 404 },
  DeactivateUser: { iamOwner: 'ok', iamViewer: 403, orgOwner: 'ok', userManager: 'ok', ownerViewer: 403, userViewer: 403, otherOrgOwner: 404, self: 403, stranger: 404 },
  LockUser: { iamOwner: 'ok', iamViewer: 403, orgOwner: 'ok', userManager: 'ok', ownerViewer: 403, userViewer: 403, otherOrgOwner: 404, self: 403, stranger: 404 },
  DeleteUser: { iamOwner: 'ok', iamViewer: 403, orgOwner: 'ok', userManager: 'ok', ownerViewer: 403, userViewer: 403, otherOrgOwner: 404, self: 'ok', stranger: 404 },
};

describe('Users: who may do what (v3alpha over REST)', () => {
  let t: TestApp;
  let admin: string;
  let schemaId: string;
  const tokens = {} as Record<Exclude<Actor, 'self'>, string>;

  beforeAll(async () => {
    t = await TestApp.start(RELAXED_SEND_LIMITS);
    admin = await t.issuer.owner({ org: 'org-1' });
    schemaId = await createSchema(t, admin);
    tokens.iamOwner = await t.issuer.token({ sub: 'iam-owner', roles: { IAM_OWNER: ['instance'] } });
    tokens.iamViewer = await t.issuer.token({ sub: 'iam-viewer', roles: { IAM_OWNER_VIEWER: ['instance'] } });
    tokens.orgOwner = await t.issuer.token({ sub: 'org-owner', roles: { ORG_OWNER: ['org-1'] } });
    tokens.userManager = await t.issuer.token({ sub: 'user-manager', roles: { ORG_USER_MANAGER: ['org-1'] } });
    tokens.ownerViewer = await t.issuer.token({ sub: 'owner-viewer', roles: { ORG_OWNER_VIEWER: ['org-1'] } });
    tokens.userViewer = await t.issuer.token({ sub: 'user-viewer', roles: { ORG_USER_VIEWER: ['org-1'] } });
    tokens.otherOrgOwner = await t.issuer.token({ sub: 'other-owner', roles: { ORG_OWNER: ['org-2'], ORG_USER_MANAGER: ['org-3'] } });
    tokens.stranger = await t.issuer.token({ sub: 'stranger', org: 'org-1' });
  });
  afterAll(() => t.close());

  /** A user of org-1 with a pending phone code; `self` acts as this user. */
  const target = async () => {
    const { id, body } = await createUser(t, admin, { schemaId, data: { name: 'Gigi' }, contact: { phone: { number: '+41791234567', returnCode: {} } } });
    return { id, phoneCode: body.phoneCode as string };
  };
  const tokenOf = (actor: Actor, id: string) => (actor === 'self' ? t.issuer.token({ sub: id, org: 'org-1' }) : Promise.resolve(tokens[actor]));

  const CALLS: Record<string, (id: string, token: string, phoneCode: string) => ReturnType<TestApp['request']>> = {
    GetUser: (id, token) => t.request('GET', `${USERS}/${id}`, { token }),
    PatchUser: (id, token) => t.request('PATCH', `${USERS}/${id}`, { token, body: { data: { name: 'Changed' } } }),
    SetContactEmail: (id, token) => t.request('PUT', `${USERS}/${id}/email`, { token, body: { address: 'new@example.com', sendCode: {} } }),
    SetContactPhone: (id, token) => t.request('PUT', `${USERS}/${id}/phone`, { token, body: { number: '+41790000000' } }),
    VerifyContactPhone: (id, token, code) => t.request('POST', `${USERS}/${id}/phone/_verify`, { token, body: code }),
    ResendContactPhoneCode: (id, token) => t.request('POST', `${USERS}/${id}/phone/_resend`, { token, body: { sendCode: {} } }),
    DeactivateUser: (id, token) => t.request('POST', `${USERS}/${id}/_deactivate`, { token }),
    LockUser: (id, token) => t.request('POST', `${USERS}/${id}/_lock`, { token }),
    DeleteUser: (id, token) => t.request('DELETE', `${USERS}/${id}`, { token }),
  };

  describe.each(Object.keys(MATRIX))('%s', (rpc) => {
    it.each(ACTORS)('as %s', async (actor) => {
      const { id, phoneCode } = await target();
      const token = await tokenOf(actor, id);
      const expected = MATRIX[rpc][actor];
      const before = await snapshot(t);
      const response = await CALLS[rpc](id, token, phoneCode);
      if (expected === 'ok') {
        expect(response.status).toBe(200);
        return;
      }
      if (expected === 404) expectZitadelError(response, 404, 5, 'COMMAND-syHyCsGmvM');
      else expectZitadelError(response, 403, 7, 'AUTHZ-HKJD33');
      expect(await snapshot(t)).toBe(before);
    });
  });

  describe('CreateUser', () => {
    it.each([
      ['iamOwner', 201],
      ['orgOwner', 201],
      ['userManager', 201],
      ['iamViewer', 403],
      ['ownerViewer', 403],
      ['userViewer', 403],
      ['otherOrgOwner', 403],
      ['stranger', 403],
    ] as Array<[Exclude<Actor, 'self'>, number]>)('in org-1 as %s: %s', async (actor, status) => {
      const before = await snapshot(t);
      const response = await t.request('POST', `${USERS}?organization.orgId=org-1`, { token: tokens[actor], body: { schemaId, data: { name: 'New' } } });
      if (status === 201) {
        expect(response.status).toBe(201);
        expect(response.body.details.owner).toEqual({ type: 'OWNER_TYPE_ORG', id: 'org-1' });
      } else {
        expectZitadelError(response, 403, 7, 'AUTHZ-HKJD33');
        expect(await snapshot(t)).toBe(before);
      }
    });

    // The user itself is a user that exists: a new user's id is the caller's choice and proves nothing.
    it.each([
      ['in another organization', '?organization.orgId=org-2'],
      ['in its own organization (the default)', ''],
    ])('refuses a caller without a role that creates its own user (userId = sub) %s', async (_case, query) => {
      const sub = `self-${Date.now()}-${query.length}`;
      const token = await t.issuer.token({ sub, org: 'org-1' });
      const before = await snapshot(t);
      const response = await t.request('POST', `${USERS}${query}`, { token, body: { schemaId, userId: sub, data: { name: 'Me' }, contact: { email: { address: 'me@example.com', sendCode: {} } } } });
      expectZitadelError(response, 403, 7, 'AUTHZ-HKJD33');
      expect(await snapshot(t)).toBe(before);
      expectZitadelError(await t.request('GET', `${USERS}/${sub}`, { token }), 404, 5, 'COMMAND-syHyCsGmvM');
      const viewer = await t.issuer.token({ sub: 'org-2-viewer', roles: { ORG_USER_VIEWER: ['org-2'] } });
      expect((await t.request('POST', `${USERS}/_search`, { token: viewer, body: [] })).body.details.totalResult).toBe('0');
    });

    it('lets a user-write role create a user whose id is its own sub, validated as an owner writes', async () => {
      const sub = `manager-${Date.now()}`;
      const token = await t.issuer.token({ sub, roles: { ORG_USER_MANAGER: ['org-1'] } });
      const asSelf = await t.request('POST', `${USERS}?organization.orgId=org-1`, { token, body: { schemaId, userId: sub, data: { name: 'Me', badge: 'b' } } });
      expectZitadelError(asSelf, 400, 9, 'COMMAND-SlKXqLSeL6');
      const created = await t.request('POST', `${USERS}?organization.orgId=org-1`, { token, body: { schemaId, userId: sub, data: { name: 'Me', note: 'n' } } });
      expect(created.status).toBe(201);
      expect(created.body.details).toMatchObject({ id: sub, owner: { type: 'OWNER_TYPE_ORG', id: 'org-1' } });
    });
  });

  describe('isVerified and returnCode need user.write: the hole of ZITADEL issue 12516 is closed', () => {
    const selfToken = (id: string) => t.issuer.token({ sub: id, org: 'org-1' });

    it.each([
      ['PatchUser email isVerified', (id: string) => ['PATCH', `${USERS}/${id}`, { contact: { email: { address: 'mine@example.com', isVerified: true } } }]],
      ['PatchUser email returnCode', (id: string) => ['PATCH', `${USERS}/${id}`, { contact: { email: { address: 'mine@example.com', returnCode: {} } } }]],
      ['PatchUser phone isVerified', (id: string) => ['PATCH', `${USERS}/${id}`, { contact: { phone: { number: '+41790000001', isVerified: true } } }]],
      ['PatchUser phone returnCode', (id: string) => ['PATCH', `${USERS}/${id}`, { data: { name: 'x' }, contact: { phone: { number: '+41790000001', returnCode: {} } } }]],
      ['SetContactEmail isVerified', (id: string) => ['PUT', `${USERS}/${id}/email`, { address: 'mine@example.com', isVerified: true }]],
      ['SetContactEmail returnCode', (id: string) => ['PUT', `${USERS}/${id}/email`, { address: 'mine@example.com', returnCode: {} }]],
      ['SetContactPhone isVerified', (id: string) => ['PUT', `${USERS}/${id}/phone`, { number: '+41790000001', isVerified: true }]],
      ['SetContactPhone returnCode', (id: string) => ['PUT', `${USERS}/${id}/phone`, { number: '+41790000001', returnCode: {} }]],
      ['SetContactPhone isVerified with the stored number', (id: string) => ['PUT', `${USERS}/${id}/phone`, { number: '+41791234567', isVerified: true }]],
      ['ResendContactPhoneCode returnCode', (id: string) => ['POST', `${USERS}/${id}/phone/_resend`, { returnCode: {} }]],
    ] as Array<[string, (id: string) => [string, string, unknown]]>)('refuses %s by the user itself with 403 and changes nothing', async (_case, call) => {
      const { id } = await target();
      const [method, path, body] = call(id);
      const before = await snapshot(t);
      const response = await t.request(method, path, { token: await selfToken(id), body });
      expectZitadelError(response, 403, 7, 'AUTHZ-Self0Ver');
      expect(response.body.verificationCode ?? response.body.emailCode ?? response.body.phoneCode).toBeUndefined();
      expect(await snapshot(t)).toBe(before);
      expect((await t.request('GET', `${USERS}/${id}`, { token: admin })).body.user.contact).toEqual({ phone: { number: '+41791234567' } });
    });

    it('refuses them on CreateUser for itself too (creating needs user.write, which a caller without a role lacks)', async () => {
      const sub = `self-create-${Date.now()}`;
      const token = await t.issuer.token({ sub, org: 'org-1' });
      for (const email of [{ address: 'me@example.com', isVerified: true }, { address: 'me@example.com', returnCode: {} }]) {
        const response = await t.request('POST', USERS, { token, body: { schemaId, userId: sub, data: { name: 'Me' }, contact: { email } } });
        expectZitadelError(response, 403, 7, 'AUTHZ-HKJD33');
      }
      expect(await t.query('SELECT id FROM users WHERE id = ?', [sub])).toEqual([]);
    });

    it('lets the user itself change its contact with a code sent, and verify it', async () => {
      const { id, phoneCode } = await target();
      const token = await selfToken(id);
      expect((await t.request('POST', `${USERS}/${id}/phone/_verify`, { token, body: phoneCode })).status).toBe(200);
      const set = await t.request('PUT', `${USERS}/${id}/email`, { token, body: { address: 'mine@example.com', sendCode: {} } });
      expect(set.status).toBe(200);
      expect(set.body.verificationCode).toBeUndefined();
      expect(await t.query('SELECT recipient FROM notification_outbox WHERE user_id = ?', [id])).toEqual([{ recipient: 'mine@example.com' }]);
      expect((await t.request('GET', `${USERS}/${id}`, { token })).body.user.contact).toEqual({
        email: { address: 'mine@example.com' },
        phone: { number: '+41791234567', isVerified: true },
      });
    });

    it('allows them to a user.write role, also when it acts on its own user', async () => {
      const { id } = await target();
      const manager = await t.issuer.token({ sub: 'user-manager', roles: { ORG_USER_MANAGER: ['org-1'] } });
      expect((await t.request('PUT', `${USERS}/${id}/email`, { token: manager, body: { address: 'm@example.com', isVerified: true } })).status).toBe(200);
      const selfAdmin = await t.issuer.token({ sub: id, roles: { ORG_USER_MANAGER: ['org-1'] } });
      const response = await t.request('PUT', `${USERS}/${id}/phone`, { token: selfAdmin, body: { number: '+41790000002', returnCode: {} } });
      expect(response.status).toBe(200);
      expect(response.body.verificationCode).toMatch(/^[A-Z0-9]{6}$/);
    });
  });

  describe("the schema's permission keyword decides which properties each role writes", () => {
    it('the user itself may write `badge` (self: rw) but not `note` (self: r), even unchanged', async () => {
      const { id } = await target();
      const self = await t.issuer.token({ sub: id, org: 'org-1' });
      expect((await t.request('PATCH', `${USERS}/${id}`, { token: self, body: { data: { name: 'Gigi', badge: 'b-1' } } })).status).toBe(200);
      const refused = await t.request('PATCH', `${USERS}/${id}`, { token: self, body: { data: { name: 'Gigi', note: 'hello' } } });
      expectZitadelError(refused, 400, 9, 'COMMAND-SlKXqLSeL6');
      expect(refused.body.message).toContain('/note');

      await t.request('PATCH', `${USERS}/${id}`, { token: admin, body: { data: { name: 'Gigi', note: 'from HR' } } });
      expect((await userRow(t, id)).data).toEqual({ name: 'Gigi', note: 'from HR' });
      expectZitadelError(await t.request('PATCH', `${USERS}/${id}`, { token: self, body: { data: { name: 'Gigi', note: 'from HR' } } }), 400, 9, 'COMMAND-SlKXqLSeL6');
      // Contact changes do not re-validate the data.
      expect((await t.request('PUT', `${USERS}/${id}/email`, { token: self, body: { address: 'g@example.com' } })).status).toBe(200);
    });

    it('the user itself may not move itself to another schema, whose keywords would let it write `note`; an owner may', async () => {
      const open = await createSchema(t, admin, 'open', { type: 'object', properties: { name: { type: 'string' }, note: { type: 'string' } } });
      const { id } = await target();
      const self = await t.issuer.token({ sub: id, org: 'org-1' });
      const before = await snapshot(t);
      const moved = await t.request('PATCH', `${USERS}/${id}`, { token: self, body: { schemaId: open, data: { name: 'Gigi', note: 'by myself' } } });
      expectZitadelError(moved, 403, 7, 'AUTHZ-Self0Sch');
      expectZitadelError(await t.request('PATCH', `${USERS}/${id}`, { token: self, body: { schemaId: open } }), 403, 7, 'AUTHZ-Self0Sch');
      expect(await snapshot(t)).toBe(before);
      // Naming its own schema is no move.
      expect((await t.request('PATCH', `${USERS}/${id}`, { token: self, body: { schemaId, data: { name: 'Gigi', badge: 'b-2' } } })).status).toBe(200);
      expect((await t.request('PATCH', `${USERS}/${id}`, { token: tokens.userManager, body: { schemaId: open, data: { name: 'Gigi', note: 'n' } } })).status).toBe(200);
      expect((await userRow(t, id)).schema_id).toBe(open);
    });

    it('an owner may write `note` (owner: rw) but not `badge` (owner: r)', async () => {
      const { id } = await target();
      expect((await t.request('PATCH', `${USERS}/${id}`, { token: tokens.userManager, body: { data: { name: 'Gigi', note: 'n' } } })).status).toBe(200);
      const refused = await t.request('PATCH', `${USERS}/${id}`, { token: tokens.userManager, body: { data: { name: 'Gigi', badge: 'b' } } });
      expectZitadelError(refused, 400, 9, 'COMMAND-SlKXqLSeL6');
      expect(refused.body.message).toContain('/badge');
      const created = await t.request('POST', `${USERS}?organization.orgId=org-1`, { token: tokens.orgOwner, body: { schemaId, data: { name: 'N', badge: 'b' } } });
      expectZitadelError(created, 400, 9, 'COMMAND-SlKXqLSeL6');
    });
  });

  it('answers 401 without a token and 403 without the API scope', async () => {
    const { id } = await target();
    expectZitadelError(await t.request('GET', `${USERS}/${id}`), 401, 16);
    const noScope = await t.issuer.token({ sub: id, scope: 'openid' });
    expectZitadelError(await t.request('GET', `${USERS}/${id}`, { token: noScope }), 403, 7);
  });
});
