import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createGrpcWebTransport } from '@connectrpc/connect-web';
import { ChannelCredentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { createAccessTokenInterceptor, createAdminClient } from '@zitadel/node/dist/api/index.js';
import { AdminService } from '@zitadel/proto/zitadel/admin_pb';
import { ErrorDetailSchema } from '@zitadel/proto/zitadel/message_pb';
import { service as healthService } from 'grpc-health-check';
import { createConnection } from 'mysql2/promise';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productionEnv } from './support/test-app';
import { BuiltServer } from './support/built-server';
import { eventually } from './support/eventually';
import { freePort } from './support/free-port';
import { grpcFailure } from './support/grpc-clients';
import { MariadbProcess } from './support/mariadb-process';
import { RedisProcess } from './support/redis-process';
import { TestIssuer } from './support/test-issuer';

jest.setTimeout(90_000);

const OUTAGE_WARNING = 'database unavailable: requests that need it are answered UNAVAILABLE (503, gRPC code 14) until it is back';
const OUTAGE_REQUEST_LINE = 'request refused: a dependency is unavailable';

/**
 * The built server in the production topology on a mariadbd and a
 * redis-server of this suite's own, which it kills, stops and starts again
 * (never the machine's shared ones): what clients get and what the log says
 * while the database or Redis is gone, and after.
 */
