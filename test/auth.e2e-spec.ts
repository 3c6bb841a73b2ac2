import { TestApp, expectZitadelError } from './support/test-app';

describe('access tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  const list = (token?: string, headers: Record<string, string> = {}) =>
    t.request('POST', '/admin/v1/sms/_search', { token, body: {}, headers });

  it('accepts RS256 and ES256 tokens from the issuer', async () => {
    expect((await list(await t.issuer.owner({ alg: 'RS256' }))).status).toBe(200);
    expect((await list(await t.issuer.owner({ alg: 'ES256' }))).status).toBe(200);
  });

  it('refuses a missing Authorization header with 401 code 16 in ZITADEL\'s shape', async () => {
    const response = await list();
    expectZitadelError(response, 401, 16, 'AUTH-x4hB8');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('refuses a header that is not a bearer token', async () => {
    expectZitadelError(await list(undefined, { authorization: 'Basic dXNlcjpwYXNz' }), 401, 16, 'AUTH-7fs1e');
    expectZitadelError(await list(undefined, { authorization: 'Bearer not a token' }), 401, 16);
  });

  it('refuses a malformed token', async () => {
    expectZitadelError(await list('abc.def.ghi'), 401, 16, 'APP-BxUSiL');
  });

  it('refuses a token signed by a key the issuer does not publish', async () => {
    expectZitadelError(await list(await t.issuer.owner({ unknownKey: true })), 401, 16, 'APP-BxUSiL');
  });

  it('refuses an expired token', async () => {
    expectZitadelError(await list(await t.issuer.owner({ expiresIn: -60 })), 401, 16, 'APP-k9KS0');
  });

  it('refuses a token it accepted before once the token expired (tokens seen lately are remembered only until exp)', async () => {
    const token = await t.issuer.owner({ expiresIn: 1 });
    expect((await list(token)).status).toBe(200);
    expect((await list(token)).status).toBe(200);
    // Past exp and the 5 s of clock skew tolerated.
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    expectZitadelError(await list(token), 401, 16, 'APP-k9KS0');
  });

  it('refuses a token that is not valid yet', async () => {
    expectZitadelError(await list(await t.issuer.owner({ notBefore: 600 })), 401, 16);
  });

  it('refuses a token of another issuer', async () => {
    expectZitadelError(await list(await t.issuer.owner({ issuer: 'https://evil.example.com' })), 401, 16, 'APP-BxUSiL');
  });

  it('refuses a token without the ZITADEL API scope with 403 code 7', async () => {
    expectZitadelError(await list(await t.issuer.owner({ scope: 'openid' })), 403, 7);
  });

  it('does not refetch the JWKS for every token, only for unknown key ids (rate-limited)', async () => {
    const before = t.testIssuer.jwksRequests;
    for (let i = 0; i < 5; i++) await list(await t.issuer.owner());
    expect(t.testIssuer.jwksRequests).toBe(before);
    for (let i = 0; i < 30; i++) await list(await t.issuer.owner({ unknownKey: true }));
    expect(t.testIssuer.jwksRequests - before).toBeLessThanOrEqual(10);
  });

  // npm run fuzz found valid tokens refused as "unknown signing key" after 20 minutes of bad tokens:
  // made-up key ids had used up the JWKS fetches, and the cached key had expired. Last here: it moves the clock.
  it('keeps accepting valid tokens after many with an unknown key, also once the keys are due for a refresh', async () => {
    expect((await list(await t.issuer.owner({ expiresIn: 298 }))).status).toBe(200);
    for (let i = 0; i < 12; i++) expectZitadelError(await list(await t.issuer.owner({ unknownKey: true })), 401, 16, 'APP-BxUSiL');
    t.clock.advance(11 * 60_000);
    for (let i = 0; i < 12; i++) expectZitadelError(await list(await t.issuer.owner({ unknownKey: true })), 401, 16, 'APP-BxUSiL');
    expect((await list(await t.issuer.owner({ expiresIn: 299 }))).status).toBe(200);
  });
});

describe('access tokens with AUTH_AUDIENCE', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ AUTH_AUDIENCE: 'identity-api' });
  });
  afterAll(() => t.close());

  it('needs the audience in aud', async () => {
    const list = (token: string) => t.request('POST', '/admin/v1/sms/_search', { token, body: {} });
    expect((await list(await t.issuer.owner({ audience: ['other', 'identity-api'] }))).status).toBe(200);
    expectZitadelError(await list(await t.issuer.owner({ audience: 'other' })), 401, 16, 'APP-Zxfako');
    expectZitadelError(await list(await t.issuer.owner()), 401, 16, 'APP-Zxfako');
  });
});
