import IORedis from 'ioredis';
import { createRedisClient, parseRedisUrl, RedisEndpoint } from '../../../common/redis/redis-endpoint';
import { redisOptions } from '../../../common/redis/redis-options';
import { withTimeout } from '../../../common/time/with-timeout';
import { DeliveryMark, DeliveryMarks, SentMark } from './delivery-marks';

/** How long a "sending" mark may take to be acknowledged before its request is given up (and retried later). */
const MARK_TIMEOUT_MS = 2000;

/**
 * The "sent" mark of an outbox row: in the BullMQ queue's key space, beside
 * its own keys (`<prefix>:notifications:<name>`; job ids start with "n", so
 * none is called "sent:…"), so a prefix's keys stay together.
 */
export const sentMarkKey = (prefix: string, notificationId: string): string => `${prefix}:notifications:sent:${notificationId}`;

/**
 * The marks on Redis. They close the gap between a provider's acceptance and
 * the row recorded sent (an UPDATE that may take a while under load): the
 * moment the provider accepts, the worker writes `SET <prefix>:notifications:sent:<row id>`
 * on a connection of its own (never waiting behind BullMQ's commands),
 * without waiting for the answer; a job finds the mark before it sends
 * (MGET, one per batch of jobs) and records the row sent instead. A worker
 * killed in that gap re-sends nothing; killed with its request in flight or
 * the answer unread, it re-sends that one message (delivery sends one at a
 * time per process).
 */
export class RedisDeliveryMarks extends DeliveryMarks {
  private readonly endpoint: RedisEndpoint;
  private connection?: IORedis;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    super();
    this.endpoint = parseRedisUrl(redisUrl);
  }

  /** Like the worker's connection it waits for Redis (a job's mark check waits as its completion would); a mark written while Redis is down goes out when it is back. */
  open(): void {
    if (this.connection) return;
    const connection = createRedisClient(this.endpoint, redisOptions({ blocking: true }));
    connection.on('error', () => undefined); // the worker's connection reports outages
    this.connection = connection;
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    // The last marks and deletions go out before the connection closes (QUIT is answered after them).
    if (connection.status === 'ready') await withTimeout(connection.quit(), 2000, 'QUIT timed out').catch(() => undefined);
    connection.disconnect();
  }

  noteSent(id: string, mark: SentMark, keepForMs: number): void {
    // ioredis writes the command to the socket right here when connected (no batching, no waiting).
    this.connection?.set(sentMarkKey(this.prefix, id), JSON.stringify(mark), 'PX', keepMs(keepForMs)).catch(() => undefined);
  }

  async noteSending(id: string, attempts: number, providerId: string | null, keepForMs: number): Promise<boolean> {
    if (!this.connection) return false;
    const written = this.connection.set(sentMarkKey(this.prefix, id), JSON.stringify({ sending: true, attempts, providerId }), 'PX', keepMs(keepForMs));
    return withTimeout(written, MARK_TIMEOUT_MS, 'Redis did not answer').then(
      () => true,
      () => false,
    );
  }

  canNoteSending(): boolean {
    return this.connection?.status === 'ready';
  }

  async findSent(ids: string[]): Promise<Array<DeliveryMark | null>> {
    if (!this.connection || ids.length === 0) return ids.map(() => null);
    const values = await this.connection.mget(ids.map((id) => sentMarkKey(this.prefix, id)));
    return values.map((value) => (value ? parseSentMark(value) : null));
  }

  forgetSent(ids: string[]): void {
    if (ids.length === 0) return;
    this.connection?.del(ids.map((id) => sentMarkKey(this.prefix, id))).catch(() => undefined);
  }
}

const keepMs = (keepForMs: number): number => Math.max(1000, Math.round(keepForMs));

export function parseSentMark(value: string): DeliveryMark {
  try {
    const mark = JSON.parse(value) as Partial<SentMark> & { sending?: unknown };
    if (mark.sending === true) return { state: 'sending', attempts: Number(mark.attempts) || 1, providerId: typeof mark.providerId === 'string' ? mark.providerId : null };
    return { state: 'accepted', providerMessageId: mark.providerMessageId ?? null, providerId: mark.providerId ?? null, attempts: Number(mark.attempts) || 1 };
  } catch {
    // Not ours (written by hand?): still a sign that the message went out.
    return { state: 'accepted', providerMessageId: null, providerId: null, attempts: 1 };
  }
}

