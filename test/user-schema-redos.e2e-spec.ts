import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createPool } from 'mysql2/promise';
import { BuiltServer, bareEnv } from './support/built-server';
import { runId, testDatabaseServer, testDatabaseUrl } from './support/environment';
import { TestIssuer } from './support/test-issuer';
import { TEST_MASTER_KEY } from './support/test-app';
import { SCHEMAS, USERS } from './support/users-fixture';

/**
 * A schema pattern with catastrophic backtracking, written by an
 * administrator, meets data written by an end user. The server runs as its
 * own process (as `npm start` does), so that a blocked event loop there
 * cannot stop this suite's timers: with a backtracking engine the hostile
 * write below would hold the server for far longer than the test's timeout.
 */
describe('hostile user data against a catastrophic schema pattern (built server, MariaDB)', () => {
  const database = `idt_${runId()}_${randomBytes(4).toString('hex')}`;
  let cwd: string;
  let issuer: TestIssuer;
  let server: BuiltServer | undefined;

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'idt-redos-'));
    issuer = await new TestIssuer().start();
    server = BuiltServer.launch(
      cwd,
      bareEnv({
        HOST: '127.0.0.1',
        HTTP_PORT: '0',
        GRPC_PORT: '0',
        DATABASE_URL: testDatabaseUrl(database),
        MASTER_KEY: TEST_MASTER_KEY,
        AUTH_ISSUER: issuer.url,
        QUEUE_PREFIX: `idt-${runId()}-${database.slice(-8)}`,
      }),
    );
    await server.ready();
  });
  afterAll(async () => {
    await server?.kill();
    await issuer?.stop();
    rmSync(cwd, { recursive: true, force: true });
    const pool = createPool({ ...testDatabaseServer(), connectionLimit: 1 });
    await pool.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await pool.end();
  });

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await fetch(server!.url + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
  };

  it('answers the hostile PATCH with 400 while /healthz and another user\'s GET are served', async () => {
    const owner = await issuer.owner();
    const schema = await call('POST', SCHEMAS, owner, {
      type: 'hostile',
      schema: {
        type: 'object',
        properties: { name: { type: 'string', pattern: '^(a+)+$', 'urn:zitadel:schema:permission': { owner: 'rw', self: 'rw' } } },
      },
    });
    expect(schema.status).toBe(201);
    const schemaId = schema.body.details.id;
    const newUser = async () => {
      const created = await call('POST', `${USERS}?organization.orgId=org-1`, owner, { schemaId, data: { name: 'aaa' } });
      expect(created.status).toBe(201);
      return created.body.details.id as string;
    };
    const attacker = await newUser();
    const bystander = await newUser();
    const attackerToken = await issuer.token({ sub: attacker, org: 'org-1' });

    // 2^40 backtracking steps per request for JavaScript's engine.
    const hostile = { data: { name: 'a'.repeat(40) + '!' } };
    const attacks = Array.from({ length: 3 }, () => call('PATCH', `${USERS}/${attacker}`, attackerToken, hostile));
    const [health, read, ...answers] = await Promise.all([call('GET', '/healthz'), call('GET', `${USERS}/${bystander}`, owner), ...attacks]);

    expect(health.status).toBe(200);
    expect(read.status).toBe(200);
    expect(read.body.user.data).toEqual({ name: 'aaa' });
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        code: 9,
        message: expect.stringContaining('/name: must match pattern'),
        details: [{ '@type': 'type.googleapis.com/zitadel.v1.ErrorDetail', id: 'COMMAND-SlKXqLSeL6', message: expect.any(String) }],
      });
    }
    const unchanged = await call('GET', `${USERS}/${attacker}`, owner);
    expect(unchanged.body.user.data).toEqual({ name: 'aaa' });
  });
});
