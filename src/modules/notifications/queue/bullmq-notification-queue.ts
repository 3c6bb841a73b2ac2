import { Logger } from '@nestjs/common';
import { IRedisClient, Job, Queue, Worker, createBunRedisClient } from 'bullmq';
import { retryDelayMs } from '../delivery/retry-backoff';
import { NotificationJob, NotificationJobHandler, NotificationQueue } from './notification-queue';
import { RespClient } from './resp-client';

const QUEUE_NAME = 'notifications';
const JOB_NAME = 'deliver';
/** Retries end when the code expires (the handler decides); this only has to be large enough never to end them first. */
const MAX_ATTEMPTS = 100_000;

export interface BullmqQueueOptions {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  retryBaseMs: number;
  /** Job lock; a job whose worker died is taken over by another one after about this long. */
  lockMs: number;
}

/**
 * The job id of an outbox row. BullMQ refuses custom ids that look like
 * integers (our ids are numeric strings; ~1 in 128 of them parses back
 * exactly), so a letter goes in front; the mapping stays one to one.
 */
export const jobIdFor = (notificationId: string): string => `n${notificationId}`;

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
 * to another worker once its lock lapses (`lockMs`).
 *
 * Redis connections are this project's own small RESP client driven by
 * BullMQ's adapter (see resp-client.ts). A Queue whose first connection fails
 * is dropped and made anew on the next call, so Redis may be down when the
 * service starts.
 */
export class BullmqNotificationQueue extends NotificationQueue {
  readonly canDeliver = true;
  private readonly logger = new Logger('BullmqNotificationQueue');
  private queue?: { queue: Queue; client: IRedisClient; ready: Promise<unknown> };
  private worker?: { worker: Worker; client: IRedisClient };
  private workerStart?: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly options: BullmqQueueOptions) {
    super();
  }

  async add(jobs: NotificationJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const queue = await this.openQueue();
    await queue.addBulk(
      jobs.map((job) => ({
        name: JOB_NAME,
        data: { id: job.id },
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

  startWorker(handler: NotificationJobHandler): void {
    void this.startWorkerWhenReachable(handler, 1);
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.workerStart);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      await worker.worker.close(); // waits for the running jobs
      await worker.client.quit().catch(() => undefined);
    }
    await this.dropQueue();
  }

  private async openQueue(): Promise<Queue> {
    if (this.closing) throw new Error('the notification queue is closing');
    if (!this.queue) {
      const client = this.newClient();
      const queue = new Queue(QUEUE_NAME, { connection: client, prefix: this.options.prefix });
      // Errors surface through the failing calls; the relay logs outages once.
      queue.on('error', () => undefined);
      this.queue = { queue, client, ready: queue.waitUntilReady() };
    }
    const current = this.queue;
    try {
      await current.ready;
    } catch (error) {
      if (this.queue === current) await this.dropQueue();
      throw error;
    }
    return current.queue;
  }

  private async dropQueue(): Promise<void> {
    const current = this.queue;
    this.queue = undefined;
    if (!current) return;
    await current.queue.close().catch(() => undefined);
    current.client.disconnect();
  }

  /**
   * A BullMQ Worker needs Redis at start-up; until Redis answers, try again
   * with growing pauses. Later outages are handled by BullMQ's reconnection.
   */
  private async startWorkerWhenReachable(handler: NotificationJobHandler, attempt: number): Promise<void> {
    if (this.closing || this.worker) return;
    const probe = new RespClient(this.options.redisUrl, { connectTimeoutMs: 5000 });
    try {
      await probe.connect();
      await probe.send('PING', []);
    } catch {
      this.workerStart = setTimeout(() => void this.startWorkerWhenReachable(handler, attempt + 1), Math.min(5000, 250 * attempt));
      return;
    } finally {
      probe.close();
    }
    const client = this.newClient();
    const worker = new Worker(QUEUE_NAME, (job: Job<{ id: string }>) => this.process(handler, job), {
      connection: client,
      prefix: this.options.prefix,
      concurrency: this.options.concurrency,
      lockDuration: this.options.lockMs,
      stalledInterval: this.options.lockMs,
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
    this.worker = { worker, client };
  }

  private async process(handler: NotificationJobHandler, job: Job<{ id: string }>): Promise<void> {
    const outcome = await handler(job.data.id);
    if (outcome.kind === 'retry') throw new RetryLater(outcome.delayMs);
  }

  private newClient(): IRedisClient {
    return withQuickReconnect(createBunRedisClient(new RespClient(this.options.redisUrl, { connectTimeoutMs: 5000 })));
  }
}

/**
 * BullMQ's adapter reconnects with pauses growing to 20 s; codes are waiting,
 * so cap them at 2 s, also for the connections BullMQ duplicates from this one
 * (the worker's blocking connection).
 */
function withQuickReconnect(client: IRedisClient): IRedisClient {
  (client as unknown as { maxReconnectDelay: number }).maxReconnectDelay = 2000;
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (...args: unknown[]) => withQuickReconnect(duplicate(...args));
  return client;
}
