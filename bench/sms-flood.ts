/**
 * The SMS pumping flood: one token asks for codes to N distinct numbers as
 * fast as it can (50 requests in flight), and the run counts how many the
 * service accepted (200) and refused (429 by error id).
 *
 *   node -r ./test/support/ts-register.js bench/sms-flood.ts [self|manager] [N]
 *
 * self: a self-service account PATCHes its own phone number again and again
 * (sendCode). manager: an ORG_USER_MANAGER token PATCHes N different users of
 * its organization, one new number each. Runs the service in this process on
 * the machine's MariaDB (a database of its own, dropped at the end), without
 * Redis and without workers: only acceptance is measured, nothing is sent.
 * Extra settings go in through the environment (e.g. SMS_CODES_PER_CALLER_PER_HOUR).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { createPool } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { createApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { testDatabaseServer, testDatabaseUrl } from '../test/support/environment';
import { TestIssuer } from '../test/support/test-issuer';

const MODE = process.argv[2] === 'manager' ? 'manager' : 'self';
const N = Number(process.argv[3] ?? 1500);
const IN_FLIGHT = 50;
const ORG = 'flood-org';

async function main(): Promise<void> {
  const database = `idt_flood_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const issuer = await new TestIssuer().start();
  const passThrough = Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(SMS|EMAIL)_/.test(name))) as Record<string, string>;
  const config = loadConfig({
    DATABASE_URL: testDatabaseUrl(database),
    MASTER_KEY: 'flood-master-key-0123456789abcd!',
    AUTH_ISSUER: issuer.url,
    HOST: '127.0.0.1',
    HTTP_PORT: '0',
    GRPC_PORT: '0',
    NOTIFICATION_WORKERS: 'false',
    LOG_LEVEL: 'silent',
    ...passThrough,
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const call = async (method: string, path: string, token: string, body: unknown) => {
    const response = await fetch(origin + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  try {
    const owner = await issuer.owner();
    const schema = await call('POST', '/resources/v3alpha/user_schemas', owner, { type: 'flood', schema: { type: 'object', properties: { name: { type: 'string' } } } });
    const schemaId = schema.body.details.id as string;
    const users = MODE === 'self' ? 1 : N;
    const userIds: string[] = [];
    for (let i = 0; i < users; i++) {
      const created = await call('POST', `/resources/v3alpha/users?organization.orgId=${ORG}`, owner, { schemaId, data: { name: `u${i}` } });
      userIds.push(created.body.details.id);
    }
    const token =
      MODE === 'self'
        ? await issuer.token({ sub: userIds[0], org: ORG, expiresIn: 3600 })
        : await issuer.token({ sub: 'flood-manager', org: ORG, roles: { ORG_USER_MANAGER: [ORG] }, expiresIn: 3600 });

    const outcomes = new Map<string, number>();
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < N) {
          const i = next++;
          const userId = userIds[MODE === 'self' ? 0 : i];
          const number = `+4176${String(i).padStart(7, '0')}`;
          const answer = await call('PATCH', `/resources/v3alpha/users/${userId}`, token, { contact: { phone: { number, sendCode: {} } } });
          const outcome = answer.status === 200 ? 'accepted' : `${answer.status} ${answer.body?.details?.[0]?.id ?? ''}`.trim();
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        }
      }),
    );
    const elapsed = Date.now() - started;
    const [{ n }] = await app.get(DataSource).query('SELECT COUNT(*) AS n FROM notification_outbox');
    console.log(JSON.stringify({ mode: MODE, requests: N, elapsedMs: elapsed, outcomes: Object.fromEntries(outcomes), outboxRows: Number(n) }));
  } finally {
    await app.close();
    await issuer.stop();
    const pool = createPool({ ...testDatabaseServer(), connectionLimit: 1 });
    await pool.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await pool.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
