import { readFileSync } from 'node:fs';
import { Metadata } from 'nice-grpc';
import { adminClient, grpcFailure } from './support/grpc-clients';
import { LogCapture } from './support/log-capture';
import { TEST_MASTER_KEY, TestApp, Topology } from './support/test-app';

describe.each<Topology>(['mysql', 'embedded'])('logs (%s)', (topology) => {
  const log = new LogCapture();
  let t: TestApp;
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await TestApp.start({ LOG_LEVEL: 'debug' }, { topology, logStream: log });
    const owner = await t.issuer.owner();
    const expired = await t.issuer.owner({ expiresIn: -60 });
    const foreign = await t.issuer.owner({ issuer: 'https://evil.example.com' });
    secrets.push(owner, expired, foreign, 'twilio-secret-first-9f8e7d', 'twilio-secret-rotated-1a2b3c', 'secret-in-broken-json-5d6e', 'query-secret-7f8g');

    const added = await t.request('POST', '/admin/v1/sms/twilio', {
      token: owner,
      body: { sid: 'AC1', token: 'twilio-secret-first-9f8e7d' },
      headers: { 'x-request-id': 'add-twilio-request' },
    });
    await t.request('PUT', `/admin/v1/sms/twilio/${added.body.id}/token?token=query-secret-7f8g`, { token: owner, body: { token: 'twilio-secret-rotated-1a2b3c' } });
    const http = await t.request('POST', '/admin/v1/sms/http', { token: owner, body: { endpoint: 'https://relay.example.com' } });
    expect(http.body.signingKey).toBeDefined();
    secrets.push(http.body.signingKey);

    // Error paths: bad tokens, a body that is not JSON, a refused value, unknown ids.
    await t.request('PUT', `/admin/v1/sms/twilio/${added.body.id}/token`, { token: expired, body: { token: 'twilio-secret-rotated-1a2b3c' } });
    await t.request('PUT', `/admin/v1/sms/twilio/${added.body.id}/token`, { token: foreign, body: { token: 'twilio-secret-rotated-1a2b3c' } });
    await t.request('PUT', `/admin/v1/sms/twilio/${added.body.id}/token`, { token: owner, rawBody: '{"token":"secret-in-broken-json-5d6e', headers: { 'content-type': 'application/json' } });
    await t.request('PUT', `/admin/v1/sms/twilio/${added.body.id}/token`, { token: owner, body: { token: 'twilio-secret-rotated-1a2b3c'.repeat(10) } });
    await t.request('PUT', '/admin/v1/sms/twilio/404/token', { token: owner, body: { token: 'twilio-secret-rotated-1a2b3c' } });
    await t.request('GET', '/admin/v1/sms/1', { headers: { authorization: `Basic ${Buffer.from('user:twilio-secret-first-9f8e7d').toString('base64')}` } });
    // gRPC-web is answered by a middleware ahead of Fastify's routes; it has its line too. An empty message is one 5-byte frame.
    const grpcWeb = await fetch(`${t.url}/zitadel.admin.v1.AdminService/ListSMSProviders`, {
      method: 'POST',
      headers: { 'content-type': 'application/grpc-web+proto', authorization: `Bearer ${owner}`, 'x-request-id': 'grpc-web-request' },
      body: Buffer.alloc(5),
    });
    expect(grpcWeb.status).toBe(200);
    await grpcWeb.arrayBuffer();
    // Native gRPC is not HTTP/1.1: its calls get lines of their own, one with the client's id, one refused without a token.
    await adminClient(t, owner).listSMSProviders({}, { metadata: Metadata({ 'x-request-id': 'grpc-native-request' }) });
    expect((await grpcFailure((options) => adminClient(t).listSMSProviders({}, options))).code).toBe(16);

    if (topology === 'embedded') {
      secrets.push(readFileSync(`${t.config.dataDir}/master.key`, 'utf8').trim());
      secrets.push(JSON.parse(readFileSync(`${t.config.dataDir}/dev-issuer.jwk.json`, 'utf8')).d);
    } else {
      secrets.push(TEST_MASTER_KEY);
    }
  });
  afterAll(() => t.close());

  it('writes JSON lines, one per request with its request id', () => {
    const requests = log.lines.filter((line) => line.req?.path?.startsWith('/admin/v1/sms'));
    expect(requests.length).toBeGreaterThanOrEqual(9);
    for (const line of requests) {
      expect(line).toEqual(expect.objectContaining({ level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) }));
      expect(line.req).toEqual({ id: expect.stringMatching(/^[\w.-]+$/), method: expect.any(String), path: expect.any(String) });
      expect(line.res).toEqual({ statusCode: expect.any(Number) });
    }
    expect(requests.find((line) => line.req.id === 'add-twilio-request')).toEqual(
      expect.objectContaining({ msg: 'request completed', req: { id: 'add-twilio-request', method: 'POST', path: '/admin/v1/sms/twilio' }, res: { statusCode: 200 } }),
    );
    expect(new Set(requests.map((line) => line.req.id)).size).toBe(requests.length);
    expect(log.lines.find((line) => line.req?.id === 'grpc-web-request')).toEqual(
      expect.objectContaining({ msg: 'request completed', req: { id: 'grpc-web-request', method: 'POST', path: '/zitadel.admin.v1.AdminService/ListSMSProviders' } }),
    );
    expect(requests.map((line) => line.res.statusCode)).toEqual(expect.arrayContaining([200, 400, 401, 404]));
  });

  it('writes a line per native gRPC call with its request id, method and status code', () => {
    const path = '/zitadel.admin.v1.AdminService/ListSMSProviders';
    expect(log.lines.find((line) => line.req?.id === 'grpc-native-request')).toEqual(
      expect.objectContaining({ msg: 'request completed', req: { id: 'grpc-native-request', method: 'POST', path }, grpc: { code: 0 }, responseTime: expect.any(Number) }),
    );
    const refused = log.lines.filter((line) => line.req?.path === path && line.grpc?.code === 16);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toEqual(expect.objectContaining({ msg: 'request completed', req: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), method: 'POST', path } }));
  });

  it('never contains a token, a secret or a key', () => {
    expect(log.text.length).toBeGreaterThan(0);
    expect(secrets.length).toBeGreaterThanOrEqual(9);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect({ secret, logged: log.text.includes(secret) }).toEqual({ secret, logged: false });
    }
    expect(log.text).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/); // no JWT, whole or in part
    expect(log.text).not.toContain('query-secret');
    expect(log.text).not.toMatch(/authorization/i);
  });
});
