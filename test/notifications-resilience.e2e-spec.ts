import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { testDatabaseServer } from './support/environment';
import { FOUND_AT_PROVIDER } from '../src/modules/notifications/delivery/notification-delivery';
import { eventually, sleep } from './support/eventually';
import { activeTwilioProvider, enqueueCode, outboxRow, uniquePhone } from './support/notifications';
import { freePort } from './support/free-port';
import { RedisProcess } from './support/redis-process';
import { TestApp } from './support/test-app';
import { TwilioStandIn } from './support/twilio-stand-in';
import { WorkerProcess, workerEnvFor } from './support/worker-process';

jest.setTimeout(60_000);

/**
 * At-least-once, exactly-one-message in the ordinary faults: Redis down while
 * the API accepts a code, a worker process killed mid-job, a worker shut down
 * with SIGTERM while it sends; and a database slow to record what was sent,
 * which must not hold back what is still to send. Each uses a redis-server of
 * its own.
 */
describe('Notification delivery survives Redis outages, crashed and stopped workers', () => {
  let redis: RedisProcess;
  let twilio: TwilioStandIn;

  beforeAll(async () => {
    redis = await new RedisProcess().start();
    twilio = await new TwilioStandIn().start();
  });
  afterAll(async () => {
    await redis?.stop();
    await twilio?.stop();
  });
  afterEach(() => twilio.clearReplies());

  const sentRow = (t: TestApp, id: string) => eventually(async () => ((await outboxRow(t, id)).state === 'sent' ? outboxRow(t, id) : undefined), 30_000);

  describe('Redis stopped while the API accepts a code', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await TestApp.start({ REDIS_URL: redis.url, TWILIO_BASE_URL: twilio.url, NOTIFICATION_RETRY_BASE_MS: '50' });
      await activeTwilioProvider(t, await t.issuer.owner(), { sid: 'AC9000', token: 'outage-token' });
    });
    afterAll(() => t?.close());

    it('keeps the code in the outbox while Redis is down and delivers it once when Redis is back', async () => {
      // The queue works before the outage.
      await sentRow(t, await enqueueCode(t));

      await redis.stop();
      const to = uniquePhone();
      const id = await enqueueCode(t, { recipient: to, code: 'REDIS1' });
      await sleep(1000);
      expect(await outboxRow(t, id)).toMatchObject({ state: 'pending' });
      expect(twilio.requests.filter((r) => r.form.To === to)).toHaveLength(0);

      await redis.start();
      const row = await sentRow(t, id);
      expect(row.attempts).toBe(1);
      await sleep(500);
      expect(twilio.acceptedMessages().filter((r) => r.form.To === to)).toHaveLength(1);
      expect(twilio.acceptedMessages().find((r) => r.form.To === to)?.form.Body).toContain('REDIS1');
    });
  });

  describe('Redis unreachable from the start', () => {
    it('starts, accepts codes into the outbox, and shuts down cleanly while Redis is down', async () => {
      const nowhere = `redis://127.0.0.1:${await freePort()}`;
      const t = await TestApp.start({ REDIS_URL: nowhere, TWILIO_BASE_URL: twilio.url });
      try {
        const id = await enqueueCode(t);
        await sleep(500);
        expect(await outboxRow(t, id)).toMatchObject({ state: 'pending', attempts: 0 });
        await t.closeApp();
      } finally {
        await t.close();
      }
    });
  });

  describe('a database slow to record rows sent', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await TestApp.start({ REDIS_URL: redis.url, TWILIO_BASE_URL: twilio.url, NOTIFICATION_TWILIO_SEND_CONCURRENCY: '3' });
      await activeTwilioProvider(t, await t.issuer.owner(), { sid: 'AC9300', token: 'slow-db-token' });
    });
    afterAll(() => t?.close());

    it('ends a request’s turn with Twilio’s answer: the next messages go out while the rows sent before wait to be recorded', async () => {
      twilio.reply({ hold: true }, { hold: true }, { hold: true }, { hold: true }, { hold: true });
      const phones = [uniquePhone(), uniquePhone(), uniquePhone(), uniquePhone(), uniquePhone()];
      const ids: string[] = [];
      for (const recipient of phones) ids.push(await enqueueCode(t, { recipient }));
      const ours = () => twilio.messageRequests().filter((r) => phones.includes(r.form.To));
      await eventually(() => ours().length === 3);
      for (const id of ids) await eventually(async () => (await outboxRow(t, id)).state === 'queued');

      // A transaction of the test's own holds the rows: recording any of them sent waits for it.
      const holder = await createConnection({ ...testDatabaseServer(), database: t.database });
      try {
        await holder.query('START TRANSACTION');
        await holder.query(`SELECT id FROM notification_outbox WHERE id IN (${ids.map(() => '?').join(', ')}) FOR UPDATE`, ids);
        const first = ours().map((r) => r.form.To);
        twilio.releaseHeld();
        // Twilio accepted the first three; their rows cannot be recorded, and still the other two go out.
        await eventually(() => ours().length === 5);
        const firstIds = ids.filter((_, i) => first.includes(phones[i]));
        for (const id of firstIds) expect(await outboxRow(t, id)).toMatchObject({ state: 'queued' });
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
      twilio.releaseHeld();
      for (const id of ids) await eventually(async () => (await outboxRow(t, id)).state === 'sent');
      expect(ours()).toHaveLength(5);
    });
  });

  describe('separate worker processes', () => {
    let api: TestApp;
    let providerId: string;
    const workers: WorkerProcess[] = [];

    beforeAll(async () => {
      // An API-only process: it accepts codes and relays them; the workers are other processes. A short lock:
      // its relay's sweep looks for queued rows whose job vanished after two of them (2 s).
      api = await TestApp.start({ REDIS_URL: redis.url, TWILIO_BASE_URL: twilio.url, NOTIFICATION_WORKERS: 'false', NOTIFICATION_LOCK_MS: '1000' });
      providerId = await activeTwilioProvider(api, await api.issuer.owner(), { sid: 'AC9100', token: 'worker-token' });
    });
    afterAll(async () => {
      for (const worker of workers) await worker.kill();
      await api?.close();
    });

    const startWorker = () => {
      const worker = new WorkerProcess({
        ...workerEnvFor(api, redis.url, twilio.url),
        NOTIFICATION_LOCK_MS: '1000',
        NOTIFICATION_RETRY_BASE_MS: '50',
        // Printed only when a test fails: what the worker did (jobs, attempts, retries) is what such a failure needs.
        LOG_LEVEL: 'info',
      }).start();
      workers.push(worker);
      return worker;
    };

    /** A code relayed to the queue (its row `queued`); returns the row id. */
    const queuedCode = async (recipient: string, code: string) => {
      const id = await enqueueCode(api, { recipient, code });
      await eventually(async () => ((await outboxRow(api, id)).state === 'queued' ? true : undefined));
      return id;
    };

    /** A worker sends the code to `to`; Twilio creates the message and holds its 201; the worker is SIGKILLed. */
    const killedAfterTwilioCreated = async (to: string) => {
      twilio.reply({ hold: true, accept: true });
      const worker = startWorker();
      const created = await eventually(() => twilio.acceptedMessages().find((r) => r.form.To === to), 30_000).catch((error) => {
        throw new Error(`${error}\nworker output:\n${worker.log}`);
      });
      await worker.kill();
      await eventually(() => created.aborted);
      return created;
    };

    it('delivers once after a worker is killed mid-job and another one starts (relayed twice, still one job)', async () => {
      const to = uniquePhone();
      const id = await enqueueCode(api, { recipient: to, code: 'KILL01' });
      await eventually(async () => ((await outboxRow(api, id)).state === 'queued' ? true : undefined));
      // A relay that ran twice (crashed after adding the job, before its commit): the row id is the job id, so no second job.
      await api.query(`UPDATE notification_outbox SET state = 'pending' WHERE id = ?`, [id]);
      await eventually(async () => ((await outboxRow(api, id)).state === 'queued' ? true : undefined));

      twilio.reply({ hold: true });
      const first = startWorker();
      const held = await eventually(() => twilio.requests.find((r) => r.form.To === to), 30_000).catch((error) => {
        throw new Error(`${error}\nworker output:\n${first.log}`);
      });
      await first.kill();
      await eventually(() => held.aborted);

      const second = startWorker();
      const row = await sentRow(api, id).catch((error) => {
        throw new Error(`${error}\nworker output:\n${second.log}`);
      });
      await sleep(1500); // time for a duplicate job, if there were one
      expect(twilio.acceptedMessages().filter((r) => r.form.To === to)).toHaveLength(1);
      expect(twilio.messageRequests().filter((r) => r.form.To === to)).toHaveLength(2); // the one cut off, the one accepted
      expect(row).toMatchObject({ state: 'sent', code_ciphertext: null });
      await second.terminate();
    });

    it('does not send a second SMS when a worker is killed after Twilio created the message, before the answer came back: the next worker finds it in Twilio’s list', async () => {
      const to = uniquePhone();
      const id = await queuedCode(to, 'LOST01');
      const created = await killedAfterTwilioCreated(to);

      const second = startWorker();
      const row = await sentRow(api, id).catch((error) => {
        throw new Error(`${error}\nworker output:\n${second.log}`);
      });
      await sleep(1500); // time for a second message, if one were sent
      expect(twilio.messageRequests().filter((r) => r.form.To === to)).toHaveLength(1);
      expect(twilio.messageLookups().filter((r) => r.form.To === to)).toHaveLength(1);
      expect(row).toMatchObject({ state: 'sent', attempts: 1, provider_message_id: created.sid, code_ciphertext: null });
      expect(second.log).toContain(FOUND_AT_PROVIDER);
      await second.terminate();
    });

    it('asks the Twilio account that got the message, even after an operator activated another one before the next worker ran', async () => {
      const to = uniquePhone();
      const id = await queuedCode(to, 'SWAP01');
      const created = await killedAfterTwilioCreated(to);
      const owner = await api.issuer.owner();
      const other = await activeTwilioProvider(api, owner, { sid: 'AC9200', token: 'other-token', description: 'second account' });
      try {
        const second = startWorker();
        const row = await sentRow(api, id).catch((error) => {
          throw new Error(`${error}\nworker output:\n${second.log}`);
        });
        await sleep(1500); // time for a second message, if one were sent
        expect(twilio.messageRequests().filter((r) => r.form.To === to)).toHaveLength(1);
        expect(twilio.messageLookups().filter((r) => r.form.To === to).map((r) => r.username)).toEqual(['AC9100']);
        expect(row).toMatchObject({ state: 'sent', attempts: 1, provider_id: providerId, provider_message_id: created.sid });
        await second.terminate();
      } finally {
        const restored = await api.request('POST', `/admin/v1/sms/${providerId}/_activate`, { token: owner });
        expect(restored.status).toBe(200);
        expect((await api.request('DELETE', `/admin/v1/sms/${other}`, { token: owner })).status).toBe(200);
      }
    });

    it('does not send a second SMS when a worker dies after Twilio accepted the message, before it recorded the row sent', async () => {
      const to = uniquePhone();
      const id = await enqueueCode(api, { recipient: to, code: 'ACK001' });
      await eventually(async () => ((await outboxRow(api, id)).state === 'queued' ? true : undefined));

      // A transaction of the test's own holds the row: the worker's "sent" UPDATE waits on it,
      // which stretches the moment between Twilio's 201 and the row recorded sent.
      const holder = await createConnection({ ...testDatabaseServer(), database: api.database });
      try {
        await holder.query('START TRANSACTION');
        await holder.query('SELECT id FROM notification_outbox WHERE id = ? FOR UPDATE', [id]);

        const first = startWorker();
        const accepted = await eventually(() => twilio.acceptedMessages().find((r) => r.form.To === to), 30_000).catch((error) => {
          throw new Error(`${error}\nworker output:\n${first.log}`);
        });
        // The worker got the 201 and now waits to record it: killed right there. Its UPDATE, waiting
        // on the server, is ended too (as if the kill came before it was sent): the row stays queued.
        const waiting = await eventually(async () => {
          const threads = await sentUpdatesInProgress(api.database, id);
          return threads.length > 0 ? threads : undefined;
        }, 30_000).catch(async (error) => {
          throw new Error(`${error}\nconnections:\n${await connections(api.database)}\nworker output:\n${first.log}`);
        });
        await first.kill();
        for (const thread of waiting) await holder.query(`KILL CONNECTION ${Number(thread)}`);
        await holder.query('ROLLBACK');
        expect(await outboxRow(api, id)).toMatchObject({ state: 'queued' });

        // Its job comes back (lock expiry) to the next worker.
        const second = startWorker();
        const row = await sentRow(api, id).catch((error) => {
          throw new Error(`${error}\nworker output:\n${second.log}`);
        });
        await sleep(1500); // time for a duplicate job, if there were one
        expect(twilio.messageRequests().filter((r) => r.form.To === to)).toHaveLength(1);
        expect(row).toMatchObject({ state: 'sent', attempts: 1, provider_message_id: accepted.sid, code_ciphertext: null });
        // What told the second worker is gone once the row says sent; nothing is left under the queue prefix.
        const marks = new Redis(redis.url);
        try {
          await eventually(async () => ((await marks.keys(`${api.config.queuePrefix}:*sent*`)).length === 0 ? true : undefined));
        } finally {
          marks.disconnect();
        }
        await second.terminate();
      } finally {
        await holder.end();
      }
    });

    it('asks Twilio before sending a row the sweep queued again: a message created by a worker killed while Redis lost its data is not sent twice', async () => {
      const to = uniquePhone();
      const id = await queuedCode(to, 'GONE01');
      const created = await killedAfterTwilioCreated(to);
      // Redis restarts without its data: the job and the worker's "sending" mark are gone; the row is still queued.
      await redis.stop();
      await redis.start();
      expect(await outboxRow(api, id)).toMatchObject({ state: 'queued' });

      const second = startWorker();
      const row = await sentRow(api, id).catch((error) => {
        throw new Error(`${error}\nworker output:\n${second.log}`);
      });
      await sleep(1500); // time for a second message, if one were sent
      expect(twilio.messageRequests().filter((r) => r.form.To === to)).toHaveLength(1);
      expect(row).toMatchObject({ state: 'sent', provider_message_id: created.sid, code_ciphertext: null });
      expect(second.log).toContain(FOUND_AT_PROVIDER);
      await second.terminate();
    });

    it('lets a running job finish on SIGTERM, then exits', async () => {
      const worker = startWorker();
      const to = uniquePhone();
      twilio.reply({ hold: true });
      const id = await enqueueCode(api, { recipient: to });
      await eventually(() => twilio.requests.find((r) => r.form.To === to), 30_000).catch((error) => {
        throw new Error(`${error}\nworker output:\n${worker.log}`);
      });

      const stopped = worker.terminate();
      await sleep(300);
      expect(worker.exitCode).toBeNull(); // still waiting for its job
      twilio.releaseHeld();
      await stopped;

      expect(await outboxRow(api, id)).toMatchObject({ state: 'sent', attempts: 1 });
      expect(twilio.acceptedMessages().filter((r) => r.form.To === to)).toHaveLength(1);
      expect(worker.signal === 'SIGTERM' || worker.exitCode === 0).toBe(true);
    });
  });

});

