import { Logger } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { createRedisClient, parseRedisUrl, RedisEndpoint } from '../../../common/redis/redis-endpoint';
import { FIRST_CONNECT_TIMEOUT_MS, redisOptions } from '../../../common/redis/redis-options';
import { withTimeout } from '../../../common/time/with-timeout';
import { retryDelayMs } from './retry-backoff';
import { NotificationJob, NotificationJobHandler, NotificationQueue } from './notification-queue';

const QUEUE_NAME = 'notifications';
const JOB_NAME = 'deliver';
/** Retries end when the code expires (the handler decides); this only has to be large enough never to end them first. */
const MAX_ATTEMPTS = 100_000;

/**
 * BullMQ's stalled check runs every half lock and moves a job once a check has marked it and its lock (≤ 1 lock past the
 * death) is gone: worst case lock + check = 15 s on the 10 s default (lock + max(check, start-up) if only the restarted process runs).
 */
export const stalledCheckEveryMs = (lockMs: number): number => Math.round(lockMs / 2);

interface Producer {
  queue: Queue;
  client: IORedis;
  /** Set until the first connection succeeded or timed out. */
  firstConnect?: Promise<unknown>;
}

export interface BullmqQueueOptions {
  /** REDIS_URL: one server or a Sentinel-managed master (parseRedisUrl). */
  redisUrl: string;
  prefix: string;
  concurrency: number;
  retryBaseMs: number;
  /** Job lock; a job whose worker died is taken over by another one within 1.5 times this long (stalledCheckEveryMs). */
  lockMs: number;
}

/**
 * The job id of an outbox row. BullMQ refuses custom ids that look like
 * integers (our ids are numeric strings; ~1 in 128 of them parses back
 * exactly), so a letter goes in front; the mapping stays one to one.
 */
export const jobIdFor = (notificationId: string): string => `n${notificationId}`;
const notificationIdOf = (jobId: string): string => jobId.slice(1);

/** The log line of a worker whose stalled-job check queued a dead worker's job again. */
export const STALLED_JOB_REQUEUED = 'notification job of a worker that stopped renewing its lock was queued again';
/** The warning of a live worker that renewed job locks too late (another worker may have taken those jobs over). */
export const LOCK_RENEWAL_FAILED = 'notification job locks could not be renewed in time; another worker may run those jobs too';

/** Thrown by the processor to make BullMQ retry after `delayMs` (read by the backoff strategy). */
class RetryLater extends Error {
  override name = 'RetryLater';
  constructor(readonly delayMs: number) {
    super(`retry in ${delayMs} ms`);
  }
}

/**
 * The notification queue on Redis with BullMQ. The job id is made from the
 * outbox row id (jobIdFor), so a relay that adds a row twice makes one job. Retries use a custom back-off:
 * the delay the delivery handler computed (exponential with jitter, ending
 * at the code's expiry). Stalled-job detection gives a job whose worker died
 * to another worker once its lock lapses (`lockMs`, see stalledCheckEveryMs).
 *
 * Connections are ioredis clients (BullMQ's own driver) that reconnect
 * quickly (redisOptions). The producer side fails fast: while its connection
 * is down, `add` throws at once instead of buffering, so the relay's
 * transaction rolls back and the rows wait in the outbox. ioredis writes each
 * command to the socket as it is issued (one write per command, as strace
 * shows), so `addBulk` matters: it sends a whole relay batch as one MULTI
 * pipeline. Delivery's "sent" marks live beside its keys but are not the
 * queue's business (RedisDeliveryMarks).
 */
export class BullmqNotificationQueue extends NotificationQueue {
  readonly canDeliver = true;
  private readonly logger = new Logger('BullmqNotificationQueue');
  private producer?: Producer;
  private worker?: { worker: Worker; client: IORedis };
  private closing = false;
  private readonly endpoint: RedisEndpoint;

  constructor(private readonly options: BullmqQueueOptions) {
    super();
    this.endpoint = parseRedisUrl(options.redisUrl);
  }

