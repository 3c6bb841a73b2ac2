import { createClient } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-web';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb';
import { createServer } from 'node:net';
import { ReadinessService } from '../src/health/readiness.service';
import { MetricsService } from '../src/metrics/metrics.service';
import { testRedisUrl } from './support/environment';
import { adminClient, grpcFailure, usersClient } from './support/grpc-clients';
import { TestApp, Topology } from './support/test-app';
import { sample } from './support/prometheus';

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each<Topology>(['mysql', 'embedded'])('health (%s)', (topology) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({}, { topology });
  });
  afterAll(() => t.close());

  it('answers /healthz and /readyz in terminus\' shape with the database and its migrations', async () => {
    const live = await t.request('GET', '/healthz');
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('ok');

    const ready = await t.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ok',
      info: expect.any(Object),
      error: {},
      details: {
        database: { status: 'up', dialect: topology === 'mysql' ? 'mysql' : 'sqlite', responseTime: expect.any(Number) },
        migrations: { status: 'up', responseTime: expect.any(Number) },
      },
    });
  });

  it('is not ready, 503, while a check another module added fails', async () => {
    let healthy = false;
    t.app.get(ReadinessService).addCheck('queue-worker', async () => {
      if (!healthy) throw new Error('worker not running');
    });
    const down = await t.request('GET', '/readyz');
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error).toEqual({ 'queue-worker': { status: 'down', message: 'worker not running', responseTime: expect.any(Number) } });
    healthy = true;
    expect((await t.request('GET', '/readyz')).status).toBe(200);
  });
});

