import { DataSource, QueryRunner } from 'typeorm';
import { UnitOfWork } from '../src/common/persistence/unit-of-work';
import { NotificationRepository } from '../src/modules/notifications/notification.repository';
import { OutboxRelay } from '../src/modules/notifications/relay/outbox-relay';
import { testRedisUrl } from './support/environment';
import { uniquePhone } from './support/notifications';
import { TestApp } from './support/test-app';

jest.setTimeout(30_000);

/**
 * The relay's sweep fails pending rows whose code expired. It must never wait
 * for rows another relay has claimed (FOR UPDATE): a sweep that waited held
 * every other pending row meanwhile, and the relays' SKIP LOCKED claims then
 * skipped them all (`npm run chaos` saw relaying stop for minutes). Were it to
 * wait, these tests would hit MariaDB's lock wait timeout (50 s) and fail.
 */
describe('Outbox sweep of expired pending rows', () => {
  let t: TestApp;
  let holder: QueryRunner | undefined;

  beforeAll(async () => {
    t = await TestApp.start({ REDIS_URL: testRedisUrl(), NOTIFICATION_WORKERS: 'false' });
    // The test plays the relay: the app's own must not claim or sweep the rows below meanwhile.
    await t.app.get(OutboxRelay).stop();
  });

  afterEach(async () => {
    if (holder?.isTransactionActive) await holder.rollbackTransaction();
    await holder?.release();
    holder = undefined;
  });

  afterAll(async () => {
    await t?.close();
  });

  async function pendingRow(expiresInMs: number): Promise<string> {
    const id = String(8_000_000_000 + Math.floor(Math.random() * 1_000_000_000));
    const now = t.clock.now();
    await t.query(
      `INSERT INTO notification_outbox (id, channel, purpose, recipient, user_id, organization_id, code_ciphertext, code_key_id, state, attempts, created_at, updated_at, expires_at)
       VALUES (?, 'sms', 'verify_phone', ?, 'u1', 'org-1', 'sealed', 'k1', 'pending', 0, ?, ?, ?)`,
      [id, uniquePhone(), now, now, new Date(now.getTime() + expiresInMs)],
    );
    return id;
  }

  /** Another relay's claim: the row stays locked until the test lets go. */
  async function claimedElsewhere(id: string): Promise<void> {
    holder = t.app.get(DataSource).createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query('SELECT id FROM notification_outbox WHERE id = ? FOR UPDATE', [id]);
  }

  const sweep = () => t.app.get(UnitOfWork).run((em) => t.app.get(NotificationRepository).failExpiredPending(em, t.clock.now()));
  const state = async (id: string) => (await t.query('SELECT state, last_error FROM notification_outbox WHERE id = ?', [id]))[0];

  it('fails an expired pending row while another pending row is claimed by a relay', async () => {
    const expired = await pendingRow(-1000);
    const claimed = await pendingRow(600_000);
    await claimedElsewhere(claimed);

    expect(await sweep()).toBe(1);
    expect(await state(expired)).toMatchObject({ state: 'failed', last_error: 'the code expired before it could be queued' });
    expect((await state(claimed)).state).toBe('pending');
  });

  it('skips an expired row a relay holds, and fails it once the relay let go', async () => {
    const expired = await pendingRow(-1000);
    await claimedElsewhere(expired);

    await sweep();
    expect((await state(expired)).state).toBe('pending');

    await holder!.rollbackTransaction();
    await sweep();
    expect((await state(expired)).state).toBe('failed');
  });

  it('leaves a row the relay queued meanwhile alone', async () => {
    const expired = await pendingRow(-1000);
    await t.query("UPDATE notification_outbox SET state = 'queued' WHERE id = ?", [expired]);

    await sweep();
    expect((await state(expired)).state).toBe('queued');
  });
});
