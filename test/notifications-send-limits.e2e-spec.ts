import { GrpcCode } from '../src/common/errors/zitadel-error';
import { grpcFailure, usersClient } from './support/grpc-clients';
import { testRedisUrl } from './support/environment';
import { enqueueCode, uniquePhone, uniqueUserId } from './support/notifications';
import { sample } from './support/prometheus';
import { ApiResponse, TestApp, expectZitadelError } from './support/test-app';
import { USERS, createSchema, createUser } from './support/users-fixture';

jest.setTimeout(60_000);

const ORG = 'org-pump';

/**
 * Send limits beyond the number (SMS pumping, mail bombing) on the production
 * topology: two service processes of one deployment on the same MariaDB and
 * Redis, each request sent to one or the other. The counts live in the
 * database, so what one process accepted counts on the other.
 */
async function deployment(env: Record<string, string>): Promise<[TestApp, TestApp]> {
  const settings = { REDIS_URL: testRedisUrl(), NOTIFICATION_WORKERS: 'false', ...env };
  const a = await TestApp.start(settings);
  try {
    return [a, await TestApp.start(settings, { sameDeploymentAs: a })];
  } catch (error) {
    await a.close();
    throw error;
  }
}

async function closeDeployment(apps: TestApp[] | undefined): Promise<void> {
  if (!apps) return;
  for (const app of [...apps].reverse()) await app?.close();
}

const patchPhone = (t: TestApp, token: string, userId: string, number: string) =>
  t.request('PATCH', `${USERS}/${userId}`, { token, body: { contact: { phone: { number, sendCode: {} } } } });

const patchEmail = (t: TestApp, token: string, userId: string, address: string) =>
  t.request('PATCH', `${USERS}/${userId}`, { token, body: { contact: { email: { address, sendCode: {} } } } });

async function refusalsOn(t: TestApp, channel: string, reason: string): Promise<number> {
  const metrics = await t.request('GET', '/metrics');
  return sample(metrics.text, 'identity_notification_send_refusals_total', { channel, reason }) ?? 0;
}

const outboxCount = async (t: TestApp, where: string, params: unknown[]) =>
  Number((await t.query(`SELECT COUNT(*) AS n FROM notification_outbox WHERE ${where}`, params))[0].n);

function expectRefused(response: ApiResponse, id: string): void {
  expectZitadelError(response, 429, GrpcCode.RESOURCE_EXHAUSTED, id);
}

