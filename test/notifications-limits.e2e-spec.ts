import { UnitOfWork } from '../src/common/persistence/unit-of-work';
import { GrpcCode, ZitadelError } from '../src/common/errors/zitadel-error';
import { SecretBox } from '../src/common/crypto/secret-box';
import { NotificationOutbox } from '../src/modules/notifications/notification-outbox';
import { outboxCodeAad } from '../src/modules/notifications/notification.entity';
import { eventually } from './support/eventually';
import { activeTwilioProvider, enqueueCode, outboxRow, uniquePhone, uniqueUserId } from './support/notifications';
import { TestApp } from './support/test-app';
import { TwilioStandIn } from './support/twilio-stand-in';

jest.setTimeout(30_000);

const MINUTE = 60_000;

async function refusal(promise: Promise<unknown>): Promise<ZitadelError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ZitadelError) return error;
    throw error;
  }
  throw new Error('expected the code to be refused');
}

/**
 * Send limits against SMS pumping, and the in-process queue (no REDIS_URL):
 * this suite runs without Redis, so its deliveries also show that driver.
 */
describe('Send limits and the in-process queue', () => {
  let t: TestApp;
  let twilio: TwilioStandIn;

  beforeAll(async () => {
    twilio = await new TwilioStandIn().start();
    t = await TestApp.start({ TWILIO_BASE_URL: twilio.url, NOTIFICATION_RETRY_BASE_MS: '50' });
    await activeTwilioProvider(t, await t.issuer.owner(), { sid: 'AC4242', token: 'limits-token' });
  });
  afterAll(async () => {
    await t?.close();
    await twilio?.stop();
  });

  const phoneRows = async (to: string) => t.query('SELECT id, state FROM notification_outbox WHERE recipient = ? ORDER BY created_at', [to]);

  it('delivers through the in-process queue when REDIS_URL is not set', async () => {
    const to = uniquePhone();
    const id = await enqueueCode(t, { recipient: to, code: 'LOCAL1' });
    await eventually(async () => ((await outboxRow(t, id)).state === 'sent' ? true : undefined));
    expect(twilio.acceptedMessages().filter((r) => r.form.To === to).map((r) => r.form.Body)).toEqual([expect.stringContaining('LOCAL1')]);
  });

  it('retries through the in-process queue too', async () => {
    twilio.reply({ status: 429, code: 20429 }, { status: 502 });
    const to = uniquePhone();
    const id = await enqueueCode(t, { recipient: to });
    await eventually(async () => ((await outboxRow(t, id)).state === 'sent' ? true : undefined));
    expect(twilio.messageRequests().filter((r) => r.form.To === to).map((r) => r.status)).toEqual([429, 502, 201]);
  });

  it('refuses a second code within the 60 s cool-down with ResourceExhausted (429, code 8), and sends nothing', async () => {
    const to = uniquePhone();
    await enqueueCode(t, { recipient: to });
    t.clock.advance(30_000);
    const error = await refusal(enqueueCode(t, { recipient: to }));
    expect({ code: error.code, http: error.httpStatus, id: error.id }).toEqual({ code: GrpcCode.RESOURCE_EXHAUSTED, http: 429, id: 'NOTIFY-c00ld0wn' });
    expect(error.message).not.toContain(to);
    expect(await phoneRows(to)).toHaveLength(1);

    t.clock.advance(31_000);
    await enqueueCode(t, { recipient: to });
    expect(await phoneRows(to)).toHaveLength(2);
  });

  it('allows at most 3 codes per number in 10 minutes', async () => {
    const to = uniquePhone();
    for (let i = 0; i < 3; i++) {
      await enqueueCode(t, { recipient: to });
      t.clock.advance(2 * MINUTE);
    }
    const error = await refusal(enqueueCode(t, { recipient: to }));
    expect({ code: error.code, http: error.httpStatus, id: error.id }).toEqual({ code: GrpcCode.RESOURCE_EXHAUSTED, http: 429, id: 'NOTIFY-l1m1t10m' });
    expect(await phoneRows(to)).toHaveLength(3);

    // Ten minutes after the first code, one slot is free again.
    t.clock.advance(4 * MINUTE + 1000);
    await enqueueCode(t, { recipient: to });
    expect(await phoneRows(to)).toHaveLength(4);
  });

  it('rolls the caller\'s whole change back when a code is refused', async () => {
    const to = uniquePhone();
    const outbox = t.app.get(NotificationOutbox);
    const base = { channel: 'sms' as const, purpose: 'verify_phone' as const, recipient: to, userId: 'u1', organizationId: 'org-1', callerId: 'test-caller', code: 'AAAAAA' };
    await refusal(
      t.app.get(UnitOfWork).run(async (em) => {
        await outbox.enqueue(em, { ...base, expiresAt: new Date(t.clock.now().getTime() + 10 * MINUTE) });
        await outbox.enqueue(em, { ...base, expiresAt: new Date(t.clock.now().getTime() + 10 * MINUTE) });
      }),
    );
    expect(await phoneRows(to)).toHaveLength(0);
  });

  it('holds under concurrent requests for one number: exactly one of ten gets through', async () => {
    const to = uniquePhone();
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => enqueueCode(t, { recipient: to })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
      expect(result.reason).toBeInstanceOf(ZitadelError);
      expect((result.reason as ZitadelError).code).toBe(GrpcCode.RESOURCE_EXHAUSTED);
    }
    expect(await phoneRows(to)).toHaveLength(1);
  });

  it('limits each channel and recipient on its own', async () => {
    const to = uniquePhone();
    await enqueueCode(t, { recipient: to });
    await enqueueCode(t, { recipient: uniquePhone() });
    await enqueueCode(t, { channel: 'email', purpose: 'verify_email', recipient: 'limits@example.com' });
    const error = await refusal(enqueueCode(t, { channel: 'email', purpose: 'verify_email', recipient: 'limits@example.com' }));
    expect(error.code).toBe(GrpcCode.RESOURCE_EXHAUSTED);
  });
});

