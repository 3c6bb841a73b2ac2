import { RELAXED_SEND_LIMITS } from './support/notifications';
import { TestApp, expectZitadelError } from './support/test-app';
import { RFC3339, json, SCHEMAS, USERS, createSchema, createUser, snapshot, userRow } from './support/users-fixture';

describe('Users (v3alpha over REST)', () => {
  let t: TestApp;
  let owner: string;
  let schemaId: string;

  beforeAll(async () => {
    t = await TestApp.start(RELAXED_SEND_LIMITS);
    owner = await t.issuer.owner({ org: 'org-1' });
    schemaId = await createSchema(t, owner);
  });
  afterAll(() => t.close());

  const newUser = async (extra: Record<string, unknown> = {}, org = 'org-1') => (await createUser(t, owner, { schemaId, data: { name: 'Gigi' }, ...extra }, org)).id;

  describe('CreateUser', () => {
    it('creates the cheat-sheet example: 201, v3alpha details owned by the organization, the email code returned', async () => {
      const response = await t.request('POST', `${USERS}?organization.orgId=org-7`, {
        token: owner,
        body: { schemaId, data: { name: 'Gigi' }, contact: { email: { address: 'gigi@example.com', returnCode: {} } } },
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        details: {
          id: expect.stringMatching(/^\d+$/),
          created: expect.stringMatching(RFC3339),
          changed: expect.stringMatching(RFC3339),
          owner: { type: 'OWNER_TYPE_ORG', id: 'org-7' },
        },
        emailCode: expect.stringMatching(/^[A-Z0-9]{6}$/),
      });
      const row = await userRow(t, response.body.details.id);
      expect(row).toMatchObject({ organization_id: 'org-7', schema_id: schemaId, schema_revision: 1, state: 1, locked: 0, sequence: 1 });
      expect(row).toMatchObject({ email_address: 'gigi@example.com', email_verified: 0, data: { name: 'Gigi' } });
      // returnCode: nothing is sent.
      expect(await t.query('SELECT * FROM notification_outbox WHERE user_id = ?', [response.body.details.id])).toEqual([]);
    });

    it("uses the caller's organization when the request names none, and needs one of them", async () => {
      const { body } = await createUser(t, owner, { schemaId, data: { name: 'A' } }, '');
      expect(body.details.owner).toEqual({ type: 'OWNER_TYPE_ORG', id: 'org-1' });
      const orgless = await t.issuer.owner();
      expectZitadelError(await t.request('POST', USERS, { token: orgless, body: { schemaId, data: { name: 'A' } } }), 400, 3, 'COMMAND-urEJKa1tJM');
    });

    it('takes a chosen user id once; the id stays taken', async () => {
      const id = `chosen-${Date.now()}`;
      const first = await t.request('POST', `${USERS}?organization.orgId=org-1`, { token: owner, body: { schemaId, userId: id, data: { name: 'A' } } });
      expect(first.body.details.id).toBe(id);
      const again = await t.request('POST', `${USERS}?organization.orgId=org-2`, { token: owner, body: { schemaId, userId: id, data: { name: 'B' } } });
      expectZitadelError(again, 400, 9, 'COMMAND-Nn8CRVlkeZ');
      await t.request('DELETE', `${USERS}/${id}`, { token: owner });
      expectZitadelError(await t.request('POST', USERS, { token: owner, body: { schemaId, userId: id, data: { name: 'C' } } }), 400, 9, 'COMMAND-Nn8CRVlkeZ');
    });

    it('accepts an inactive schema but not an unknown or deleted one', async () => {
      const inactive = await createSchema(t, owner, 'inactive');
      await t.request('POST', `${SCHEMAS}/${inactive}/_deactivate`, { token: owner });
      expect((await t.request('POST', USERS, { token: owner, body: { schemaId: inactive, data: { name: 'A' } } })).status).toBe(201);
      const deleted = await createSchema(t, owner, 'deleted');
      await t.request('DELETE', `${SCHEMAS}/${deleted}`, { token: owner });
      for (const id of [deleted, '4242']) {
        expectZitadelError(await t.request('POST', USERS, { token: owner, body: { schemaId: id, data: { name: 'A' } } }), 400, 9, 'COMMAND-N9QOuN4F7o');
      }
    });

    it('validates the data against the schema and names the failing path', async () => {
      const before = await snapshot(t);
      const missing = await t.request('POST', USERS, { token: owner, body: { schemaId, data: { age: 3 } } });
      expectZitadelError(missing, 400, 9, 'COMMAND-SlKXqLSeL6');
      expect(missing.body.message).toContain('/name');
      const wrongType = await t.request('POST', USERS, { token: owner, body: { schemaId, data: { name: 'A', tags: ['x', 3] } } });
      expectZitadelError(wrongType, 400, 9, 'COMMAND-SlKXqLSeL6');
      expect(wrongType.body.message).toContain('/tags/1');
      expectZitadelError(await t.request('POST', USERS, { token: owner, body: { schemaId } }), 400, 9, 'COMMAND-SlKXqLSeL6');
      expect(await snapshot(t)).toBe(before);
    });

    it('refuses data that is not a JSON object with COMMAND-7o3ZGxtXUz, a missing body with COMMAND-TFo06JgnF2', async () => {
      for (const data of [[1], 'text', 42, true]) {
        expectZitadelError(await t.request('POST', USERS, { token: owner, body: { schemaId, data } }), 400, 3, 'COMMAND-7o3ZGxtXUz');
      }
      expectZitadelError(await t.request('POST', USERS, { token: owner }), 400, 3, 'COMMAND-TFo06JgnF2');
    });

    it('creates with a verified email, a phone code to send and snake_case fields', async () => {
      const { id, body } = await createUser(t, owner, {
        schema_id: schemaId,
        data: { name: 'Gigi' },
        contact: { email: { address: 'v@example.com', is_verified: true }, phone: { number: '079 123 45 67', send_code: {} } },
      });
      expect(body.emailCode).toBeUndefined();
      expect(body.phoneCode).toBeUndefined();
      expect(await userRow(t, id)).toMatchObject({ email_verified: 1, phone_number: '+41791234567', phone_verified: 0 });
      const outbox = await t.query('SELECT channel, purpose, recipient FROM notification_outbox WHERE user_id = ?', [id]);
      expect(outbox).toEqual([{ channel: 'sms', purpose: 'verify_phone', recipient: '+41791234567' }]);
    });

    it('answers 501 for authenticators, which are not supported yet, and accepts an empty message', async () => {
      const response = await t.request('POST', USERS, { token: owner, body: { schemaId, data: { name: 'A' }, authenticators: { usernames: [{ username: 'gigi' }] } } });
      expectZitadelError(response, 501, 12);
      expect((await t.request('POST', USERS, { token: owner, body: { schemaId, data: { name: 'A' }, authenticators: {} } })).status).toBe(201);
    });
  });

  describe('PatchUser (the seed)', () => {
    const SEED = {
      data: { name: 'Gigi' },
      contact: { email: { address: 'gigi@example.com', returnCode: {} }, phone: { number: '+41791234567', sendCode: {} } },
    };

    it("answers the seed's 200 shape with the email code, stores the contact and queues the SMS", async () => {
      const id = await newUser({ data: { name: 'Old' } });
      const { created } = (await t.request('GET', `${USERS}/${id}`, { token: owner })).body.user.details;
      const response = await t.request('PATCH', `${USERS}/${id}`, { token: owner, body: SEED });
      expect(response.status).toBe(200);
      // details.created too, the user's creation, as in ZITADEL's documented answer.
      expect(response.body).toEqual({
        details: { id, created: expect.stringMatching(RFC3339), changed: expect.stringMatching(RFC3339), owner: { type: 'OWNER_TYPE_ORG', id: 'org-1' } },
        emailCode: expect.stringMatching(/^[A-Z0-9]{6}$/),
      });
      expect(response.body.details.created).toBe(created);
      expect(await userRow(t, id)).toMatchObject({
        data: { name: 'Gigi' },
        email_address: 'gigi@example.com',
        email_verified: 0,
        phone_number: '+41791234567',
        phone_verified: 0,
        sequence: 2,
      });
      const outbox = await t.query('SELECT channel, purpose, recipient, state FROM notification_outbox WHERE user_id = ?', [id]);
      expect(outbox).toEqual([{ channel: 'sms', purpose: 'verify_phone', recipient: '+41791234567', state: expect.stringMatching(/^(pending|queued)$/) }]);
      const read = await t.request('GET', `${USERS}/${id}`, { token: owner });
      expect(read.body.user).toMatchObject({ data: { name: 'Gigi' }, contact: { email: { address: 'gigi@example.com' }, phone: { number: '+41791234567' } } });
    });

    it('answers the phone code too when returnCode was asked for it', async () => {
      const id = await newUser();
      const response = await t.request('PATCH', `${USERS}/${id}`, {
        token: owner,
        body: { contact: { phone: { number: '+41791234568', returnCode: {} } } },
      });
      expect(response.body).toEqual({ details: expect.objectContaining({ id }), phoneCode: expect.stringMatching(/^[A-Z0-9]{6}$/) });
    });

    it('leaves the user unchanged when the same body comes again: 200, same details, no new code', async () => {
      const id = await newUser();
      const first = await t.request('PATCH', `${USERS}/${id}`, { token: owner, body: SEED });
      const before = await snapshot(t);
      // JSON null is "not set" (protojson), so the null bodies change nothing either.
      const nulls = { schemaId: null, data: null, contact: { email: null, phone: null } };
      for (const body of [SEED, {}, undefined, nulls, { data: { name: 'Gigi' } }, { contact: { email: { address: 'gigi@example.com', isVerified: true } } }]) {
        const again = await t.request('PATCH', `${USERS}/${id}`, { token: owner, body });
        expect(again.status).toBe(200);
        expect(again.body).toEqual({ details: first.body.details });
      }
      expect(await snapshot(t)).toBe(before);
      expect((await userRow(t, id)).sequence).toBe(2);
    });

    it('replaces the whole data object and records one change per patch', async () => {
      const id = await newUser({ data: { name: 'Gigi', age: 3, tags: ['a'] } });
      await t.request('PATCH', `${USERS}/${id}`, { token: owner, body: { data: { name: 'Gigi G.' } } });
      expect(await userRow(t, id)).toMatchObject({ data: { name: 'Gigi G.' }, sequence: 2 });
      const log = await t.query('SELECT event_type, payload, editor FROM change_log WHERE aggregate_id = ? ORDER BY sequence', [id]);
      expect(log.map((entry) => entry.event_type)).toEqual(['user.created', 'user.updated']);
      expect(json(log[1].payload)).toEqual({ data: { name: 'Gigi G.' } });
    });

    it('re-validates the data against a new schema and records its revision', async () => {
      const strict = await createSchema(t, owner, 'strict', { type: 'object', properties: { name: { type: 'string', maxLength: 3 } }, required: ['name'] });
      const id = await newUser({ data: { name: 'Gigi' } });
      const refused = await t.request('PATCH', `${USERS}/${id}`, { token: owner, body: { schemaId: strict } });
      expectZitadelError(refused, 400, 9, 'COMMAND-SlKXqLSeL6');
      expect(refused.body.message).toContain('/name');
      expect((await userRow(t, id)).schema_id).toBe(schemaId);

      await t.request('PATCH', `${SCHEMAS}/${strict}`, { token: owner, body: { schema: { type: 'object', properties: { name: { type: 'string' } } } } });
      const moved = await t.request('PATCH', `${USERS}/${id}`, { token: owner, body: { schemaId: strict } });
      expect(moved.status).toBe(200);
      expect(await userRow(t, id)).toMatchObject({ schema_id: strict, schema_revision: 2, data: { name: 'Gigi' } });
      const read = await t.request('GET', `${USERS}/${id}`, { token: owner });
      expect(read.body.user.schema).toEqual({ id: strict, type: 'strict', revision: 2 });
    });

    it('moves a user to the current revision of its schema when its data is patched', async () => {
      const evolving = await createSchema(t, owner, 'evolving', { type: 'object' });
      const id = (await createUser(t, owner, { schemaId: evolving, data: { a: 1 } })).id;
      await t.request('PATCH', `${SCHEMAS}/${evolving}`, { token: owner, body: { schema: { type: 'object', properties: { a: { type: 'integer' } } } } });
      expect((await userRow(t, id)).schema_revision).toBe(1);
      const response = await t.request('PATCH', `${USERS}/${id}`, { token: owner, body: { data: { a: 1 } } });
      expect(response.status).toBe(200);
      expect(await userRow(t, id)).toMatchObject({ schema_revision: 2, sequence: 2 });
    });

    it('answers 404 COMMAND-syHyCsGmvM for an unknown user and 400 COMMAND-VLDTtxT3If for an unknown schema', async () => {
      expectZitadelError(await t.request('PATCH', `${USERS}/4242`, { token: owner, body: { data: { name: 'x' } } }), 404, 5, 'COMMAND-syHyCsGmvM');
      const id = await newUser();
      expectZitadelError(await t.request('PATCH', `${USERS}/${id}`, { token: owner, body: { schemaId: '4242' } }), 400, 9, 'COMMAND-VLDTtxT3If');
    });

    it('restricts the lookup to ?organization.orgId=', async () => {
      const id = await newUser({}, 'org-2');
      expectZitadelError(await t.request('PATCH', `${USERS}/${id}?organization.orgId=org-1`, { token: owner, body: { data: { name: 'x' } } }), 404, 5, 'COMMAND-syHyCsGmvM');
      expect((await t.request('PATCH', `${USERS}/${id}?organization.orgId=org-2`, { token: owner, body: { data: { name: 'x' } } })).status).toBe(200);
      expect((await t.request('PATCH', `${USERS}/${id}?organization.org_id=org-2`, { token: owner, body: { data: { name: 'y' } } })).status).toBe(200);
    });

    it('applies two concurrent patches of one user one after the other: both succeed, sequence +2', async () => {
      const id = await newUser();
      const [a, b] = await Promise.all([
        t.request('PATCH', `${USERS}/${id}`, { token: owner, body: { data: { name: 'A' }, contact: { email: { address: 'a@example.com', returnCode: {} } } } }),
        t.request('PATCH', `${USERS}/${id}`, { token: owner, body: { data: { name: 'B' }, contact: { phone: { number: '+41791112233', returnCode: {} } } } }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      const row = await userRow(t, id);
      expect(row.sequence).toBe(3);
      expect(row).toMatchObject({ email_address: 'a@example.com', phone_number: '+41791112233' });
      const log = await t.query('SELECT sequence, payload FROM change_log WHERE aggregate_id = ? ORDER BY sequence', [id]);
      expect(log.map((entry) => Number(entry.sequence))).toEqual([1, 2, 3]);
      // The later of the two holds the data.
      expect(row.data.name).toBe(json(log[2].payload).data.name);
    });
  });

  describe('bad input: 400 in ZITADEL\'s shape, nothing changes', () => {
    let id: string;
    beforeAll(async () => {
      id = await newUser({ contact: { email: { address: 'keep@example.com', isVerified: true } } });
    });

    let deep: Record<string, unknown> = { name: 'x' };
    for (let i = 0; i < 70; i++) deep = { extra: deep, name: 'x' };

    it.each<[string, unknown, number, string?]>([
      ['an email address of 201 characters', { contact: { email: { address: `${'a'.repeat(189)}@example.com`, sendCode: {} } } }, 3],
      ['an invalid email address', { contact: { email: { address: 'not an address', sendCode: {} } } }, 3, 'EMAIL-599BI'],
      ['an email address without a domain', { contact: { email: { address: 'gigi@', sendCode: {} } } }, 3, 'EMAIL-599BI'],
      ['a phone number of 21 characters', { contact: { phone: { number: '+4179123456789012345' + '6' } } }, 3],
      ['an invalid phone number', { contact: { phone: { number: 'call me maybe' } } }, 3, 'PHONE-so0wa'],
      ['a too short phone number', { contact: { phone: { number: '+41 1' } } }, 3, 'PHONE-so0wa'],
      ['isVerified: false', { contact: { email: { address: 'x@example.com', isVerified: false } } }, 3],
      ['two verification options', { contact: { email: { address: 'x@example.com', isVerified: true, returnCode: {} } } }, 3],
      ['a non-empty returnCode', { contact: { phone: { number: '+41791234567', returnCode: { now: true } } } }, 3],
      ['a url template of 201 characters', { contact: { email: { address: 'x@example.com', sendCode: { urlTemplate: 'h'.repeat(201) } } } }, 3],
      ['an unknown url template field', { contact: { email: { address: 'x@example.com', sendCode: { urlTemplate: 'https://x/{{.Secret}}' } } } }, 3, 'DOMAIN-ieYa7'],
      ['an unparsable url template', { contact: { email: { address: 'x@example.com', sendCode: { urlTemplate: 'https://x/{{.Code' } } } }, 3, 'DOMAIN-oGh5e'],
      ['an unknown field', { data: { name: 'x' }, nickname: 'G' }, 3],
      ['an unknown contact field', { contact: { fax: { number: '1' } } }, 3],
      ['a schema id of the wrong JSON type', { schemaId: 7 }, 3],
      ['an empty schema id', { schemaId: '' }, 3],
      ['a schema id of 201 characters', { schemaId: '1'.repeat(201) }, 3],
      ['data that is an array', { data: ['x'] }, 3, 'COMMAND-7o3ZGxtXUz'],
      ['data that is a string', { data: '{"name":"x"}' }, 3, 'COMMAND-7o3ZGxtXUz'],
      ['data nested 71 levels deep', { data: deep }, 3, 'USER-DataDepth'],
      ['data of 300 KiB', { data: { name: 'x', extra: { blob: 'x'.repeat(300 * 1024) } } }, 3, 'USER-DataSize'],
      ['contact of the wrong JSON type', { contact: 'gigi@example.com' }, 3],
      ['an email of the wrong JSON type', { contact: { email: { address: ['gigi@example.com'] } } }, 3],
      ['a body that is an array', [{ data: { name: 'x' } }], 3],
      ['a body that is a string', 'x', 3],
      ['the same field twice (snake and camel)', { schemaId: '1', schema_id: '1' }, 3],
    // The default keeps the function's arity at 3, so Jest does not take the 4th parameter for `done`.
    ])('refuses %s', async (_case, body, code, errorId: string | undefined = undefined) => {
      const before = await snapshot(t);
      const response = await t.request('PATCH', `${USERS}/${id}`, { token: owner, body });
      expectZitadelError(response, 400, code, errorId);
      expect(await snapshot(t)).toBe(before);
    });

    it('refuses malformed JSON and a body of another content type', async () => {
      const before = await snapshot(t);
      expectZitadelError(await t.request('PATCH', `${USERS}/${id}`, { token: owner, rawBody: '{"data":', headers: { 'content-type': 'application/json' } }), 400, 3);
      expectZitadelError(await t.request('PATCH', `${USERS}/${id}`, { token: owner, rawBody: 'data=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 400, 3);
      expectZitadelError(await t.request('PATCH', `${USERS}/${id}`, { token: owner, rawBody: `{"data":${'['.repeat(100_000)}`, headers: { 'content-type': 'application/json' } }), 400, 3);
      expectZitadelError(await t.request('PATCH', `${USERS}/${id}`, { token: owner, body: { data: { blob: 'x'.repeat(1_100_000) } } }), 400, 3);
      expect(await snapshot(t)).toBe(before);
    });

    it('refuses a request nested absurdly deep without a stack overflow', async () => {
      // Built as text: JSON.stringify itself would overflow on such values.
      const json = { 'content-type': 'application/json' };
      const filters = `[${'{"notFilter":{"query":'.repeat(5000)}{"stateFilter":{"state":1}}${'}}'.repeat(5000)}]`;
      expectZitadelError(await t.request('POST', `${USERS}/_search`, { token: owner, rawBody: filters, headers: json }), 400, 3, 'GATEWAY-TooDeep');
      const data = `{"data":{"name":"x","extra":${'['.repeat(50_000)}"x"${']'.repeat(50_000)}}}`;
      const before = await snapshot(t);
      expectZitadelError(await t.request('PATCH', `${USERS}/${id}`, { token: owner, rawBody: data, headers: json }), 400, 3, 'GATEWAY-TooDeep');
      expect(await snapshot(t)).toBe(before);
    });

    it('refuses bad query parameters', async () => {
      expectZitadelError(await t.request('PATCH', `${USERS}/${id}?organization.orgId=`, { token: owner, body: {} }), 400, 3);
      expectZitadelError(await t.request('PATCH', `${USERS}/${id}?organization.orgDomain=example.com`, { token: owner, body: {} }), 400, 3);
      expectZitadelError(await t.request('PATCH', `${USERS}/${id}?unknown=1`, { token: owner, body: {} }), 400, 3);
      expectZitadelError(await t.request('PATCH', `${USERS}/${id}?organization.orgId=${'o'.repeat(201)}`, { token: owner, body: {} }), 400, 3);
    });
  });

  describe('GetUser', () => {
    it('returns the read model: details, schema, data, contact and state', async () => {
      const id = await newUser({
        data: { name: 'Gigi', age: 30 },
        contact: { email: { address: 'gigi@example.com', isVerified: true }, phone: { number: '+41791234567', returnCode: {} } },
      });
      const response = await t.request('GET', `${USERS}/${id}`, { token: owner });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        user: {
          details: { id, created: expect.stringMatching(RFC3339), changed: expect.stringMatching(RFC3339), owner: { type: 'OWNER_TYPE_ORG', id: 'org-1' } },
          schema: { id: schemaId, type: 'person', revision: 1 },
          data: { name: 'Gigi', age: 30 },
          contact: { email: { address: 'gigi@example.com', isVerified: true }, phone: { number: '+41791234567' } },
          state: 'USER_STATE_ACTIVE',
        },
      });
    });

    it('leaves out an empty contact and answers 404 for unknown ids', async () => {
      const id = await newUser();
      const response = await t.request('GET', `${USERS}/${id}`, { token: owner });
      expect(response.body.user.contact).toBeUndefined();
      expectZitadelError(await t.request('GET', `${USERS}/4242`, { token: owner }), 404, 5, 'COMMAND-syHyCsGmvM');
    });

    it("still shows a deleted schema's type for its users", async () => {
      const doomed = await createSchema(t, owner, 'doomed', { type: 'object' });
      const id = (await createUser(t, owner, { schemaId: doomed, data: {} })).id;
      await t.request('DELETE', `${SCHEMAS}/${doomed}`, { token: owner });
      expect((await t.request('GET', `${USERS}/${id}`, { token: owner })).body.user.schema).toEqual({ id: doomed, type: 'doomed', revision: 1 });
    });
  });

  describe('Deactivate / Activate / Lock / Unlock', () => {
    const post = (id: string, action: string) => t.request('POST', `${USERS}/${id}/${action}`, { token: owner });
    const stateOf = async (id: string) => (await t.request('GET', `${USERS}/${id}`, { token: owner })).body.user.state;

    it('moves through the state machine; a locked user reads as LOCKED', async () => {
      const id = await newUser();
      const deactivated = await post(id, '_deactivate');
      expect(deactivated.status).toBe(200);
      expect(deactivated.body).toEqual({ details: { id, created: expect.stringMatching(RFC3339), changed: expect.stringMatching(RFC3339), owner: { type: 'OWNER_TYPE_ORG', id: 'org-1' } } });
      expect(await stateOf(id)).toBe('USER_STATE_INACTIVE');
      expect((await post(id, '_activate')).status).toBe(200);
      expect(await stateOf(id)).toBe('USER_STATE_ACTIVE');
      expect((await post(id, '_lock')).status).toBe(200);
      expect(await stateOf(id)).toBe('USER_STATE_LOCKED');
      expect((await post(id, '_deactivate')).status).toBe(200);
      expect(await stateOf(id)).toBe('USER_STATE_LOCKED');
      expect((await post(id, '_unlock')).status).toBe(200);
      expect(await stateOf(id)).toBe('USER_STATE_INACTIVE');
      expect(await userRow(t, id)).toMatchObject({ sequence: 6, state: 2, locked: 0 });
    });

    it('answers 400 code 9 with ZITADEL\'s ids in the wrong state and changes nothing', async () => {
      const id = await newUser();
      const before = await snapshot(t);
      expectZitadelError(await post(id, '_activate'), 400, 9, 'COMMAND-rQjbBr4J3j');
      expectZitadelError(await post(id, '_unlock'), 400, 9, 'COMMAND-gpBv46Lh9m');
      expect(await snapshot(t)).toBe(before);
      await post(id, '_deactivate');
      await post(id, '_lock');
      expectZitadelError(await post(id, '_deactivate'), 400, 9, 'COMMAND-Ob6lR5iFTe');
      expectZitadelError(await post(id, '_lock'), 400, 9, 'COMMAND-G4LOrnjY7q');
    });

    it('answers 404 for unknown users and ignores a body', async () => {
      for (const action of ['_deactivate', '_activate', '_lock', '_unlock']) {
        expectZitadelError(await post('4242', action), 404, 5, 'COMMAND-syHyCsGmvM');
      }
      const id = await newUser();
      expect((await t.request('POST', `${USERS}/${id}/_lock`, { token: owner, body: { anything: true } })).status).toBe(200);
    });
  });

  describe('DeleteUser', () => {
    it('deletes: 200, then 404 everywhere; data and contact are wiped, codes dropped', async () => {
      const id = await newUser({ data: { name: 'Gigi', age: 3 }, contact: { email: { address: 'gone@example.com', returnCode: {} } } });
      const { created } = (await t.request('GET', `${USERS}/${id}`, { token: owner })).body.user.details;
      const response = await t.request('DELETE', `${USERS}/${id}`, { token: owner });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ details: { id, created, changed: expect.stringMatching(RFC3339), owner: { type: 'OWNER_TYPE_ORG', id: 'org-1' } } });
      expect(await userRow(t, id)).toMatchObject({ state: 3, data: {}, email_address: null, phone_number: null });
      expect(await t.query('SELECT * FROM verification_codes WHERE user_id = ?', [id])).toEqual([]);

      const gone = [
        t.request('GET', `${USERS}/${id}`, { token: owner }),
        t.request('DELETE', `${USERS}/${id}`, { token: owner }),
        t.request('PATCH', `${USERS}/${id}`, { token: owner, body: { data: { name: 'x' } } }),
        t.request('POST', `${USERS}/${id}/_deactivate`, { token: owner }),
        t.request('POST', `${USERS}/${id}/_activate`, { token: owner }),
        t.request('POST', `${USERS}/${id}/_lock`, { token: owner }),
        t.request('POST', `${USERS}/${id}/_unlock`, { token: owner }),
        t.request('PUT', `${USERS}/${id}/email`, { token: owner, body: { address: 'x@example.com' } }),
        t.request('POST', `${USERS}/${id}/email/_verify`, { token: owner, body: 'ABC123' }),
        t.request('POST', `${USERS}/${id}/email/_resend`, { token: owner, body: {} }),
        t.request('PUT', `${USERS}/${id}/phone`, { token: owner, body: { number: '+41791234567' } }),
        t.request('POST', `${USERS}/${id}/phone/_verify`, { token: owner, body: 'ABC123' }),
        t.request('POST', `${USERS}/${id}/phone/_resend`, { token: owner, body: {} }),
      ];
      for (const answer of await Promise.all(gone)) expectZitadelError(answer, 404, 5, 'COMMAND-syHyCsGmvM');
      const search = await t.request('POST', `${USERS}/_search`, { token: owner, body: [{ userIdFilter: { id } }] });
      expect(search.body.details.totalResult).toBe('0');
      const log = await t.query('SELECT payload FROM change_log WHERE aggregate_id = ? AND event_type = ?', [id, 'user.deleted']);
      expect(log).toHaveLength(1);
    });
  });

  describe('SearchUsers', () => {
    let ids: string[];
    const tag = `s${Date.now().toString(36)}`;
    const search = (body: unknown, query = '', token = owner) => t.request('POST', `${USERS}/_search${query}`, { token, body });
    const idsOf = (response: { body: { result: Array<{ details: { id: string } }> } }) => response.body.result.map((user) => user.details.id);
    const mine = { organizationIdFilter: { id: `${tag}-`, method: 'TEXT_FILTER_METHOD_STARTS_WITH' } };

    beforeAll(async () => {
      const other = await createSchema(t, owner, `${tag}-type`, { type: 'object' });
      ids = [
        (await createUser(t, owner, { schemaId, data: { name: 'A' }, contact: { email: { address: `anna@${tag}.example.com`, isVerified: true }, phone: { number: '+41791000001', isVerified: true } } }, `${tag}-a`)).id,
        (await createUser(t, owner, { schemaId, data: { name: 'B' }, contact: { email: { address: `Bert@${tag}.example.org`, isVerified: true } } }, `${tag}-a`)).id,
        (await createUser(t, owner, { schemaId: other, data: {}, contact: { phone: { number: '+41791000003', isVerified: true } } }, `${tag}-b`)).id,
      ];
      await t.request('POST', `${USERS}/${ids[1]}/_lock`, { token: owner });
      await t.request('POST', `${USERS}/${ids[2]}/_deactivate`, { token: owner });
    });

    it("filters with ZITADEL's filters and answers GetUser items", async () => {
      const response = await search([mine]);
      expect(response.status).toBe(200);
      expect(response.body.details).toEqual({ appliedLimit: '100', totalResult: '3', timestamp: expect.stringMatching(RFC3339) });
      expect(idsOf(response)).toEqual(ids);
      expect(response.body.result[0]).toEqual((await t.request('GET', `${USERS}/${ids[0]}`, { token: owner })).body.user);

      expect(idsOf(await search([mine, { emailFilter: { address: tag, method: 'TEXT_FILTER_METHOD_CONTAINS' } }]))).toEqual([ids[0], ids[1]]);
      expect(idsOf(await search([mine, { emailFilter: { address: `bert@${tag}.example.org` } }]))).toEqual([]);
      expect(idsOf(await search([mine, { emailFilter: { address: `bert@${tag}.example.org`, method: 'TEXT_FILTER_METHOD_EQUALS_IGNORE_CASE' } }]))).toEqual([ids[1]]);
      expect(idsOf(await search([mine, { emailFilter: { address: 'anna', method: 'TEXT_FILTER_METHOD_STARTS_WITH' } }]))).toEqual([ids[0]]);
      expect(idsOf(await search([mine, { emailFilter: { address: 'ANNA', method: 3 } }]))).toEqual([ids[0]]);
      expect(idsOf(await search([mine, { phoneFilter: { number: '+4179100000', method: 'TEXT_FILTER_METHOD_STARTS_WITH' } }]))).toEqual([ids[0], ids[2]]);
      expect(idsOf(await search([mine, { stateFilter: { state: 'USER_STATE_LOCKED' } }]))).toEqual([ids[1]]);
      expect(idsOf(await search([mine, { stateFilter: { state: 'USER_STATE_INACTIVE' } }]))).toEqual([ids[2]]);
      expect(idsOf(await search([mine, { stateFilter: { state: 1 } }]))).toEqual([ids[0]]);
      expect(idsOf(await search([mine, { schemaIdFilter: { id: schemaId } }]))).toEqual([ids[0], ids[1]]);
      expect(idsOf(await search([mine, { schemaTypeFilter: { type: `${tag}-type` } }]))).toEqual([ids[2]]);
      expect(idsOf(await search([{ userIdFilter: { id: ids[1] } }]))).toEqual([ids[1]]);
      expect(idsOf(await search([{ organizationIdFilter: { id: `${tag}-b` } }]))).toEqual([ids[2]]);
      expect(idsOf(await search([mine, { usernameFilter: { username: 'anna' } }]))).toEqual([]);
      expect(
        idsOf(await search([mine, { orFilter: { queries: [{ userIdFilter: { id: ids[0] } }, { notFilter: { query: { emailFilter: { address: tag, method: 4 } } } }] } }])),
      ).toEqual([ids[0], ids[2]]);
      expect(idsOf(await search([mine, { and_filter: { queries: [{ state_filter: { state: 'USER_STATE_LOCKED' } }] } }]))).toEqual([ids[1]]);
    });

    it('sorts, pages and limits from the query string', async () => {
      const byEmail = await search([mine], '?sortingColumn=FIELD_NAME_EMAIL&query.desc=true');
      // No email sorts as '' (NULL): last when descending.
      expect(idsOf(byEmail)).toEqual([ids[1], ids[0], ids[2]]);
      const page = await search([mine], '?query.offset=1&query.limit=1');
      expect(page.body.details).toMatchObject({ appliedLimit: '1', totalResult: '3' });
      expect(idsOf(page)).toEqual([ids[1]]);
      expect(idsOf(await search([mine], '?sortingColumn=FIELD_NAME_STATE'))).toEqual([ids[0], ids[2], ids[1]]);
      // 'person' sorts before '<tag>-type'; ties by id in the same direction.
      expect(idsOf(await search([mine], '?sortingColumn=FIELD_NAME_SCHEMA_TYPE'))).toEqual(ids);
      expect(idsOf(await search([mine], '?sortingColumn=FIELD_NAME_SCHEMA_TYPE&query.desc=1'))).toEqual([ids[2], ids[1], ids[0]]);
      expect(idsOf(await search([mine], '?sortingColumn=2&query.desc=true'))).toEqual([...ids].reverse());
      expectZitadelError(await search([mine], '?query.limit=1001'), 400, 3, 'QUERY-4M0fs');
      expect((await search([mine], '?query.limit=1000')).body.details.appliedLimit).toBe('1000');
    });

    it('refuses filters nested deeper than 20 levels, empty filters and undefined enum values', async () => {
      let nested: Record<string, unknown> = mine;
      for (let i = 0; i < 20; i++) nested = { notFilter: { query: nested } };
      expectZitadelError(await search([nested]), 400, 3, 'QUERY-Nest20');
      // At most 100 filters in all, nested ones counted: 100 pass, 101 (or 10,000) do not.
      expect((await search([...Array.from({ length: 98 }, () => mine), { andFilter: { queries: [mine] } }])).status).toBe(200);
      expectZitadelError(await search(Array.from({ length: 100 }, () => ({ orFilter: { queries: [mine] } }))), 400, 3, 'QUERY-Filters100');
      expectZitadelError(await search(Array.from({ length: 10_000 }, () => mine)), 400, 3, 'QUERY-Filters100');
      expectZitadelError(await search([{}]), 400, 3);
      expectZitadelError(await search([{ stateFilter: { state: 'USER_STATE_HAPPY' } }]), 400, 3);
      expectZitadelError(await search([{ emailFilter: { address: 'x', method: 9 } }]), 400, 3);
      expectZitadelError(await search({ emailFilter: { address: 'x' } }), 400, 3);
    });

    it('returns only users of organizations where the caller may read, plus itself', async () => {
      const viewerA = await t.issuer.token({ roles: { ORG_USER_VIEWER: [`${tag}-a`] } });
      expect(idsOf(await search([mine], '', viewerA))).toEqual([ids[0], ids[1]]);
      const selfB = await t.issuer.token({ sub: ids[2] });
      expect(idsOf(await search([], '', selfB))).toEqual([ids[2]]);
      const ownerB = await t.issuer.token({ sub: ids[0], roles: { ORG_OWNER: [`${tag}-b`] } });
      expect(idsOf(await search([mine], '', ownerB))).toEqual([ids[0], ids[2]]);
      const stranger = await t.issuer.token({ sub: 'nobody' });
      expect((await search([], '', stranger)).body).toMatchObject({ details: { totalResult: '0' }, result: [] });
    });
  });
});