/** The database's connections as MariaDB shows them, for a failure message. */
async function connections(database: string): Promise<string> {
  const connection = await createConnection(testDatabaseServer());
  try {
    const [rows] = await connection.query('SELECT ID, COMMAND, STATE, LEFT(INFO, 200) AS INFO FROM information_schema.PROCESSLIST WHERE DB = ?', [database]);
    return JSON.stringify(rows, null, 1);
  } finally {
    await connection.end();
  }
}

/**
 * The server threads running the UPDATE that records this row sent (blocked
 * on the test's row lock). Found by their statement in the process list: an
 * autocommit UPDATE waiting for a lock does not always show in
 * INNODB_TRX as LOCK WAIT on MariaDB 10.11, which made a wait on that flaky.
 */
async function sentUpdatesInProgress(database: string, id: string): Promise<number[]> {
  const connection = await createConnection(testDatabaseServer());
  try {
    const [rows] = await connection.query(
      `SELECT ID AS thread FROM information_schema.PROCESSLIST
        WHERE DB = ? AND COMMAND = 'Query' AND INFO LIKE 'UPDATE notification_outbox%' AND INFO LIKE '%state = ''sent''%' AND INSTR(INFO, ?) > 0`,
      [database, id],
    );
    return (rows as Array<{ thread: number | string }>).map((row) => Number(row.thread));
  } finally {
    await connection.end();
  }
}
