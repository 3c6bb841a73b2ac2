import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { eventually, sleep } from './support/eventually';
import { activeTwilioProvider, enqueueCode, outboxRow, uniquePhone } from './support/notifications';
import { RedisProcess } from './support/redis-process';
import { TestApp } from './support/test-app';
import { TwilioStandIn, TwilioReply } from './support/twilio-stand-in';
import { WorkerProcess, workerEnvFor } from './support/worker-process';

/** The promise to operators: a code in flight when its worker dies goes out again within this long of the death. */
const RECOVERY_DEADLINE_MS = 30_000;

jest.setTimeout(120_000);

/**
 * A worker process SIGKILLed while it holds codes in flight (Twilio has the
 * requests; some of them it already turned into messages whose answer never
 * came back), on the default job-lock settings: every one of those codes is
 * delivered, exactly once, within RECOVERY_DEADLINE_MS of the kill, whether
 * the same worker is started again or another one was running all along.
 */
describe('codes in flight when their worker is SIGKILLed', () => {
  let redis: RedisProcess;
  let twilio: TwilioStandIn;
  let api: TestApp;
  let queueConnection: IORedis;
  let queue: Queue;
  let workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await new RedisProcess().start();
    twilio = await new TwilioStandIn().start();
  });
  afterAll(async () => {
    await twilio?.stop();
    await redis?.stop();
  });

  // Each test has a database and queue prefix of its own: jobs a failed test left behind never reach the next one's workers.
  beforeEach(async () => {
    // An API-only process (it accepts and relays codes); the workers are processes of their own.
    api = await TestApp.start({ REDIS_URL: redis.url, TWILIO_BASE_URL: twilio.url, NOTIFICATION_WORKERS: 'false' });
    await activeTwilioProvider(api, await api.issuer.owner(), { sid: 'AC9400', token: 'crash-token' });
    queueConnection = new IORedis(redis.url, { maxRetriesPerRequest: null });
    queue = new Queue('notifications', { connection: queueConnection, prefix: api.config.queuePrefix });
  });
  afterEach(async () => {
    for (const worker of workers) await worker.kill();
    workers = [];
    twilio.clearReplies();
    twilio.releaseHeld();
    await queue?.close();
    queueConnection?.disconnect();
    await api?.close();
  });

  /** A worker on the service's defaults (no NOTIFICATION_LOCK_MS): what the deadline is promised for. */
  const startWorker = () => {
    const worker = new WorkerProcess({
      ...workerEnvFor(api, redis.url, twilio.url),
      LOG_LEVEL: 'info',
    }).start();
    workers.push(worker);
    return worker;
  };

  /** BullMQ's own count of the workers connected to the queue (they name their connections). */
  const connectedWorkers = () => queue.getWorkersCount();

  /**
   * Six codes held in flight by a worker: four requests Twilio holds open,
   * two it turned into messages before holding their answer. Returns once
   * the worker has all six open (the jobs are active).
   */
  const heldInFlight = async () => {
    const replies: TwilioReply[] = [{ hold: true }, { hold: true, accept: true }, { hold: true }, { hold: true, accept: true }, { hold: true }, { hold: true }];
    twilio.reply(...replies);
    const phones = replies.map(() => uniquePhone());
    const worker = startWorker();
    const ids: string[] = [];
    for (const [i, recipient] of phones.entries()) ids.push(await enqueueCode(api, { recipient, code: `CRSH0${i}` }));
    await eventually(() => twilio.messageRequests().filter((r) => phones.includes(r.form.To)).length === phones.length, 60_000).catch((error) => {
      throw new Error(`${error}\nworker output:\n${worker.log}`);
    });
    return { worker, phones, ids };
  };

  /** Every code is sent and recorded within the deadline of the kill; returns how long it took. */
  const deliveredByDeadline = async (killedAt: number, ids: string[], survivor: WorkerProcess) => {
    for (const id of ids) {
      await eventually(async () => (await outboxRow(api, id)).state === 'sent', Math.max(0, killedAt + RECOVERY_DEADLINE_MS - Date.now())).catch((error) => {
        throw new Error(`${error}: row ${id} not sent within ${RECOVERY_DEADLINE_MS} ms of the kill\nworker output:\n${survivor.log}`);
      });
    }
    return Date.now() - killedAt;
  };

  /** One message per code, carrying it; a held-open request that created nothing was sent once more, a created one was found. */
  const exactlyOnce = async (phones: string[]) => {
    await sleep(1500); // time for a duplicate, if there were one
    for (const [i, to] of phones.entries()) {
      const accepted = twilio.acceptedMessages().filter((r) => r.form.To === to);
      expect(accepted).toHaveLength(1);
      expect(accepted[0].form.Body).toContain(`CRSH0${i}`);
    }
  };

  it('are delivered by the worker started again after the kill', async () => {
    const { worker, phones, ids } = await heldInFlight();
    const killedAt = Date.now();
    await worker.kill();
    const restarted = startWorker();

    const recoveredMs = await deliveredByDeadline(killedAt, ids, restarted);
    process.stdout.write(`crash recovery (restarted worker): SIGKILL → every held code sent and recorded in ${recoveredMs} ms\n`);
    await exactlyOnce(phones);
    for (const id of ids) expect(await outboxRow(api, id)).toMatchObject({ state: 'sent', code_ciphertext: null });
    await restarted.terminate();
  });

  it('are delivered by another worker that was running all along', async () => {
    const { worker, phones, ids } = await heldInFlight();
    const other = startWorker();
    // Both are connected (each names its connections for BullMQ) before the first one dies.
    await eventually(async () => (await connectedWorkers()) >= 2, 60_000).catch((error) => {
      throw new Error(`${error}\nworker output:\n${other.log}`);
    });
    const killedAt = Date.now();
    await worker.kill();

    const recoveredMs = await deliveredByDeadline(killedAt, ids, other);
    process.stdout.write(`crash recovery (running worker): SIGKILL → every held code sent and recorded in ${recoveredMs} ms\n`);
    await exactlyOnce(phones);
    await other.terminate();
  });
});