describe('the database or Redis goes away under requests (built server, production topology)', () => {
  let cwd: string;
  let database: MariadbProcess;
  let redis: RedisProcess;
  let issuer: TestIssuer;
  let server: BuiltServer;
  let grpcPort: number;
  let token: string;
  let userId: string;
  let providerId: string;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, text };
  };
  const admin = () => createAdminClient(`127.0.0.1:${grpcPort}`, createAccessTokenInterceptor(token));
  const webAdmin = () => createClient(AdminService, createGrpcWebTransport({ baseUrl: server.url }));
  const linesSince = (from: number) => server.lines.slice(from);
  const withMessage = (lines: Array<Record<string, any>>, msg: string) => lines.filter((line) => line.msg === msg);

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'idt-outage-'));
    database = await new MariadbProcess().start();
    redis = await new RedisProcess().start();
    issuer = await new TestIssuer().start();
    grpcPort = await freePort();
    server = await BuiltServer.start(
      cwd,
      await productionEnv({ databaseUrl: database.urlFor('identity'), redisUrl: redis.url, issuerUrl: issuer.url, grpcPort }, { LOG_LEVEL: 'info' }),
    );
    token = await issuer.owner();
    const schema = await api('POST', '/resources/v3alpha/user_schemas', { type: 'outage', schema: { type: 'object' } });
    const user = await api('POST', '/resources/v3alpha/users?organization.orgId=org-1', { schemaId: schema.body.details.id, data: {} });
    userId = user.body.details.id;
    providerId = (await api('POST', '/admin/v1/sms/twilio', { sid: 'AC1', token: 'outage-token', senderNumber: '+41791234567' })).body.id;
  });
  // A test that failed half-way leaves no outage behind for the next one.
  afterEach(async () => {
    if (!database.running) await database.start();
  });
  afterAll(async () => {
    await server?.kill();
    await issuer?.stop();
    await redis?.stop();
    await database?.remove();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  const expectUnavailable = (response: { status: number; body: any; text: string }) => {
    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      code: 14,
      message: 'the database is unavailable; try again later (DATABASE-Unavailable)',
      details: [{ '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id: 'DATABASE-Unavailable', message: 'the database is unavailable; try again later' }],
    });
  };

  it.each([
    ['SIGKILLed', () => database.kill()],
    ['stopped (SIGTERM)', () => database.stop()],
  ])('database %s: 503 and gRPC code 14 on REST, gRPC and gRPC-web, one warning when it goes and one line when it is back', async (_how, takeDown) => {
    expect((await api('GET', `/resources/v3alpha/users/${userId}`)).status).toBe(200);
    const from = server.lines.length;
    await takeDown();

    for (let i = 0; i < 10; i++) {
      expectUnavailable(await api('GET', `/resources/v3alpha/users/${userId}`));
      expectUnavailable(await api('PUT', `/admin/v1/sms/twilio/${providerId}/token`, { token: `rotated-${i}` }));
    }
    for (let i = 0; i < 3; i++) {
      expect(await grpcFailure((options) => admin().listSMSProviders({}, options))).toEqual({
        code: 14,
        message: 'the database is unavailable; try again later (DATABASE-Unavailable)',
        detail: { id: 'DATABASE-Unavailable', message: 'the database is unavailable; try again later' },
        status: { code: 14, message: 'the database is unavailable; try again later (DATABASE-Unavailable)', typeUrl: 'type.googleapis.com/zitadel.v1.ErrorDetail' },
      });
      const web = await webAdmin()
        .getSMSProvider({ id: providerId }, { headers: { authorization: `Bearer ${token}` } })
        .then(() => undefined, (error: unknown) => ConnectError.from(error));
      expect({ code: web?.code, message: web?.rawMessage, id: web?.findDetails(ErrorDetailSchema)[0]?.id }).toEqual({
        code: Code.Unavailable,
        message: 'the database is unavailable; try again later (DATABASE-Unavailable)',
        id: 'DATABASE-Unavailable',
      });
    }
    // A load balancer's probe, polling: not ready, said once.
    for (let i = 0; i < 5; i++) expect((await fetch(`${server.url}/readyz`)).status).toBe(503);

    await database.start();
    const back = await eventually(async () => {
      const response = await api('GET', `/resources/v3alpha/users/${userId}`);
      return response.status === 200 ? response : undefined;
    }, 30_000);
    expect(back.body.user).toBeDefined();
    expect((await api('PUT', `/admin/v1/sms/twilio/${providerId}/token`, { token: 'after-the-outage' })).status).toBe(200);
    await eventually(() => linesSince(from).some((line) => line.msg === 'database reachable again'), 30_000);
    await eventually(async () => (await fetch(`${server.url}/readyz`)).status === 200, 30_000);
    // The log reaches the test through a pipe, after the answers: wait for the last line the outage brings.
    await eventually(() => linesSince(from).some((line) => line.msg === 'ready again'));

    const lines = linesSince(from);
    expect(withMessage(lines, OUTAGE_WARNING)).toEqual([expect.objectContaining({ level: 40, reason: expect.any(String) })]);
    expect(withMessage(lines, 'database reachable again')).toEqual([
      expect.objectContaining({ level: 30, downForMs: expect.any(Number), refusedRequests: expect.any(Number) }),
    ]);
    expect(withMessage(lines, 'database reachable again')[0].refusedRequests).toBeGreaterThanOrEqual(26);
    // Readiness: one warning naming the failed check, one line when ready again; no line per poll.
    expect(withMessage(lines, 'not ready')).toEqual([expect.objectContaining({ level: 40, failed: expect.objectContaining({ database: expect.any(String) }) })]);
    expect(withMessage(lines, 'ready again')).toEqual([expect.objectContaining({ level: 30 })]);
    // The refused requests have their request lines (info, not errors); nothing is logged at error level, no stacks.
    expect(withMessage(lines, OUTAGE_REQUEST_LINE).length).toBeGreaterThanOrEqual(23);
    expect(withMessage(lines, OUTAGE_REQUEST_LINE).every((line) => line.level === 30)).toBe(true);
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(lines.filter((line) => line.err)).toEqual([]);
  });

  it('answers a request whose query was in flight when the database was killed with 503 and code 14, and a client that hangs up is not taken for an outage', async () => {
    // The token rotation waits for the provider's row, which a transaction of the test's own holds.
    const holder = await createConnection({ ...database.connection, database: 'identity' });
    await holder.query('START TRANSACTION');
    await holder.query('SELECT id FROM sms_providers WHERE id = ? FOR UPDATE', [providerId]);
    const rotation = api('PUT', `/admin/v1/sms/twilio/${providerId}/token`, { token: 'in-flight' });
    await eventually(async () => {
      const [rows] = await holder.query<import('mysql2').RowDataPacket[]>(
        "SELECT COUNT(*) AS waiting FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE '%FOR UPDATE%'",
      );
      return Number(rows[0].waiting) > 0;
    });
    const from = server.lines.length;
    await database.kill();
    holder.destroy();
    expectUnavailable(await rotation);
    expect(linesSince(from).filter((line) => line.level >= 50)).toEqual([]);
    await database.start();
    await eventually(async () => (await api('GET', `/resources/v3alpha/users/${userId}`)).status === 200, 30_000);

    // A client that sends half its body and hangs up went away: its line says so, and it is no outage.
    const afterRestart = server.lines.length;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1', () => {
        socket.write(
          [
            `PATCH /resources/v3alpha/users/${userId} HTTP/1.1`,
            `host: 127.0.0.1`,
            `authorization: Bearer ${token}`,
            'content-type: application/json',
            'content-length: 1000',
            '',
            '{"data":{"na',
          ].join('\r\n'),
          () => setTimeout(() => socket.destroy(), 200),
        );
      });
      socket.once('close', () => resolve());
      socket.once('error', reject);
    });
    const aborted = await eventually(() => linesSince(afterRestart).find((line) => line.req?.method === 'PATCH'));
    expect(aborted).toMatchObject({ level: 40, msg: 'request aborted' });
    expect(withMessage(linesSince(afterRestart), OUTAGE_WARNING)).toEqual([]);
  });

  it('Redis down: API requests do not need it (codes wait in the outbox), /readyz and gRPC health say not ready, once in the log', async () => {
    const Health = makeGenericClientConstructor(healthService as never, 'grpc.health.v1.Health');
    const health = new Health(`127.0.0.1:${grpcPort}`, ChannelCredentials.createInsecure()) as unknown as {
      check(request: { service: string }, callback: (error: Error | null, response?: { status: string }) => void): void;
      close(): void;
    };
    const healthStatus = () => new Promise<string | undefined>((resolve) => health.check({ service: '' }, (error, response) => resolve(error ? undefined : response?.status)));
    let redisDown = false;
    try {
      const from = server.lines.length;
      await redis.stop();
      redisDown = true;
      const patched = await api('PATCH', `/resources/v3alpha/users/${userId}`, { contact: { phone: { number: '+41791110001', sendCode: {} } } });
      expect(patched.status).toBe(200);
      expect((await api('GET', `/resources/v3alpha/users/${userId}`)).status).toBe(200);
      for (let i = 0; i < 5; i++) expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
      expect(await healthStatus()).toBe('NOT_SERVING');

      await redis.start();
      redisDown = false;
      await eventually(async () => (await fetch(`${server.url}/readyz`)).status === 200, 30_000);
      expect(await healthStatus()).toBe('SERVING');
      await eventually(() => linesSince(from).some((line) => line.msg === 'ready again'));
      const lines = linesSince(from);
      expect(withMessage(lines, 'not ready')).toEqual([expect.objectContaining({ level: 40, failed: expect.objectContaining({ redis: expect.stringContaining('redis') }) })]);
      expect(withMessage(lines, 'ready again')).toHaveLength(1);
      expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    } finally {
      health.close();
      if (redisDown) await redis.start();
    }
  });
});