  async add(jobs: NotificationJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const queue = await this.openQueue();
    await queue.addBulk(
      jobs.map((job) => ({
        name: JOB_NAME,
        data: job.recheck ? { id: job.id, recheck: true } : { id: job.id },
        opts: {
          jobId: jobIdFor(job.id),
          attempts: MAX_ATTEMPTS,
          backoff: { type: 'notification' },
          removeOnComplete: true,
          // Failed rows are the dead letter in the database; Redis keeps failed jobs a day for inspection.
          removeOnFail: { age: 24 * 3600 },
        },
      })),
    );
  }

  async has(id: string): Promise<boolean> {
    const queue = await this.openQueue();
    return (await queue.getJob(jobIdFor(id))) !== undefined;
  }

  /** ioredis waits for Redis by itself (reconnecting with short pauses), so the worker can start while Redis is down. */
  startWorker(handler: NotificationJobHandler): void {
    if (this.closing || this.worker) return;
    const client = createRedisClient(this.endpoint, redisOptions({ blocking: true }));
    client.on('error', () => undefined); // reported through the worker's 'error' event
    const worker = new Worker(QUEUE_NAME, (job: Job<{ id: string; recheck?: boolean }>) => this.process(handler, job), {
      connection: client,
      prefix: this.options.prefix,
      concurrency: this.options.concurrency,
      lockDuration: this.options.lockMs,
      stalledInterval: stalledCheckEveryMs(this.options.lockMs),
      // A job whose worker died is taken over again and again until the code expires; the handler stops it then.
      maxStalledCount: 1000,
      // After a connection error the worker pauses this long before fetching again (BullMQ's default is 15 s).
      runRetryDelay: 1000,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) =>
          error instanceof RetryLater ? error.delayMs : retryDelayMs(attemptsMade, this.options.retryBaseMs),
      },
    });
    worker.on('error', (error) => this.logger.debug({ error: error.message }, 'notification worker connection error'));
    // A lock renewed too late (an event loop blocked for half a lock, Redis slow to answer) lets another worker run the job
    // too: the marks and the look-up stop a second SMS unless the first request is still open, so an operator should see it.
    worker.on('lockRenewalFailed', (jobIds) =>
      this.logger.warn({ notificationIds: jobIds.map(notificationIdOf) }, LOCK_RENEWAL_FAILED),
    );
    worker.on('stalled', (jobId) => this.logger.log({ notificationId: notificationIdOf(jobId) }, STALLED_JOB_REQUEUED));
    this.worker = { worker, client };
  }

  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      // Running jobs finish first; with Redis unreachable there is nothing to wait for (and BullMQ would wait for it forever).
      await worker.worker.close(worker.client.status !== 'ready');
      worker.client.disconnect();
    }
    const producer = this.producer;
    this.producer = undefined;
    if (producer) {
      await producer.queue.close().catch(() => undefined);
      producer.client.disconnect();
    }
  }

  /**
   * The producer connection. Its first connection may take a moment (the
   * relay runs right at start-up); after that, a connection that is down
   * fails the call at once while ioredis reconnects in the background.
   */
  private async openQueue(): Promise<Queue> {
    if (this.closing) throw new Error('the notification queue is closing');
    if (!this.producer) {
      const client = createRedisClient(this.endpoint, redisOptions({ blocking: false }));
      client.on('error', () => undefined); // errors surface through the failing calls; the relay logs outages once
      const queue = new Queue(QUEUE_NAME, { connection: client, prefix: this.options.prefix });
      queue.on('error', () => undefined);
      const firstConnect = withTimeout(queue.waitUntilReady(), FIRST_CONNECT_TIMEOUT_MS, 'Redis did not answer');
      const producer: Producer = { queue, client, firstConnect };
      // Only the first calls wait (once): later, a connection that is down fails at once.
      firstConnect.then(
        () => (producer.firstConnect = undefined),
        () => (producer.firstConnect = undefined),
      );
      this.producer = producer;
    }
    const { queue, client, firstConnect } = this.producer;
    if (firstConnect) await firstConnect;
    else if (client.status !== 'ready') throw new Error('the connection to Redis is down; reconnecting');
    return queue;
  }

  private async process(handler: NotificationJobHandler, job: Job<{ id: string; recheck?: boolean }>): Promise<void> {
    const outcome = await handler(job.data.id, { recheck: job.data.recheck === true });
    if (outcome.kind === 'retry') throw new RetryLater(outcome.delayMs);
  }
}
