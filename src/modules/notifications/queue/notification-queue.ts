/** A job: deliver the outbox row with this id. The row id is the job id. */
export interface NotificationJob {
  id: string;
  expiresAt: Date;
  /**
   * The row was queued before and its job vanished (Redis lost its data, or
   * the process of an in-process queue died): an attempt may have reached
   * the provider with nobody left to note it, so the provider is asked
   * first where it can be (NotificationDelivery).
   */
  recheck?: boolean;
}

/** What the queue should do with the job after one run: drop it, or run it again after `delayMs`. */
export type JobOutcome = { kind: 'done' } | { kind: 'retry'; delayMs: number };

export type NotificationJobHandler = (id: string, job: { recheck: boolean }) => Promise<JobOutcome>;

/**
 * The queue between the outbox relay and the delivery workers.
 * Two drivers: BullMQ on Redis (REDIS_URL set) and an in-process queue (no
 * REDIS_URL). Both follow the same rules: a job id is added at most once while
 * it is known, a handler's `retry` outcome runs the job again after the given
 * delay, and `close()` lets running jobs finish.
 */
export abstract class NotificationQueue {
  /** Whether a job added here reaches a worker at all (false: the in-process queue of a process without workers). */
  abstract readonly canDeliver: boolean;

  /** Adds the jobs; a job id that is already queued is not added twice. Throws when the queue is unreachable. */
  abstract add(jobs: NotificationJob[]): Promise<void>;

  /** Whether the queue still holds a job with this id (waiting, delayed or running). */
  abstract has(id: string): Promise<boolean>;

  /** Starts processing jobs in this process. */
  abstract startWorker(handler: NotificationJobHandler): void;

  /** Stops taking jobs, waits for the running ones, and closes connections. */
  abstract close(): Promise<void>;
}
