import { Logger } from '@nestjs/common';
import { retryDelayMs } from './retry-backoff';
import { NotificationJob, NotificationJobHandler, NotificationQueue } from './notification-queue';

/**
 * The queue without Redis: jobs live in this process's memory and run here,
 * with the same retry rules as the BullMQ driver. Nothing is lost when the
 * process dies: the rows stay `queued` in the outbox and the relay's sweep
 * queues them again in the next process.
 */
export class InProcessNotificationQueue extends NotificationQueue {
  private readonly logger = new Logger('InProcessNotificationQueue');
  private readonly known = new Set<string>();
  private readonly waiting: string[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly failures = new Map<string, number>();
  /** Jobs the relay's sweep queued again (NotificationJob.recheck). */
  private readonly recheck = new Set<string>();
  private handler?: NotificationJobHandler;
  private running = 0;
  private closing = false;
  private idle?: () => void;

  constructor(
    private readonly concurrency: number,
    private readonly retryBaseMs: number,
    readonly canDeliver: boolean,
  ) {
    super();
  }

  async add(jobs: NotificationJob[]): Promise<void> {
    for (const job of jobs) {
      if (this.known.has(job.id)) continue;
      this.known.add(job.id);
      if (job.recheck) this.recheck.add(job.id);
      this.waiting.push(job.id);
    }
    this.pump();
  }

  async has(id: string): Promise<boolean> {
    return this.known.has(id);
  }

  startWorker(handler: NotificationJobHandler): void {
    this.handler = handler;
    this.pump();
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    if (this.running > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }

  private pump(): void {
    while (this.handler && !this.closing && this.running < this.concurrency && this.waiting.length > 0) {
      this.run(this.waiting.shift()!);
    }
  }

  private run(id: string): void {
    this.running++;
    this.handler!(id, { recheck: this.recheck.has(id) })
      .then(
        (outcome) => (outcome.kind === 'retry' ? this.retryLater(id, outcome.delayMs) : this.forget(id)),
        (error: unknown) => {
          // The handler records failures itself; an exception here is an infrastructure hiccup (database).
          const failures = (this.failures.get(id) ?? 0) + 1;
          this.failures.set(id, failures);
          this.logger.warn({ notificationId: id, error: (error as Error)?.message }, 'delivery job crashed; retrying');
          this.retryLater(id, retryDelayMs(failures, this.retryBaseMs));
        },
      )
      .finally(() => {
        this.running--;
        if (this.running === 0 && this.closing) this.idle?.();
        this.pump();
      });
  }

  private retryLater(id: string, delayMs: number): void {
    if (this.closing) return this.forget(id);
    const timer = setTimeout(() => {
      this.timers.delete(id);
      this.waiting.push(id);
      this.pump();
    }, delayMs);
    timer.unref();
    this.timers.set(id, timer);
  }

  private forget(id: string): void {
    this.known.delete(id);
    this.recheck.delete(id);
    this.failures.delete(id);
  }
}
