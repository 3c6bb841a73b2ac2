import type { DeliveryOutcome } from '../delivery/notification-delivery';

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

export type NotificationJobHandler = (id: string, job: { recheck: boolean }) => Promise<DeliveryOutcome>;

/** What a worker records the moment a provider accepted a row's message (see NotificationQueue.noteSent). */
export interface SentMark {
  providerMessageId: string | null;
  providerId: string | null;
  /** The row's attempts, counting the one that sent it. */
  attempts: number;
}

/**
 * A row's mark in the queue: `sending` from just before a provider request
 * that the provider can later be asked about (NotificationQueue.noteSending)
 * until its outcome is known; `accepted` once the provider took it.
 */
export type DeliveryMark = { state: 'sending'; attempts: number; providerId: string | null } | ({ state: 'accepted' } & SentMark);

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

  /**
   * Notes that the provider accepted the row's message, right away (called
   * in the same tick as the provider's answer; it does not wait for an
   * answer): a job that runs again before the row was recorded sent (its
   * worker died in between) finds the mark and sends nothing. `keepForMs`
   * bounds how long the mark is kept if `forgetSent` never comes.
   *
   * The in-process queue keeps nothing: its jobs run again only in another
   * process (after this one died), and the row is recorded sent before its
   * job ends.
   */
  noteSent(_id: string, _mark: SentMark, _keepForMs: number): void {}

  /**
   * Notes, before the request leaves, that attempt `attempts` of the row is
   * with the provider: a job that runs again while the mark says so (its
   * worker died with the request open, or the request timed out) asks the
   * provider before sending again — the provider named here, which may no
   * longer be the active one by then. Written on the connection of the
   * `accepted` mark, so it can never overwrite it. Resolves once the queue
   * has it, to false when it could not be written (the request must not
   * leave then: nobody would know to ask about it).
   */
  async noteSending(_id: string, _attempts: number, _providerId: string | null, _keepForMs: number): Promise<boolean> {
    return false;
  }

  /**
   * Whether a `sending` mark written now is sure to outlive this process
   * (the queue's connection is up); without it, delivery sends one message
   * at a time, as for a provider that cannot be asked.
   */
  canNoteSending(): boolean {
    return false;
  }

  /** The marks of these rows, in order (null where none). */
  async findSent(ids: string[]): Promise<Array<DeliveryMark | null>> {
    return ids.map(() => null);
  }

  /** The rows are recorded sent, or their open attempt was refused: their marks are no longer needed. Does not wait. */
  forgetSent(_ids: string[]): void {}
}
