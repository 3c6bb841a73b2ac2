import { TestApp, expectZitadelError } from './support/test-app';
import { dbDate } from './support/users-fixture';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6}|\.\d{9})?Z$/;
const PATH = '/resources/v3alpha/user_schemas';

/** The example body of ZITADEL's CreateUserSchema documentation. */
const EMPLOYEES = {
  type: 'employees',
  schema: {
    $schema: 'urn:zitadel:schema:v1',
    type: 'object',
    properties: {
      name: { type: 'string' },
      note: { type: 'string', 'urn:zitadel:schema:permission': { owner: 'rw', self: 'r' } },
    },
    required: ['name'],
  },
  possibleAuthenticators: ['AUTHENTICATOR_TYPE_USERNAME', 'AUTHENTICATOR_TYPE_PASSWORD'],
};

describe('User schemas (v3alpha over REST)', () => {
  let t: TestApp;
  let owner: string;
  let viewer: string;
  let orgOwner: string;
  let instanceId: string;

  beforeAll(async () => {
    t = await TestApp.start();
    owner = await t.issuer.owner();
    viewer = await t.issuer.token({ roles: { IAM_OWNER_VIEWER: ['instance'] } });
    orgOwner = await t.issuer.token({ roles: { ORG_OWNER: ['org-1'] } });
    [{ id: instanceId }] = await t.query('SELECT id FROM instance');
  });
  afterAll(() => t.close());

  const create = async (body: Record<string, unknown> = EMPLOYEES): Promise<string> => {
    const response = await t.request('POST', PATH, { token: owner, body });
    expect(response.status).toBe(201);
    return response.body.details.id;
  };
  const row = async (id: string) => (await t.query('SELECT * FROM user_schemas WHERE id = ?', [id]))[0];
  const schemaCount = async () => Number((await t.query('SELECT COUNT(*) AS n FROM user_schemas'))[0].n);

  describe('CreateUserSchema', () => {
    it('creates the example schema: 201, v3alpha details owned by the instance, revision 1, active', async () => {
      const response = await t.request('POST', PATH, { token: owner, body: EMPLOYEES });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        details: {
          id: expect.stringMatching(/^\d+$/),
          created: expect.stringMatching(RFC3339),
          changed: expect.stringMatching(RFC3339),
          owner: { type: 'OWNER_TYPE_INSTANCE', id: instanceId },
        },
      });
      const stored = await row(response.body.details.id);
      expect({ state: stored.state, revision: stored.revision, sequence: Number(stored.sequence), type: stored.type }).toEqual({
        state: 1,
        revision: 1,
        sequence: 1,
        type: 'employees',
      });
      const [log] = await t.query('SELECT * FROM change_log WHERE aggregate_id = ?', [response.body.details.id]);
      expect({ type: log.aggregate_type, event: log.event_type, owner: log.resource_owner, editor: log.editor }).toEqual({
        type: 'user_schema',
        event: 'user_schema.created',
        owner: instanceId,
        editor: 'admin-user',
      });
    });

    it('accepts snake_case field names and enum numbers, as protojson does', async () => {
      const id = await create({ type: 'numbers', schema: { type: 'object' }, possible_authenticators: [1, 'AUTHENTICATOR_TYPE_TOTP'] });
      const read = await t.request('GET', `${PATH}/${id}`, { token: owner });
      expect(read.body.userSchema.config.possibleAuthenticators).toEqual(['AUTHENTICATOR_TYPE_USERNAME', 'AUTHENTICATOR_TYPE_TOTP']);
    });

    it.each([
      ['"required": true inside a property (ZITADEL\'s invalid example)', { type: 'object', properties: { name: { type: 'string', required: true } } }],
      ['a permission keyword that is not an object', { type: 'object', properties: { a: { type: 'string', 'urn:zitadel:schema:permission': 'rw' } } }],
      ['a permission with letters other than r and w', { type: 'object', properties: { a: { 'urn:zitadel:schema:permission': { self: 'rwx' } } } }],
      ['an unknown keyword', { type: 'object', propertys: {} }],
      ['an unknown type name', { type: 'objekt' }],
      ['a remote reference', { $ref: 'https://example.com/schema.json' }],
    ])('refuses %s with 400 COMMA-W21tg and stores nothing', async (_case, schema) => {
      const before = await schemaCount();
      const response = await t.request('POST', PATH, { token: owner, body: { type: 'bad', schema } });
      expectZitadelError(response, 400, 3, 'COMMA-W21tg');
      expect(response.body.message).toMatch(/not a valid JSON Schema/);
      expect(await schemaCount()).toBe(before);
    });

    it.each([
      ['a missing type', { schema: { type: 'object' } }],
      ['an empty type', { type: '', schema: { type: 'object' } }],
      ['a type of 201 runes', { type: 'é'.repeat(201), schema: { type: 'object' } }],
      ['a type of the wrong JSON type', { type: 7, schema: { type: 'object' } }],
      ['a missing schema', { type: 'x' }],
      ['a schema that is an array', { type: 'x', schema: [] }],
      ['a schema that is a string', { type: 'x', schema: '{"type":"object"}' }],
      ['the UNSPECIFIED authenticator', { type: 'x', schema: {}, possibleAuthenticators: ['AUTHENTICATOR_TYPE_UNSPECIFIED'] }],
      ['an undefined authenticator', { type: 'x', schema: {}, possibleAuthenticators: ['AUTHENTICATOR_TYPE_MAGIC'] }],
      ['a repeated authenticator', { type: 'x', schema: {}, possibleAuthenticators: [1, 'AUTHENTICATOR_TYPE_USERNAME'] }],
      ['an unknown field', { type: 'x', schema: {}, typo: 1 }],
    ])('refuses %s with 400 code 3 and stores nothing', async (_case, body) => {
      const before = await schemaCount();
      const response = await t.request('POST', PATH, { token: owner, body });
      expectZitadelError(response, 400, 3);
      expect(response.body.message).toMatch(/CreateUserSchemaRequest\.UserSchema/);
      expect(await schemaCount()).toBe(before);
    });

    it.each([
      ['a lookahead', { type: 'object', properties: { pin: { type: 'string', pattern: '^(?=\\d{4}$)' } } }, '/properties/pin/pattern'],
      ['a backreference', { type: 'object', properties: { twice: { type: 'string', pattern: '^(ab)\\1$' } } }, '/properties/twice/pattern'],
      ['a lookbehind as a patternProperties key', { type: 'object', patternProperties: { '(?<=x)y': { type: 'string' } } }, '/patternProperties/(?<=x)y'],
    ])('refuses a pattern with %s (RE2 cannot run it): 400 COMMA-W21tg naming its JSON pointer, nothing stored', async (_case, schema, pointer) => {
      const before = await schemaCount();
      const response = await t.request('POST', PATH, { token: owner, body: { type: 'bad', schema } });
      expectZitadelError(response, 400, 3, 'COMMA-W21tg');
      expect(response.body.message).toContain(`the pattern at ${pointer} is not supported (RE2 syntax`);
      expect(await schemaCount()).toBe(before);
    });

    it('refuses schemas beyond the size limits, naming the limit: more than 500 subschemas, nesting deeper than 64 levels', async () => {
      const before = await schemaCount();
      const properties = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`p${i}`, { type: 'string' }]));
      const wide = await t.request('POST', PATH, { token: owner, body: { type: 'wide', schema: { type: 'object', properties: properties(500) } } });
      expectZitadelError(wide, 400, 3, 'COMMA-W21tg');
      expect(wide.body.message).toContain('more than 500 subschemas');
      let deep: Record<string, unknown> = { type: 'string' };
      for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { a: deep } };
      const nested = await t.request('POST', PATH, { token: owner, body: { type: 'deep', schema: deep } });
      expectZitadelError(nested, 400, 3, 'COMMA-W21tg');
      expect(nested.body.message).toContain('deeper than 64 levels');
      expect(await schemaCount()).toBe(before);
      // Just inside the limit: the root and 499 properties.
      await create({ type: 'widest', schema: { type: 'object', properties: properties(499) } });
    });

    it('refuses a body that is not an object', async () => {
      expectZitadelError(await t.request('POST', PATH, { token: owner, body: [EMPLOYEES] }), 400, 3);
      expectZitadelError(await t.request('POST', PATH, { token: owner }), 400, 3);
    });

    it('needs userschema.write: viewers and organization owners get 403', async () => {
      expectZitadelError(await t.request('POST', PATH, { token: viewer, body: EMPLOYEES }), 403, 7, 'AUTH-5mWD2');
      expectZitadelError(await t.request('POST', PATH, { token: orgOwner, body: EMPLOYEES }), 403, 7, 'AUTH-5mWD2');
      expectZitadelError(await t.request('POST', PATH, { body: EMPLOYEES }), 401, 16);
    });
  });

  describe('GetUserSchema', () => {
    it('returns config, state and revision; viewers may read', async () => {
      const id = await create();
      const response = await t.request('GET', `${PATH}/${id}`, { token: viewer });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        userSchema: {
          details: { id, created: expect.stringMatching(RFC3339), changed: expect.stringMatching(RFC3339), owner: { type: 'OWNER_TYPE_INSTANCE', id: instanceId } },
          config: EMPLOYEES,
          state: 'STATE_ACTIVE',
          revision: 1,
        },
      });
      // The document comes back as given, key order included.
      expect(JSON.stringify(response.body.userSchema.config.schema)).toBe(JSON.stringify(EMPLOYEES.schema));
    });

    it('answers 404 QUERY-SAF3t for an unknown id, 403 for an organization owner', async () => {
      expectZitadelError(await t.request('GET', `${PATH}/4242`, { token: owner }), 404, 5, 'QUERY-SAF3t');
      const id = await create();
      expectZitadelError(await t.request('GET', `${PATH}/${id}`, { token: orgOwner }), 403, 7, 'AUTH-5mWD2');
    });
  });

  describe('PatchUserSchema', () => {
    it('changes the type without touching the revision', async () => {
      const id = await create();
      const { created } = (await t.request('GET', `${PATH}/${id}`, { token: owner })).body.userSchema.details;
      const response = await t.request('PATCH', `${PATH}/${id}`, { token: owner, body: { type: 'staff' } });
      expect(response.status).toBe(200);
      // details.created too, the schema's creation, as in ZITADEL's documented answer.
      expect(response.body).toEqual({ details: { id, created, changed: expect.stringMatching(RFC3339), owner: { type: 'OWNER_TYPE_INSTANCE', id: instanceId } } });
      expect(await row(id)).toMatchObject({ type: 'staff', revision: 1, sequence: 2 });
    });

    it('raises the revision when the schema content changes, and only then', async () => {
      const id = await create();
      const changed = { ...EMPLOYEES.schema, required: ['name', 'note'] };
      await t.request('PATCH', `${PATH}/${id}`, { token: owner, body: { schema: changed } });
      expect(await row(id)).toMatchObject({ revision: 2, sequence: 2 });
      await t.request('PATCH', `${PATH}/${id}`, { token: owner, body: { schema: { type: 'object' } } });
      expect(await row(id)).toMatchObject({ revision: 3, sequence: 3 });
      const read = await t.request('GET', `${PATH}/${id}`, { token: owner });
      expect(read.body.userSchema).toMatchObject({ revision: 3, config: { schema: { type: 'object' } } });
    });

    it('leaves everything unchanged when nothing differs (same content in another key order, empty body)', async () => {
      const id = await create();
      const before = await row(id);
      const reordered = { required: ['name'], properties: EMPLOYEES.schema.properties, type: 'object', $schema: 'urn:zitadel:schema:v1' };
      for (const body of [{ schema: reordered, type: 'employees' }, {}, undefined, { possibleAuthenticators: [] }]) {
        const response = await t.request('PATCH', `${PATH}/${id}`, { token: owner, body });
        expect(response.status).toBe(200);
        expect(response.body.details.changed).toBe(dbDate(before.changed_at).toISOString());
      }
      expect(await row(id)).toMatchObject({ revision: 1, sequence: 1 });
      expect((await t.query('SELECT COUNT(*) AS n FROM change_log WHERE aggregate_id = ?', [id]))[0].n).toBe(1);
    });

    it('replaces the authenticators when a different, non-empty list is given', async () => {
      const id = await create();
      await t.request('PATCH', `${PATH}/${id}`, { token: owner, body: { possibleAuthenticators: ['AUTHENTICATOR_TYPE_WEBAUTHN'] } });
      const read = await t.request('GET', `${PATH}/${id}`, { token: owner });
      expect(read.body.userSchema.config.possibleAuthenticators).toEqual(['AUTHENTICATOR_TYPE_WEBAUTHN']);
      expect(read.body.userSchema.revision).toBe(1);
    });

    it('refuses an invalid schema with COMMA-W21tg and keeps the old one', async () => {
      const id = await create();
      const response = await t.request('PATCH', `${PATH}/${id}`, { token: owner, body: { schema: { type: 'object', required: 'name' } } });
      expectZitadelError(response, 400, 3, 'COMMA-W21tg');
      expect(await row(id)).toMatchObject({ revision: 1, sequence: 1 });
    });

    it('refuses a pattern RE2 cannot run with COMMA-W21tg naming its pointer, and keeps the old revision', async () => {
      const id = await create();
      const schema = { type: 'object', properties: { name: { type: 'string', pattern: '^(?!admin)' } } };
      const response = await t.request('PATCH', `${PATH}/${id}`, { token: owner, body: { schema } });
      expectZitadelError(response, 400, 3, 'COMMA-W21tg');
      expect(response.body.message).toContain('the pattern at /properties/name/pattern is not supported');
      expect(await row(id)).toMatchObject({ revision: 1, sequence: 1 });
    });

    it('patches only active schemas: unknown and inactive ids are 400 COMMA-HB3e1', async () => {
      expectZitadelError(await t.request('PATCH', `${PATH}/4242`, { token: owner, body: { type: 'x' } }), 400, 9, 'COMMA-HB3e1');
      const id = await create();
      await t.request('POST', `${PATH}/${id}/_deactivate`, { token: owner });
      expectZitadelError(await t.request('PATCH', `${PATH}/${id}`, { token: owner, body: { type: 'x' } }), 400, 9, 'COMMA-HB3e1');
    });

    it.each([
      ['an empty type', { type: '' }],
      ['a schema that is not an object', { schema: 'x' }],
      ['an unknown field', { revision: 7 }],
    ])('refuses %s with 400 code 3', async (_case, body) => {
      const id = await create();
      const response = await t.request('PATCH', `${PATH}/${id}`, { token: owner, body });
      expectZitadelError(response, 400, 3);
      expect(await row(id)).toMatchObject({ sequence: 1 });
    });
  });

  describe('DeactivateUserSchema / ReactivateUserSchema', () => {
    it('moves between active and inactive, each once', async () => {
      const id = await create();
      const deactivated = await t.request('POST', `${PATH}/${id}/_deactivate`, { token: owner });
      expect(deactivated.status).toBe(200);
      expect(deactivated.body.details).toMatchObject({ id, owner: { type: 'OWNER_TYPE_INSTANCE', id: instanceId } });
      expect((await t.request('GET', `${PATH}/${id}`, { token: owner })).body.userSchema.state).toBe('STATE_INACTIVE');
      expectZitadelError(await t.request('POST', `${PATH}/${id}/_deactivate`, { token: owner }), 400, 9, 'COMMA-E4t4z');

      expect((await t.request('POST', `${PATH}/${id}/_reactivate`, { token: owner })).status).toBe(200);
      expect((await t.request('GET', `${PATH}/${id}`, { token: owner })).body.userSchema.state).toBe('STATE_ACTIVE');
      expectZitadelError(await t.request('POST', `${PATH}/${id}/_reactivate`, { token: owner }), 400, 9, 'COMMA-DGzh5');
      expect(await row(id)).toMatchObject({ sequence: 3, state: 1 });
    });

    it('answers the wrong-state errors for unknown ids and needs userschema.write', async () => {
      expectZitadelError(await t.request('POST', `${PATH}/4242/_deactivate`, { token: owner }), 400, 9, 'COMMA-E4t4z');
      expectZitadelError(await t.request('POST', `${PATH}/4242/_reactivate`, { token: owner }), 400, 9, 'COMMA-DGzh5');
      const id = await create();
      expectZitadelError(await t.request('POST', `${PATH}/${id}/_deactivate`, { token: viewer }), 403, 7, 'AUTH-5mWD2');
    });
  });

  describe('DeleteUserSchema', () => {
    it('deletes active and inactive schemas; afterwards reads say 404 and a second delete COMMA-Grg41', async () => {
      const active = await create();
      const inactive = await create();
      await t.request('POST', `${PATH}/${inactive}/_deactivate`, { token: owner });
      for (const id of [active, inactive]) {
        const response = await t.request('DELETE', `${PATH}/${id}`, { token: owner });
        expect(response.status).toBe(200);
        expect(response.body.details.id).toBe(id);
        expectZitadelError(await t.request('GET', `${PATH}/${id}`, { token: owner }), 404, 5, 'QUERY-SAF3t');
        expectZitadelError(await t.request('DELETE', `${PATH}/${id}`, { token: owner }), 400, 9, 'COMMA-Grg41');
        expectZitadelError(await t.request('POST', `${PATH}/${id}/_reactivate`, { token: owner }), 400, 9, 'COMMA-DGzh5');
      }
      const search = await t.request('POST', `${PATH}/_search`, { token: owner, body: [{ idFilter: { id: active } }] });
      expect(search.body.details.totalResult).toBe('0');
    });

    it('answers COMMA-Grg41 for an unknown id and needs userschema.delete', async () => {
      expectZitadelError(await t.request('DELETE', `${PATH}/4242`, { token: owner }), 400, 9, 'COMMA-Grg41');
      const id = await create();
      expectZitadelError(await t.request('DELETE', `${PATH}/${id}`, { token: viewer }), 403, 7, 'AUTH-5mWD2');
    });
  });

  describe('SearchUserSchemas', () => {
    let tag: string;
    let ids: string[];

    beforeAll(async () => {
      tag = `srch${Date.now().toString(36)}`;
      ids = [];
      for (const type of [`${tag}-alpha`, `${tag}-Beta`, `${tag}-gamma`]) ids.push(await create({ type, schema: { type: 'object' } }));
      await t.request('POST', `${PATH}/${ids[2]}/_deactivate`, { token: owner });
    });

    const search = (body: unknown, query = '', token = owner) => t.request('POST', `${PATH}/_search${query}`, { token, body });

    it('filters by type (with the text methods), state, id and their combinations', async () => {
      const typeOf = (response: { body: { result: Array<{ config: { type: string } }> } }) => response.body.result.map((r) => r.config.type);
      const starts = await search([{ typeFilter: { type: tag, method: 'TEXT_FILTER_METHOD_STARTS_WITH' } }]);
      expect(starts.status).toBe(200);
      expect(typeOf(starts)).toEqual([`${tag}-alpha`, `${tag}-Beta`, `${tag}-gamma`]);
      expect(starts.body.details).toEqual({ appliedLimit: '100', totalResult: '3', timestamp: expect.stringMatching(RFC3339) });

      expect(typeOf(await search([{ typeFilter: { type: `${tag}-beta` } }]))).toEqual([]);
      expect(typeOf(await search([{ typeFilter: { type: `${tag}-beta`, method: 1 } }]))).toEqual([`${tag}-Beta`]);
      expect(typeOf(await search([{ typeFilter: { type: 'ETA', method: 'TEXT_FILTER_METHOD_CONTAINS' } }]))).toEqual([]);
      expect(
        typeOf(await search([{ typeFilter: { type: tag.toUpperCase(), method: 'TEXT_FILTER_METHOD_STARTS_WITH_IGNORE_CASE' } }, { stateFilter: { state: 'STATE_ACTIVE' } }])),
      ).toEqual([`${tag}-alpha`, `${tag}-Beta`]);
      expect(typeOf(await search([{ idFilter: { id: ids[1] } }]))).toEqual([`${tag}-Beta`]);
      expect(
        typeOf(
          await search([
            { typeFilter: { type: tag, method: 'TEXT_FILTER_METHOD_STARTS_WITH' } },
            { orFilter: { queries: [{ idFilter: { id: ids[0] } }, { stateFilter: { state: 'STATE_INACTIVE' } }] } },
            { notFilter: { filter: { idFilter: { id: ids[2] } } } },
          ]),
        ),
      ).toEqual([`${tag}-alpha`]);
      expect(typeOf(await search([{ and_filter: { queries: [{ type_filter: { type: `${tag}-gamma` } }] } }]))).toEqual([`${tag}-gamma`]);
    });

    it('pages and sorts from the query string and echoes the sorting column', async () => {
      const filter = [{ typeFilter: { type: tag, method: 'TEXT_FILTER_METHOD_STARTS_WITH' } }];
      const page = await search(filter, '?query.limit=2&query.offset=1&query.desc=true&sortingColumn=FIELD_NAME_TYPE');
      expect(page.status).toBe(200);
      expect(page.body.details).toMatchObject({ appliedLimit: '2', totalResult: '3' });
      expect(page.body.sortingColumn).toBe('FIELD_NAME_TYPE');
      // Types sort case-insensitively by the table collation: gamma, Beta, alpha descending; offset 1.
      expect(page.body.result.map((r: { config: { type: string } }) => r.config.type)).toEqual([`${tag}-Beta`, `${tag}-alpha`]);
      const byRevision = await search(filter, '?sorting_column=3');
      expect(byRevision.body.sortingColumn).toBe('FIELD_NAME_REVISION');
      expect(byRevision.body.result[0].details.id).toBe(ids[0]);
      const plain = await search(filter);
      expect(plain.body.sortingColumn).toBeUndefined();
      expect(plain.body.result.map((r: { details: { id: string } }) => r.details.id)).toEqual(ids);
    });

    it('returns everything for an empty body', async () => {
      const all = await search(undefined);
      expect(all.status).toBe(200);
      expect(Number(all.body.details.totalResult)).toBeGreaterThanOrEqual(3);
    });

    it('refuses limits above 1000, nesting deeper than 20, empty filters and non-array bodies', async () => {
      expectZitadelError(await search([], '?query.limit=1001'), 400, 3, 'QUERY-4M0fs');
      let nested: Record<string, unknown> = { stateFilter: { state: 'STATE_ACTIVE' } };
      for (let i = 0; i < 20; i++) nested = { notFilter: { filter: nested } };
      expectZitadelError(await search([nested]), 400, 3, 'SCHEMA-zsQ97');
      const active = { stateFilter: { state: 'STATE_ACTIVE' } };
      expect((await search(Array.from({ length: 100 }, () => active))).status).toBe(200);
      expectZitadelError(await search(Array.from({ length: 101 }, () => active)), 400, 3, 'QUERY-Filters100');
      expectZitadelError(await search([{}]), 400, 3);
      expectZitadelError(await search([{ idFilter: { id: '1' }, typeFilter: { type: 'x' } }]), 400, 3);
      expectZitadelError(await search({ stateFilter: { state: 'STATE_ACTIVE' } }), 400, 3);
      expectZitadelError(await search([{ stateFilter: { state: 'STATE_GONE' } }]), 400, 3);
      expectZitadelError(await search([], '?query.limit=ten'), 400, 3);
      expectZitadelError(await search([], '?sortingColumn=FIELD_NAME_COLOR'), 400, 3);
    });

    it('needs userschema.read', async () => {
      expect((await search([], '', viewer)).status).toBe(200);
      expectZitadelError(await search([], '', orgOwner), 403, 7, 'AUTH-5mWD2');
    });
  });
});

