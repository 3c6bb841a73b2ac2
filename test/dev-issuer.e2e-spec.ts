import { createRemoteJWKSet, jwtVerify } from 'jose';
import { TestApp, expectZitadelError } from './support/test-app';

/** Without AUTH_ISSUER the service is its own development issuer. */
describe('development issuer (no AUTH_ISSUER)', () => {
  let t: TestApp;
  let other: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({}, { topology: 'embedded' });
    other = await TestApp.start({}, { topology: 'embedded' });
  });
  afterAll(async () => {
    await t.close();
    await other.close();
  });

  const list = (token: string) => t.request('POST', '/admin/v1/sms/_search', { token, body: {} });

  it('publishes discovery and JWKS with which any OpenID tool verifies its tokens', async () => {
    const discovery = await t.request('GET', '/.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    expect(discovery.body).toEqual(expect.objectContaining({ issuer: t.issuer.url, jwks_uri: `${t.issuer.url}/oauth/v2/keys` }));
    expect(t.issuer.url).toMatch(/^http:\/\/localhost:\d+$/);

    const jwks = await t.request('GET', '/oauth/v2/keys');
    expect(jwks.body.keys).toEqual([{ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: expect.any(String), alg: 'ES256', use: 'sig' }]);
    expect(jwks.text).not.toContain('"d"');

    const token = await t.issuer.owner();
    const keys = createRemoteJWKSet(new URL(`${t.url}/oauth/v2/keys`));
    const { payload } = await jwtVerify(token, keys, { issuer: discovery.body.issuer });
    expect(payload.sub).toBe('admin-user');
  });

  it('accepts its own tokens and refuses another instance\'s, expired and foreign-issuer ones', async () => {
    expect((await list(await t.issuer.owner())).status).toBe(200);
    expectZitadelError(await list(await other.issuer.owner()), 401, 16, 'APP-BxUSiL');
    expectZitadelError(await list(await t.issuer.owner({ unknownKey: true })), 401, 16, 'APP-BxUSiL');
    expectZitadelError(await list(await t.issuer.owner({ expiresIn: -60 })), 401, 16, 'APP-k9KS0');
    expectZitadelError(await list(await t.issuer.owner({ issuer: 'http://localhost:1' })), 401, 16, 'APP-BxUSiL');
    expectZitadelError(await list(await t.issuer.owner({ scope: 'openid' })), 403, 7);
    expectZitadelError(await list(await t.issuer.token({ roles: { ORG_OWNER: ['default'] } })), 403, 7, 'AUTH-5mWD2');
  });

  it('keeps the API out of the way of discovery: both are left out of the OpenAPI document', async () => {
    const document = await t.request('GET', '/docs/openapi.json');
    expect(Object.keys(document.body.paths).filter((path) => /^\/(\.well-known|oauth)\//.test(path))).toEqual([]);
    expect(Object.keys(document.body.components.securitySchemes)).toEqual(['bearer']);
  });
});