describe('Send limits per user and per caller, across two instances', () => {
  let apps: [TestApp, TestApp];
  let schemaId: string;
  let owner: string;
  beforeAll(async () => {
    apps = await deployment({
      SMS_CODES_PER_USER_PER_HOUR: '3',
      SMS_CODES_PER_CALLER_PER_HOUR: '5',
      EMAIL_CODES_PER_USER_PER_HOUR: '2',
      SMS_ALLOWED_COUNTRY_CODES: '41,44',
    });
    owner = await apps[0].issuer.owner();
    schemaId = await createSchema(apps[0], owner);
  });
  afterAll(() => closeDeployment(apps));

  const newUser = async () => (await createUser(apps[0], owner, { schemaId, data: { name: 'P' } }, ORG)).id;

  it('stops a self-service account at SMS_CODES_PER_USER_PER_HOUR codes, whichever instance it asks, and rolls the refused change back', async () => {
    const userId = await newUser();
    const self = await apps[0].issuer.token({ sub: userId, org: ORG });
    const numbers = [uniquePhone(), uniquePhone(), uniquePhone(), uniquePhone()];
    const before = await refusalsOn(apps[1], 'sms', 'user');
    for (let i = 0; i < 3; i++) expect((await patchPhone(apps[i % 2], self, userId, numbers[i])).status).toBe(200);

    const refused = await patchPhone(apps[1], self, userId, numbers[3]);
    expectRefused(refused, 'NOTIFY-l1m1tUsr');
    expect(refused.text).not.toContain(numbers[3]);
    // Nothing queued, and the number did not change either.
    expect(await outboxCount(apps[0], 'user_id = ?', [userId])).toBe(3);
    expect((await apps[0].query('SELECT phone_number FROM users WHERE id = ?', [userId]))[0].phone_number).toBe(numbers[2]);
    expect(await refusalsOn(apps[1], 'sms', 'user')).toBe(before + 1);
    // The other instance refuses it too.
    expectRefused(await patchPhone(apps[0], self, userId, numbers[3]), 'NOTIFY-l1m1tUsr');
  });

  it('counts the per-number refusals under reason "number" as before', async () => {
    const userId = await newUser();
    const number = uniquePhone();
    const before = await refusalsOn(apps[0], 'sms', 'number');
    expect((await patchPhone(apps[1], owner, userId, number)).status).toBe(200);
    expectRefused(await apps[0].request('POST', `${USERS}/${userId}/phone/_resend`, { token: owner, body: {} }), 'NOTIFY-c00ld0wn');
    expect(await refusalsOn(apps[0], 'sms', 'number')).toBe(before + 1);
  });

  it('counts concurrent codes for one user exactly, across both instances', async () => {
    const userId = uniqueUserId();
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => enqueueCode(apps[i % 2], { userId, callerId: `caller-${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: GrpcCode.RESOURCE_EXHAUSTED, id: 'NOTIFY-l1m1tUsr' });
    expect(await outboxCount(apps[0], 'user_id = ?', [userId])).toBe(3);
  });

  it('limits email codes per user on their own (EMAIL_CODES_PER_USER_PER_HOUR)', async () => {
    const userId = await newUser();
    for (let i = 0; i < 2; i++) expect((await patchEmail(apps[i % 2], owner, userId, `pump-${userId}-${i}@example.com`)).status).toBe(200);
    expectRefused(await patchEmail(apps[0], owner, userId, `pump-${userId}-2@example.com`), 'NOTIFY-l1m1tUsr');
    // The user's SMS count is another one.
    expect((await patchPhone(apps[1], owner, userId, uniquePhone())).status).toBe(200);
  });

  it('stops a manager token at SMS_CODES_PER_CALLER_PER_HOUR codes for distinct users, on REST and over gRPC, and no other caller', async () => {
    const manager = await apps[0].issuer.token({ sub: 'pump-manager', org: ORG, roles: { ORG_USER_MANAGER: [ORG] } });
    const users: string[] = [];
    for (let i = 0; i < 7; i++) users.push(await newUser());
    const before = [await refusalsOn(apps[0], 'sms', 'caller'), await refusalsOn(apps[1], 'sms', 'caller')];
    for (let i = 0; i < 5; i++) expect((await patchPhone(apps[i % 2], manager, users[i], uniquePhone())).status).toBe(200);

    expectRefused(await patchPhone(apps[0], manager, users[5], uniquePhone()), 'NOTIFY-l1m1tCllr');
    const overGrpc = await grpcFailure((options) =>
      usersClient(apps[1], manager).patchUser({ id: users[6], user: { contact: { phone: { number: uniquePhone(), sendCode: {} } } } }, options),
    );
    expect({ code: overGrpc.code, id: overGrpc.detail?.id }).toEqual({ code: GrpcCode.RESOURCE_EXHAUSTED, id: 'NOTIFY-l1m1tCllr' });
    expect(await outboxCount(apps[0], 'user_id IN (?, ?)', [users[5], users[6]])).toBe(0);
    expect([await refusalsOn(apps[0], 'sms', 'caller'), await refusalsOn(apps[1], 'sms', 'caller')]).toEqual([before[0] + 1, before[1] + 1]);

    // Another caller has its own count; the manager's email codes too.
    const colleague = await apps[0].issuer.token({ sub: 'pump-colleague', org: ORG, roles: { ORG_USER_MANAGER: [ORG] } });
    expect((await patchPhone(apps[1], colleague, users[5], uniquePhone())).status).toBe(200);
    expect((await patchEmail(apps[0], manager, users[6], `pump-${users[6]}@example.com`)).status).toBe(200);
  });

  it('sends SMS only to the calling codes of SMS_ALLOWED_COUNTRY_CODES', async () => {
    const userId = await newUser();
    const before = await refusalsOn(apps[0], 'sms', 'country');
    const refused = await patchPhone(apps[0], owner, userId, '+4915123456789');
    expectRefused(refused, 'NOTIFY-c0untry');
    expect(await outboxCount(apps[0], 'user_id = ?', [userId])).toBe(0);
    expect((await apps[0].query('SELECT phone_number FROM users WHERE id = ?', [userId]))[0].phone_number).toBeNull();
    expect(await refusalsOn(apps[0], 'sms', 'country')).toBe(before + 1);
    expect((await patchPhone(apps[1], owner, userId, '+447700900123')).status).toBe(200);
  });
});

describe('The instance ceiling and the country deny-list, across two instances', () => {
  let apps: [TestApp, TestApp];
  let schemaId: string;
  let owner: string;
  beforeAll(async () => {
    apps = await deployment({ SMS_CODES_PER_INSTANCE_PER_HOUR: '4', EMAIL_CODES_PER_INSTANCE_PER_HOUR: '1', SMS_DENIED_COUNTRY_CODES: '236,882' });
    owner = await apps[0].issuer.owner();
    schemaId = await createSchema(apps[0], owner);
  });
  afterAll(() => closeDeployment(apps));

  const selfServiceUser = async () => {
    const id = (await createUser(apps[0], owner, { schemaId, data: { name: 'S' } }, ORG)).id;
    return { id, token: await apps[0].issuer.token({ sub: id, org: ORG }) };
  };

  it('refuses SMS to denied calling codes and lets the others through', async () => {
    const user = await selfServiceUser();
    expectRefused(await patchPhone(apps[0], user.token, user.id, '+23670000000'), 'NOTIFY-c0untry');
    const overGrpc = await grpcFailure((options) =>
      usersClient(apps[1], owner).patchUser({ id: user.id, user: { contact: { phone: { number: '+88216000000', sendCode: {} } } } }, options),
    );
    expect({ code: overGrpc.code, id: overGrpc.detail?.id }).toEqual({ code: GrpcCode.RESOURCE_EXHAUSTED, id: 'NOTIFY-c0untry' });
    expect(await refusalsOn(apps[0], 'sms', 'country')).toBe(1);
    expect(await refusalsOn(apps[1], 'sms', 'country')).toBe(1);
    expect(await outboxCount(apps[0], 'user_id = ?', [user.id])).toBe(0);
  });

  it('stops every caller once the deployment sent SMS_CODES_PER_INSTANCE_PER_HOUR codes, shared by both instances', async () => {
    // The refused codes above were rolled back: they do not count.
    for (let i = 0; i < 4; i++) {
      const user = await selfServiceUser();
      expect((await patchPhone(apps[i % 2], user.token, user.id, uniquePhone())).status).toBe(200);
    }
    const late = await selfServiceUser();
    expectRefused(await patchPhone(apps[0], late.token, late.id, uniquePhone()), 'NOTIFY-l1m1tInst');
    expectRefused(await patchPhone(apps[1], owner, late.id, uniquePhone()), 'NOTIFY-l1m1tInst');
    expect(await outboxCount(apps[0], "channel = 'sms'", [])).toBe(4);
    expect([await refusalsOn(apps[0], 'sms', 'instance'), await refusalsOn(apps[1], 'sms', 'instance')]).toEqual([1, 1]);

    // Email has a ceiling of its own.
    expect((await patchEmail(apps[1], owner, late.id, 'ceiling-1@example.com')).status).toBe(200);
    expectRefused(await patchEmail(apps[0], owner, late.id, 'ceiling-2@example.com'), 'NOTIFY-l1m1tInst');
    expect(await refusalsOn(apps[0], 'email', 'instance')).toBe(1);
  });

  it('opens again in the next clock hour', async () => {
    const user = await selfServiceUser();
    expectRefused(await patchPhone(apps[0], user.token, user.id, uniquePhone()), 'NOTIFY-l1m1tInst');
    for (const app of apps) app.clock.advance(60 * 60_000);
    expect((await patchPhone(apps[0], user.token, user.id, uniquePhone())).status).toBe(200);
  });
});