describe('readiness with REDIS_URL', () => {
  it('pings Redis when it is configured and is not ready without it', async () => {
    const up = await TestApp.start({ REDIS_URL: testRedisUrl() });
    try {
      const ready = await up.request('GET', '/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body.details.redis).toEqual({ status: 'up', responseTime: expect.any(Number) });
    } finally {
      await up.close();
    }

    const down = await TestApp.start({ REDIS_URL: `redis://:not-the-password@127.0.0.1:${await closedPort()}` });
    try {
      const ready = await down.request('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.error.redis).toEqual({ status: 'down', message: expect.stringMatching(/unreachable/), responseTime: expect.any(Number) });
      expect(ready.text).not.toContain('not-the-password');
      expect((await down.request('GET', '/healthz')).status).toBe(200);
    } finally {
      await down.close();
    }
  });

  it('reports pending migrations as not ready', async () => {
    const t = await TestApp.start({}, { topology: 'mysql' });
    try {
      const [last] = await t.query('SELECT * FROM schema_migrations ORDER BY id DESC LIMIT 1');
      await t.query('DELETE FROM schema_migrations WHERE id = ?', [last.id]);
      const ready = await t.request('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.error).toEqual({ migrations: { status: 'down', message: 'migrations are pending', responseTime: expect.any(Number) } });
    } finally {
      await t.close();
    }
  });
});

describe('metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  const scrape = async () => {
    const response = await t.request('GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text;
  };

  it('counts and times requests by RPC, transport and gRPC code', async () => {
    const owner = await t.issuer.owner();
    const added = await t.request('POST', '/admin/v1/sms/twilio', { token: owner, body: { sid: 'AC1', token: 't' } });
    for (let i = 0; i < 2; i++) {
      await t.request('PUT', `/admin/v1/sms/twilio/${added.body.id}/token`, { token: owner, body: { token: `t${i}` } });
    }
    await t.request('PUT', '/admin/v1/sms/twilio/404/token', { token: owner, body: { token: 'x' } });
    await t.request('PUT', `/admin/v1/sms/twilio/${added.body.id}/token`, { body: { token: 'x' } });
    await t.request('PUT', `/admin/v1/sms/twilio/${added.body.id}/token`, { token: owner, rawBody: '{', headers: { 'content-type': 'application/json' } });
    await t.request('GET', '/no/such/path');
    await t.request('GET', '/healthz');

    const metrics = await scrape();
    const rpc = 'UpdateSMSProviderTwilioToken';
    expect(sample(metrics, 'identity_rpc_requests_total', { rpc, transport: 'rest', code: '0' })).toBe(2);
    expect(sample(metrics, 'identity_rpc_requests_total', { rpc, transport: 'rest', code: '5' })).toBe(1);
    expect(sample(metrics, 'identity_rpc_requests_total', { rpc, transport: 'rest', code: '16' })).toBe(1);
    expect(sample(metrics, 'identity_rpc_requests_total', { rpc, transport: 'rest', code: '3' })).toBe(1);
    expect(sample(metrics, 'identity_rpc_requests_total', { rpc: 'AddSMSProviderTwilio', transport: 'rest', code: '0' })).toBe(1);
    expect(sample(metrics, 'identity_rpc_requests_total', { rpc: 'unmatched', transport: 'rest', code: '5' })).toBe(1);
    expect(sample(metrics, 'identity_rpc_duration_seconds_count', { rpc, transport: 'rest', code: '0' })).toBe(2);
    expect(sample(metrics, 'identity_rpc_duration_seconds_bucket', { rpc, transport: 'rest', code: '0', le: '+Inf' })).toBe(2);
    // Probes and scrapes are not API traffic; raw paths never become labels.
    expect(metrics).not.toMatch(/rpc="[^"]*(healthz|metrics|no\/such)/);
    expect(metrics).toMatch(/^process_cpu_seconds_total /m);
  });

  it('counts gRPC and gRPC-web calls by RPC and code, each under its own transport', async () => {
    const owner = await t.issuer.owner({ org: 'org-1' });
    const native = adminClient(t, owner);
    await native.listSMSProviders({});
    await native.listSMSProviders({});
    await grpcFailure((o) => adminClient(t).listSMSProviders({}, o));
    await grpcFailure((o) => native.getMyInstance({}, o));
    await grpcFailure((o) => usersClient(t, owner).getUser({ id: 'no-such-user' }, o));

    const web = createClient(AdminService, createGrpcWebTransport({ baseUrl: t.url }));
    await web.listSMSProviders({}, { headers: { authorization: `Bearer ${owner}` } });
    await web.getSMSProvider({ id: '404' }, { headers: { authorization: `Bearer ${owner}` } }).catch(() => undefined);
    await fetch(`${t.url}/zitadel.admin.v1.AdminService/NoSuchMethod`, { method: 'POST', headers: { 'content-type': 'application/grpc-web+proto' }, body: new Uint8Array(5) });

    const metrics = await scrape();
    const count = (rpc: string, transport: string, code: string) => sample(metrics, 'identity_rpc_requests_total', { rpc, transport, code });
    expect(count('ListSMSProviders', 'grpc', '0')).toBe(2);
    expect(count('ListSMSProviders', 'grpc', '16')).toBe(1);
    expect(count('GetMyInstance', 'grpc', '12')).toBe(1);
    expect(count('GetUser', 'grpc', '5')).toBe(1);
    expect(count('ListSMSProviders', 'grpc-web', '0')).toBe(1);
    expect(count('GetSMSProvider', 'grpc-web', '5')).toBe(1);
    expect(count('unmatched', 'grpc-web', '12')).toBe(1);
    expect(sample(metrics, 'identity_rpc_duration_seconds_count', { rpc: 'ListSMSProviders', transport: 'grpc', code: '0' })).toBe(2);
    // gRPC-web shares the HTTP port but is never counted as REST; raw paths never become labels.
    expect(metrics).not.toMatch(/transport="rest"[^}]*rpc="ListSMSProviders"|rpc="ListSMSProviders"[^}]*transport="rest"/);
    expect(metrics).not.toContain('NoSuchMethod');
  });

  it('exposes deliveries and the queue depth the delivery module reports', async () => {
    const service = t.app.get(MetricsService);
    service.recordDelivery('sms', 'sent');
    service.recordDelivery('sms', 'sent');
    service.recordDelivery('email', 'failed');
    let depth = 7;
    service.setQueueDepthCollector(() => ({ waiting: depth, delayed: 2 }));

    let metrics = await scrape();
    expect(sample(metrics, 'identity_notification_deliveries_total', { channel: 'sms', outcome: 'sent' })).toBe(2);
    expect(sample(metrics, 'identity_notification_deliveries_total', { channel: 'email', outcome: 'failed' })).toBe(1);
    expect(sample(metrics, 'identity_notification_queue_depth', { state: 'waiting' })).toBe(7);
    expect(sample(metrics, 'identity_notification_queue_depth', { state: 'delayed' })).toBe(2);

    depth = 0;
    metrics = await scrape();
    expect(sample(metrics, 'identity_notification_queue_depth', { state: 'waiting' })).toBe(0);
  });

  it('is served without a token and left out of the API document', async () => {
    const document = await t.request('GET', '/docs/openapi.json');
    expect(Object.keys(document.body.paths)).not.toEqual(expect.arrayContaining(['/metrics', '/healthz', '/readyz']));
    expect(Object.keys(document.body.paths).some((path) => /^\/(metrics|healthz|readyz|\.well-known|oauth)\b/.test(path))).toBe(false);
  });
});