describe('OpenAPI document of the v3alpha resources', () => {
  let t: TestApp;
  beforeAll(async () => (t = await TestApp.start()));
  afterAll(() => t.close());

  it('lists every user and user-schema RPC by its ZITADEL name, with its path and method', async () => {
    const document = (await t.request('GET', '/docs/openapi.json')).body;
    const operations: Record<string, string> = {};
    for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, { operationId?: string }>>)) {
      for (const [method, operation] of Object.entries(methods)) if (operation.operationId) operations[operation.operationId] = `${method.toUpperCase()} ${path}`;
    }
    expect(operations).toMatchObject({
      CreateUserSchema: 'POST /resources/v3alpha/user_schemas',
      PatchUserSchema: 'PATCH /resources/v3alpha/user_schemas/{id}',
      GetUserSchema: 'GET /resources/v3alpha/user_schemas/{id}',
      SearchUserSchemas: 'POST /resources/v3alpha/user_schemas/_search',
      DeactivateUserSchema: 'POST /resources/v3alpha/user_schemas/{id}/_deactivate',
      ReactivateUserSchema: 'POST /resources/v3alpha/user_schemas/{id}/_reactivate',
      DeleteUserSchema: 'DELETE /resources/v3alpha/user_schemas/{id}',
      CreateUser: 'POST /resources/v3alpha/users',
      PatchUser: 'PATCH /resources/v3alpha/users/{id}',
      GetUser: 'GET /resources/v3alpha/users/{id}',
      SearchUsers: 'POST /resources/v3alpha/users/_search',
      DeleteUser: 'DELETE /resources/v3alpha/users/{id}',
      DeactivateUser: 'POST /resources/v3alpha/users/{id}/_deactivate',
      ActivateUser: 'POST /resources/v3alpha/users/{id}/_activate',
      LockUser: 'POST /resources/v3alpha/users/{id}/_lock',
      UnlockUser: 'POST /resources/v3alpha/users/{id}/_unlock',
      SetContactEmail: 'PUT /resources/v3alpha/users/{id}/email',
      VerifyContactEmail: 'POST /resources/v3alpha/users/{id}/email/_verify',
      ResendContactEmailCode: 'POST /resources/v3alpha/users/{id}/email/_resend',
      SetContactPhone: 'PUT /resources/v3alpha/users/{id}/phone',
      VerifyContactPhone: 'POST /resources/v3alpha/users/{id}/phone/_verify',
      ResendContactPhoneCode: 'POST /resources/v3alpha/users/{id}/phone/_resend',
    });
    expect(document.paths['/resources/v3alpha/users'].post.responses['201']).toBeDefined();
    expect(document.components.schemas.PatchUser.properties).toHaveProperty('contact');
    expect(document.components.schemas.UserSearchFilter.properties).toHaveProperty('notFilter');
  });
});
