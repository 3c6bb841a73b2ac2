import { Client, Metadata, ServiceError, credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { create, toBinary } from '@bufbuild/protobuf';
import { zitadelApi } from '../../src/grpc/zitadel-descriptors';
import { TestApp, expectZitadelError } from '../support/test-app';
import { grpcProblem } from './response-checks';
import { OFFLINE_ENV } from './fuzz-fixtures';

/** Fixed cases of what the fuzz suites found, kept so that they stay fixed whatever the random seed. */
describe('fuzz findings', () => {
  let t: TestApp;
  let owner: string;

  beforeAll(async () => {
    t = await TestApp.start(OFFLINE_ENV);
    owner = await t.issuer.owner();
  });
  afterAll(() => t.close());

  const identity = (value: Buffer) => value;
  const call = (path: string, bytes: number[], token?: string) => {
    const Constructor = makeGenericClientConstructor(
      { call: { path, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity } },
      'Raw',
    );
    const client = new Constructor(t.grpcUrl, credentials.createInsecure()) as unknown as Client & { call: Function };
    const metadata = new Metadata();
    if (token) metadata.set('authorization', `Bearer ${token}`);
    return new Promise<ServiceError>((resolve, reject) =>
      client.call(Buffer.from(bytes), metadata, (error: ServiceError | null) => {
        client.close();
        if (error) resolve(error);
        else reject(new Error('the call succeeded'));
      }),
    );
  };

  // grpc-js answers INTERNAL without details when the request deserializer throws (grpc-go does the same for ZITADEL).
  it.each([
    ['a length past the end', [0x0a, 0x05, 0x61]],
    ['invalid UTF-8 in a string', [0x0a, 0x02, 0xc3, 0x28]],
    ['wire type 7', [0x0f]],
    ['20,000 nested groups', Array.from({ length: 20_000 }, () => 0x0b)],
  ])('malformed protobuf (%s) is INVALID_ARGUMENT with an ErrorDetail, not INTERNAL', async (_name, bytes) => {
    const error = await call('/zitadel.admin.v1.AdminService/GetSMSProvider', bytes as number[], owner);
    expect(error.code).toBe(3);
    const [details] = error.metadata.get('grpc-status-details-bin');
    expect(grpcProblem({ code: error.code, details: error.details, statusDetails: details as Buffer })).toBeUndefined();
  });

  // The schema compiler cut ajv's message at 300 UTF-16 units, between the halves of an emoji: grpc-js threw
  // URIError encoding that message into grpc-message, out of the call (npm run fuzz, 1,000 cases per RPC).
  it('an error message cut inside an emoji still makes a proper INVALID_ARGUMENT over gRPC', async () => {
    // ajv: 'strict mode: unknown keyword: "<keyword>"', the keyword from index 31: the emoji straddles unit 300.
    const keyword = `${'k'.repeat(300 - 31 - 1)}🙂`;
    const schema = zitadelApi().registry.getMessage('zitadel.resources.userschema.v3alpha.CreateUserSchemaRequest')!;
    const bytes = toBinary(schema, create(schema, { userSchema: { type: 'emoji-cut', dataType: { case: 'schema', value: { [keyword]: 1 } } } } as never));
    const error = await call('/zitadel.resources.userschema.v3alpha.ZITADELUserSchemas/CreateUserSchema', [...bytes], owner);
    expect(error.code).toBe(3);
    expect(() => encodeURI(error.details)).not.toThrow();
    const [details] = error.metadata.get('grpc-status-details-bin');
    expect(grpcProblem({ code: error.code, details: error.details, statusDetails: details as Buffer })).toBeUndefined();
  });

  // protobuf-es cannot write these as JSON; the handler's protojson conversion threw and the filter made it INTERNAL.
  it.each([
    ['nanos against the sign of seconds', { seconds: 1n, nanos: -1 }],
    ['seconds past the Duration range', { seconds: 2n ** 62n, nanos: 0 }],
  ])('a request without a JSON form (%s) is INVALID_ARGUMENT, not INTERNAL', async (_name, duration) => {
    const schema = zitadelApi().registry.getMessage('zitadel.admin.v1.UpdateSMSProviderHTTPRequest')!;
    const bytes = toBinary(schema, create(schema, { id: '1', endpoint: 'http://127.0.0.1:9/sms', expirationSigningKey: duration } as never));
    const error = await call('/zitadel.admin.v1.AdminService/UpdateSMSProviderHTTP', [...bytes], owner);
    expect(error.code).toBe(3);
    const [details] = error.metadata.get('grpc-status-details-bin');
    expect(grpcProblem({ code: error.code, details: error.details, statusDetails: details as Buffer })).toBeUndefined();
  });

  // ListSMSProviders validated without the depth guard: class-transformer overflowed the stack, answered 500.
  it('a deeply nested value in any request is INVALID_ARGUMENT, not INTERNAL', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    for (const path of ['/admin/v1/sms/_search', '/admin/v1/sms/twilio']) {
      const response = await t.request('POST', path, { token: owner, rawBody: `{"query":{"offset":${deep}},"sid":${deep}}`, headers: { 'content-type': 'application/json' } });
      expectZitadelError(response, 400, 3, 'GATEWAY-TooDeep');
    }
  });

  it('an RPC without a handler stays UNIMPLEMENTED whatever bytes it is sent', async () => {
    const error = await call('/zitadel.admin.v1.AdminService/GetDefaultVerifySMSOTPMessageText', [0x0a, 0x05, 0x61], owner);
    expect(error.code).toBe(12);
  });

  describe('over REST', () => {
    // JSON's \uD800 escape is legal JSON but no Unicode: MariaDB's JSON check refused the change-log row, a 500.
    it('text with an unpaired surrogate is INVALID_ARGUMENT (GATEWAY-Utf8) and changes nothing', async () => {
      const added = await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint: 'http://127.0.0.1:9/sms', description: 'before' } });
      expect(added.status).toBe(200);
      const json = { 'content-type': 'application/json' };
      const update = await t.request('PUT', `/admin/v1/sms/http/${added.body.id}`, { token: owner, rawBody: '{"endpoint":"http://127.0.0.1:9/sms","description":"half \\ud83d"}', headers: json });
      expectZitadelError(update, 400, 3, 'GATEWAY-Utf8');
      const read = await t.request('GET', `/admin/v1/sms/${added.body.id}`, { token: owner });
      expect(read.body.config).toMatchObject({ description: 'before', details: { sequence: '1' } });
      const paired = await t.request('PUT', `/admin/v1/sms/http/${added.body.id}`, { token: owner, rawBody: '{"endpoint":"http://127.0.0.1:9/sms","description":"smile \\ud83d\\ude42"}', headers: json });
      expect(paired.status).toBe(200);
      expect((await t.request('GET', `/admin/v1/sms/${added.body.id}`, { token: owner })).body.config.description).toBe('smile 🙂');
    });

    // class-transformer threw on a nested "constructor" key (500) and silently dropped "constructor" and "__proto__" keys.
    it('object keys named constructor or __proto__ are INVALID_ARGUMENT (GATEWAY-ReservedKey), in a body or in user data', async () => {
      const json = { 'content-type': 'application/json' };
      const users = '/resources/v3alpha/users';
      expectZitadelError(await t.request('POST', `${users}/1/email/_verify`, { token: owner, rawBody: '{"constructor":{"prototype":1}}', headers: json }), 400, 3, 'GATEWAY-ReservedKey');
      const schema = await t.request('POST', '/resources/v3alpha/user_schemas', { token: owner, body: { type: 'fuzz-reserved', schema: { type: 'object' } } });
      expect(schema.status).toBe(201);
      const before = await t.query('SELECT COUNT(*) AS n FROM users');
      const created = await t.request('POST', users, { token: owner, rawBody: `{"schemaId":"${schema.body.details.id}","data":{"a":{"__proto__":{"x":1}}}}`, headers: json });
      expectZitadelError(created, 400, 3, 'GATEWAY-ReservedKey');
      expect(await t.query('SELECT COUNT(*) AS n FROM users')).toEqual(before);
    });

    // class-transformer's key de-duplication is quadratic: 20,000 unknown fields held the event loop for half a second.
    it('an object with more than 1,000 members is INVALID_ARGUMENT (GATEWAY-TooWide); user data of 1,000 members is stored whole', async () => {
      const users = '/resources/v3alpha/users';
      const members = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
      expectZitadelError(await t.request('POST', `${users}/1/email/_verify`, { token: owner, body: members(20_000) }), 400, 3, 'GATEWAY-TooWide');
      const schema = await t.request('POST', '/resources/v3alpha/user_schemas', { token: owner, body: { type: 'fuzz-wide', schema: { type: 'object' } } });
      const before = await t.query('SELECT COUNT(*) AS n FROM users');
      const refused = await t.request('POST', `${users}?organization.orgId=org-wide`, { token: owner, body: { schemaId: schema.body.details.id, data: { wide: members(1_001) } } });
      expectZitadelError(refused, 400, 3, 'GATEWAY-TooWide');
      expect(await t.query('SELECT COUNT(*) AS n FROM users')).toEqual(before);

      const data = { wide: members(1_000), nested: [{ a: [1, { b: null }] }] };
      const created = await t.request('POST', `${users}?organization.orgId=org-wide`, { token: owner, body: { schemaId: schema.body.details.id, data } });
      expect(created.status).toBe(201);
      expect((await t.request('GET', `${users}/${created.body.details.id}`, { token: owner })).body.user.data).toEqual(data);
    });
  });
});
