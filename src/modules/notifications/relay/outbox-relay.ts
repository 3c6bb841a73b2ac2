import { Inject, Injectable, Logger } from '@nestjs/common';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DataSource, EntitySubscriberInterface } from 'typeorm';
import { UnitOfWork } from '../../../common/persistence/unit-of-work';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { SendLimitRepository } from '../limits/send-limit.repository';
import { HOUR_MS, hourOf } from '../limits/send-limits';
import { NotificationRepository } from '../notification.repository';
import { NotificationQueue } from '../queue/notification-queue';
import { outboxCommitSubscriber } from './outbox-commit-signal';

const BATCH_SIZE = 200;
const MAX_OUTAGE_PAUSE_MS = 2000;

/**
 * Moves pending outbox rows into the queue. Each batch is one transaction:
 * claim rows (FOR UPDATE SKIP LOCKED, so relays of several instances work
 * side by side), add one job per row with the row id as job id (a relay that
 * runs twice adds one job), mark them queued, commit. If the queue is
 * unreachable the transaction rolls back and the rows stay pending until it
 * is back; one warning per outage, not per poll.
 *
 * It polls (NOTIFICATION_RELAY_INTERVAL_MS) and is also woken right after a
 * transaction that wrote outbox rows commits, so a code normally leaves
 * within milliseconds.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private wakeRequested = false;
  private stopped = true;
  private consecutiveFailures = 0;
  private subscriber?: EntitySubscriberInterface;
  private outageSince?: Date;
  private lastSweep = 0;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly notifications: NotificationRepository,
    private readonly sendLimits: SendLimitRepository,
    private readonly queue: NotificationQueue,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.subscriber = outboxCommitSubscriber(() => this.wake());
    this.dataSource.subscribers.push(this.subscriber);
    this.schedule(0);
  }

  /** Relay now rather than at the next poll (rows were just committed). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  /** Stops polling and waits for a batch in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const index = this.subscriber ? this.dataSource.subscribers.indexOf(this.subscriber) : -1;
    if (index >= 0) this.dataSource.subscribers.splice(index, 1);
    await this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.cycle().finally(() => {
        this.running = undefined;
        this.schedule(this.nextDelay());
      });
    }, delayMs);
  }

  /**
   * A queued row untouched for two job locks (20 s by default) is checked
   * against the queue; the check runs every lock period, at most every 10 s.
   */
  private get requeueAfterMs(): number {
    return 2 * this.config.notifications.lockMs;
  }

  private get sweepEveryMs(): number {
    return Math.min(10_000, this.config.notifications.lockMs);
  }

  private nextDelay(): number {
    if (this.wakeRequested) return 0;
    const interval = this.config.notifications.relayIntervalMs;
    if (this.consecutiveFailures === 0) return interval;
    return Math.min(MAX_OUTAGE_PAUSE_MS, interval * 2 ** Math.min(this.consecutiveFailures, 10));
  }

  private async cycle(): Promise<void> {
    try {
      let moved: number;
      do {
        this.wakeRequested = false;
        moved = await this.relayBatch();
        // better-sqlite3 answers synchronously, so a batch resolves in microtasks only:
        // without this, back-to-back batches would starve timers and I/O.
        await yieldToEventLoop();
      } while (!this.stopped && (moved === BATCH_SIZE || this.wakeRequested));
      if (Date.now() - this.lastSweep >= this.sweepEveryMs) {
        this.lastSweep = Date.now();
        await this.sweep();
      }
      this.recovered();
    } catch (error) {
      this.failed(error);
    }
  }

  /** One transaction: claim, add to the queue, mark queued. Returns how many rows moved. */
  private async relayBatch(): Promise<number> {
    return this.unitOfWork.run(async (em) => {
      const now = this.clock.now();
      const rows = await this.notifications.claimPending(em, BATCH_SIZE);
      if (rows.length === 0) return 0;
      await this.queue.add(rows);
      await this.notifications.markQueued(
        em,
        rows.map((row) => row.id),
        now,
      );
      return rows.length;
    });
  }

  /**
   * Rows queued long ago whose job the queue no longer has (Redis lost its
   * data; an in-process queue died with its process) go back into the queue.
   * The job id dedupe and the worker's own state check make this safe even
   * when the job was merely slow.
   */
  private async sweep(): Promise<void> {
    const now = this.clock.now();
    const expired = await this.unitOfWork.run((em) => this.notifications.failExpiredPending(em, now));
    // Only the current hour's send counters are compared; the previous hour's stay for a look.
    await this.unitOfWork.write((em) => this.sendLimits.deleteCountersBefore(em, new Date(hourOf(now).getTime() - HOUR_MS)));
    if (expired > 0) this.logger.warn({ count: expired }, 'notifications expired before they could be queued; they stay in notification_outbox with state failed');
    await this.unitOfWork.run(async (em) => {
      const stale = await this.notifications.takeStaleQueued(em, new Date(now.getTime() - this.requeueAfterMs), now, BATCH_SIZE);
      const missing = [];
      for (const row of stale) if (!(await this.queue.has(row.id))) missing.push(row);
      if (missing.length > 0) {
        // Their last attempt may have reached the provider unnoted (a worker killed while Redis lost its data): ask it first.
        await this.queue.add(missing.map((row) => ({ ...row, recheck: true })));
        this.logger.warn({ count: missing.length }, 'queued notifications whose job had vanished were queued again');
      }
    });
  }

  private failed(error: unknown): void {
    this.consecutiveFailures++;
    if (!this.outageSince) {
      this.outageSince = this.clock.now();
      this.logger.warn(
        { error: (error as Error)?.message ?? String(error) },
        'notification relay cannot reach the queue or the database; codes wait in notification_outbox until it is back',
      );
    }
  }

  private recovered(): void {
    if (this.outageSince) {
      this.logger.log({ downForMs: this.clock.now().getTime() - this.outageSince.getTime() }, 'notification relay reaches the queue again');
    }
    this.outageSince = undefined;
    this.consecutiveFailures = 0;
  }
}
