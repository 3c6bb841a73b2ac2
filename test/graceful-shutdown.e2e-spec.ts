import { ChannelCredentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { createAccessTokenInterceptor, createAdminClient } from '@zitadel/node/dist/api/index.js';
import { service as healthService } from 'grpc-health-check';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productionEnv } from './support/test-app';
import { BuiltServer, bareEnv } from './support/built-server';
import { freePort } from './support/free-port';
import { MariadbProcess } from './support/mariadb-process';
import { RedisProcess } from './support/redis-process';
import { TestIssuer } from './support/test-issuer';

/** One request on a connection of its own (no keep-alive pool): a new client, as after a load balancer's choice. */
function freshRequest(url: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${path}`, { agent: false, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    request.once('error', reject);
    request.end();
  });
}

describe('graceful shutdown on SIGTERM (built server)', () => {
  let cwd: string;
  let issuer: TestIssuer;
  let server: BuiltServer | undefined;

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'idt-shutdown-'));
    issuer = await new TestIssuer().start();
  });
  afterAll(async () => {
    await server?.kill();
    await issuer.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('stops accepting, finishes the request in flight, closes the database and exits 0', async () => {
    // No grace period: the held request below must still be in flight when the listener closes (the issuer's key fetch gives up after a few seconds).
    server = await BuiltServer.start(cwd, bareEnv({ HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', AUTH_ISSUER: issuer.url, SHUTDOWN_GRACE_SECONDS: '0' }));

    // The first authenticated request must fetch the issuer's keys; holding
    // them back keeps it in flight for as long as the test wants.
    const held = issuer.holdJwks();
    const inFlight = fetch(`${server.url}/admin/v1/sms/_search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await issuer.owner()}`, 'content-type': 'application/json' },
      body: '{}',
    });
    await held.requested;

    server.signal('SIGTERM');
    await server.waitForLine((line) => typeof line.msg === 'string' && line.msg.startsWith('SIGTERM: no longer accepting connections; finishing 1 request(s) in flight'));
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

    held.release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toEqual({ details: { totalResult: '0', viewTimestamp: expect.any(String) }, result: [] });

    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.lines.map((line) => line.msg)).toContain('stopped');
    expect(server.stderr.join('')).toBe('');
    // SQLite folds its write-ahead log back into the database file when the
    // last connection closes: the pools were closed, not abandoned.
    expect(existsSync(join(cwd, 'data', 'identity.sqlite'))).toBe(true);
    expect(existsSync(join(cwd, 'data', 'identity.sqlite-wal'))).toBe(false);
  });

  describe('with a grace period, in the production topology', () => {
    let database: MariadbProcess;
    let redis: RedisProcess;
    let graceCwd: string;
    let graced: BuiltServer | undefined;

    beforeAll(async () => {
      graceCwd = mkdtempSync(join(tmpdir(), 'idt-shutdown-grace-'));
      database = await new MariadbProcess().start();
      redis = await new RedisProcess().start();
    });
    afterAll(async () => {
      await graced?.kill();
      await redis?.stop();
      await database?.remove();
      rmSync(graceCwd, { recursive: true, force: true });
    });

    it('reports not ready (/readyz 503, gRPC health NOT_SERVING) and keeps serving for SHUTDOWN_GRACE_SECONDS, then refuses new connections and exits 0', async () => {
      const grpcPort = await freePort();
      graced = await BuiltServer.start(
        graceCwd,
        await productionEnv({ databaseUrl: database.urlFor('identity'), redisUrl: redis.url, issuerUrl: issuer.url, grpcPort }, { SHUTDOWN_GRACE_SECONDS: '3' }),
      );
      const server = graced;
      const auth = { authorization: `Bearer ${await issuer.owner()}` };
      const Health = makeGenericClientConstructor(healthService as never, 'grpc.health.v1.Health');
      const health = new Health(`127.0.0.1:${grpcPort}`, ChannelCredentials.createInsecure()) as unknown as {
        check(request: { service: string }, callback: (error: Error | null, response?: { status: string }) => void): void;
        close(): void;
      };
      const healthStatus = () => new Promise<string | undefined>((resolve) => health.check({ service: '' }, (error, response) => resolve(error ? undefined : response?.status)));
      const admin = createAdminClient(`127.0.0.1:${grpcPort}`, createAccessTokenInterceptor(auth.authorization.slice('Bearer '.length)));
      const { id } = await admin.addSMSProviderTwilio({ sid: 'AC1', token: 'grace-token', senderNumber: '+41791234567', description: 'grace' });
      try {
        expect((await freshRequest(server.url, '/readyz')).status).toBe(200);
        expect(await healthStatus()).toBe('SERVING');

        server.signal('SIGTERM');
        await server.waitForLine((line) => line.msg === 'SIGTERM: not ready; serving 3 s more (SHUTDOWN_GRACE_SECONDS) before the listeners close');
        const drainStarted = () => server.lines.some((line) => typeof line.msg === 'string' && line.msg.startsWith('SIGTERM: no longer accepting connections'));

        // During the grace: not ready, yet new connections are served, on HTTP and native gRPC.
        expect(await freshRequest(server.url, '/readyz')).toEqual({ status: 503, body: expect.objectContaining({ status: 'shutting_down' }) });
        expect(await healthStatus()).toBe('NOT_SERVING');
        const read = await freshRequest(server.url, `/admin/v1/sms/${id}`, auth);
        expect(read).toEqual({ status: 200, body: expect.objectContaining({ config: expect.objectContaining({ id, description: 'grace' }) }) });
        expect((await admin.getSMSProvider({ id })).config?.id).toBe(id);
        expect((await freshRequest(server.url, '/healthz')).status).toBe(200);
        // All of that was answered before the listeners closed.
        expect(drainStarted()).toBe(false);

        await server.waitForLine((line) => line.msg === 'SIGTERM: no longer accepting connections; finishing 0 request(s) in flight');
        await expect(freshRequest(server.url, '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
        expect(await server.exited).toEqual({ code: 0, signal: null });
        expect(server.lines.map((line) => line.msg)).toContain('stopped');
        expect(server.lines.filter((line) => line.level >= 50)).toEqual([]);
        expect(server.stderr.join('')).toBe('');
      } finally {
        health.close();
      }
    });
  });
});
