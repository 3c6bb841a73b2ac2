import pLimit, { LimitFunction } from 'p-limit';

/**
 * Lets provider requests (Twilio, the HTTP provider, SMTP) run `limit` at a
 * time, in the order they asked. For a provider that cannot be asked what it
 * accepted, delivery uses one at a time per process, and its turn lasts until
 * the acceptance is noted (the "sent" mark) and recorded (the row). Why: a
 * provider may accept a request whose sender was killed (it got the whole
 * request; the answer is never read), and only the provider could tell; so a
 * killed worker re-sends what it had in flight or had not yet recorded. With
 * many requests in flight, a kill re-sent dozens of codes (`npm run chaos`:
 * up to 24 per kill with the mark alone, at 50 concurrent jobs); one at a
 * time, at most one. ZITADEL's notification worker (Notifications.Workers: 1)
 * also sends one at a time. The rest of a job (reading its row, the provider,
 * its mark) still runs alongside the others, NOTIFICATION_CONCURRENCY of them.
 *
 * Twilio's Messages API can be asked what it accepted: its requests have a
 * gate of their own, several at a time, each turn ending with Twilio's
 * answer (NotificationDelivery.call).
 */
export class SendGate {
  private readonly limit: LimitFunction;

  constructor(limit = 1) {
    this.limit = pLimit(limit);
  }

  /** Runs `request` when its turn comes; the next one starts once it settled. */
  run<T>(request: () => Promise<T>): Promise<T> {
    return this.limit(request);
  }

  /** Requests waiting for their turn (not counting the ones running). */
  get queued(): number {
    return this.limit.pendingCount;
  }
}