describe('The relay\'s sweep', () => {
  let t: TestApp;
  let twilio: TwilioStandIn;
  beforeAll(async () => {
    twilio = await new TwilioStandIn().start();
    t = await TestApp.start({ TWILIO_BASE_URL: twilio.url, NOTIFICATION_LOCK_MS: '1000' });
    await activeTwilioProvider(t, await t.issuer.owner(), { sid: 'AC4343', token: 'sweep-token' });
  });
  afterAll(async () => {
    await t?.close();
    await twilio?.stop();
  });

  it('queues again a row left queued by a process that died with its in-process queue', async () => {
    const to = uniquePhone();
    const sealed = t.app.get(SecretBox).seal('SWEEP1', outboxCodeAad('4242424242'));
    const long_ago = new Date(t.clock.now().getTime() - 5 * MINUTE);
    await t.execute(
      `INSERT INTO notification_outbox (id, channel, purpose, recipient, user_id, organization_id, code_ciphertext, code_key_id, state, attempts, created_at, updated_at, expires_at)
       VALUES ('4242424242', 'sms', 'verify_phone', ?, 'u1', 'org-1', ?, ?, 'queued', 0, ?, ?, ?)`,
      [to, sealed.ciphertext, sealed.keyId, long_ago, long_ago, new Date(t.clock.now().getTime() + 5 * MINUTE)],
    );
    await eventually(async () => ((await outboxRow(t, '4242424242')).state === 'sent' ? true : undefined));
    expect(twilio.acceptedMessages().filter((r) => r.form.To === to).map((r) => r.form.Body)).toEqual([expect.stringContaining('SWEEP1')]);
  });
});

describe('Send limits are configurable', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ SMS_CODES_PER_10_MIN: '2', SMS_RESEND_COOLDOWN_SECONDS: '0', NOTIFICATION_WORKERS: 'false' });
  });
  afterAll(() => t?.close());

  it('follows SMS_CODES_PER_10_MIN and SMS_RESEND_COOLDOWN_SECONDS', async () => {
    const to = uniquePhone();
    await enqueueCode(t, { recipient: to });
    await enqueueCode(t, { recipient: to }); // no cool-down
    const error = await refusal(enqueueCode(t, { recipient: to }));
    expect(error.id).toBe('NOTIFY-l1m1t10m');
  });
});

describe('Send limits beyond the number', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({
      NOTIFICATION_WORKERS: 'false',
      SMS_CODES_PER_USER_PER_HOUR: '2',
      SMS_CODES_PER_CALLER_PER_HOUR: '2',
      SMS_CODES_PER_INSTANCE_PER_HOUR: '4',
      SMS_DENIED_COUNTRY_CODES: '236',
    });
  });
  afterAll(() => t?.close());

  it('follows the hourly limits per user, per caller and per instance, and the country deny-list, on this topology too', async () => {
    const userId = uniqueUserId();
    await enqueueCode(t, { userId, callerId: 'caller-a' });
    await enqueueCode(t, { userId, callerId: 'caller-b' });
    expect((await refusal(enqueueCode(t, { userId, callerId: 'caller-c' }))).id).toBe('NOTIFY-l1m1tUsr');
    await enqueueCode(t, { callerId: 'caller-a' });
    expect((await refusal(enqueueCode(t, { callerId: 'caller-a' }))).id).toBe('NOTIFY-l1m1tCllr');
    await enqueueCode(t, { callerId: 'caller-d' });
    expect((await refusal(enqueueCode(t, { callerId: 'caller-e' }))).id).toBe('NOTIFY-l1m1tInst');
    expect((await refusal(enqueueCode(t, { recipient: '+23670000000', callerId: 'caller-f' }))).id).toBe('NOTIFY-c0untry');
    expect(await t.query("SELECT id FROM notification_outbox WHERE channel = 'sms'")).toHaveLength(4);
    // Email codes have limits of their own.
    await enqueueCode(t, { channel: 'email', purpose: 'verify_email', recipient: 'hourly@example.com', callerId: 'caller-a' });

    t.clock.advance(60 * MINUTE);
    await enqueueCode(t, { userId, callerId: 'caller-a' });
  });
});
