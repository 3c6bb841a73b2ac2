import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { SecretBox } from '../../../common/crypto/secret-box';
import { UnitOfWork } from '../../../common/persistence/unit-of-work';
import { renderUrlTemplate } from '../../../common/templates/url-template';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { MetricsService } from '../../../metrics/metrics.service';
import { EmailSender } from '../email/email-sender';
import { NotificationEntity, outboxCodeAad } from '../notification.entity';
import { NotificationRepository } from '../notification.repository';
import type { JobOutcome } from '../queue/notification-queue';
import { nextAttemptDelayMs } from '../queue/retry-backoff';
import { DeliveryMark, DeliveryMarks, SentMark } from '../marks/delivery-marks';
import { ActiveSmsProvider } from '../sms/active-sms-provider';
import { SentMessage, SmsMessage, SmsSender } from '../sms/sms-sender';
import { ClassifiedFailure, DeliveryError, ProviderHttpError, classifyDeliveryError } from './delivery-error';
import { EMAIL_SUBJECT, emailCodeHtml, emailCodeText, phoneCodeText } from './message-texts';
import { SendGate } from './send-gate';
import { TickBatcher } from './tick-batcher';

interface SentRecord extends SentMark {
  id: string;
}

interface CallResult {
  mark: SentMark;
  markedAt: number;
  /** The provider had the message from an earlier attempt; nothing was sent. */
  found: boolean;
}

const PHONE_CODE_ADDED = 'user.human.phone.code.added';
/** A "sent" mark outlives the code by this much, in case the row is never recorded sent (it is deleted once it is). */
const SENT_MARK_GRACE_MS = 60 * 60_000;

/** The log line of a job that found its row's message accepted already (`npm run chaos` counts them). */
export const ALREADY_SENT = 'notification was accepted by the provider before; recorded sent without sending it again';
/** The log line of a job that asked the provider about an attempt in doubt and found the message there (`npm run chaos` counts them). */
export const FOUND_AT_PROVIDER = 'notification was found among the messages the provider accepted; recorded sent without sending it again';
/** How much earlier than the row the provider's clock may date its message. */
const PROVIDER_CLOCK_SKEW_MS = 5 * 60_000;

/** How a provider request may go (see NotificationDelivery.call). */
interface ProviderRequest {
  send(): Promise<SentMessage>;
  /** Whether the provider can be asked afterwards whether it accepted this request's message. */
  canLookUp: boolean;
  /** Present when the earlier attempt in doubt can be asked about: asks the provider that got it. */
  lookUpEarlier?(since: Date): Promise<{ message: SentMessage; providerId: string | null } | null>;
}

/** What the job knows about an earlier attempt of its row. */
interface Doubt {
  /** An earlier attempt may have been accepted without anyone noting it (a `sending` mark, or a job queued again by the sweep). */
  inDoubt: boolean;
  /** The number of that attempt, for the row if the provider has its message. */
  attempts: number;
  /** The provider that attempt went to, when known (its mark, or the row's last failed attempt). */
  providerId: string | null;
}

/**
 * One delivery attempt of one outbox row: the job handler of both queue
 * drivers. Idempotent: a row already sent or failed is left alone, so a job
 * that runs twice (relay re-queue, a worker that died after sending) sends
 * nothing more. The outcome tells the driver whether and when to retry; the
 * row records state, attempts, last error and the provider's message id.
 *
 * The moment the provider accepts, the delivery marks are told (noteSent: a Redis key
 * for BullMQ, written in the same tick); the row itself is recorded sent by
 * a batched UPDATE a little later. A job that finds such a mark on a row not
 * yet recorded sent (its first worker died in between) records it sent and
 * sends nothing. Twilio's Messages API can be asked afterwards what it
 * accepted, so its requests go out several at a time and a job whose
 * earlier attempt is in doubt asks before it sends; requests to any other
 * provider go out one at a time per process (SendGate), so a worker that
 * dies has at most one of those whose fate it did not note: a kill re-sends
 * at most that one.
 */
@Injectable()
export class NotificationDelivery {
  private readonly logger = new Logger('NotificationDelivery');
  /** Concurrent jobs read their rows with one query and record their deliveries with one statement. */
  private readonly rows = new TickBatcher((ids: string[]) => this.notifications.findMany(this.unitOfWork.reader, ids));
  /**
   * NOTIFICATION_SEND_CONCURRENCY requests at a time in this process to a
   * provider that cannot be asked what it accepted (HTTP provider, SMTP,
   * Twilio Verify), one by default (see SendGate); the rest of a job runs
   * alongside the others.
   */
  private readonly gate: SendGate;
  /** NOTIFICATION_TWILIO_SEND_CONCURRENCY requests at a time to a provider that can be asked (Twilio's Messages API). */
  private readonly lookUpGate: SendGate;
  /** …and look up their "sent" marks with one query, at the same time as the rows. */
  private readonly marks = new TickBatcher((ids: string[]) => this.deliveryMarks.findSent(ids));
  private readonly sentRecords = new TickBatcher(async (sent: SentRecord[]) => {
    await this.unitOfWork.write((em) => this.notifications.markSentMany(em, sent, this.clock.now()));
    this.deliveryMarks.forgetSent(sent.map((record) => record.id));
    return sent.map(() => undefined);
  });

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly notifications: NotificationRepository,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly smsProviders: ActiveSmsProvider,
    private readonly email: EmailSender,
    private readonly deliveryMarks: DeliveryMarks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    // A worker process without the HTTP side has no /metrics to feed.
    @Optional() private readonly metrics?: MetricsService,
  ) {
    this.gate = new SendGate(config.notifications.sendConcurrency);
    this.lookUpGate = new SendGate(config.notifications.twilioSendConcurrency);
  }

  async deliver(id: string, job: { recheck: boolean }): Promise<JobOutcome> {
    const [row, mark] = await Promise.all([this.rows.call(id), this.marks.call(id)]);
    if (!row || row.state === 'sent' || row.state === 'failed') {
      if (mark) this.deliveryMarks.forgetSent([id]);
      return { kind: 'done' };
    }
    if (mark?.state === 'accepted') {
      // The provider accepted it already; the worker that sent it died before the row said so.
      await this.sentRecords.call({ id: row.id, attempts: mark.attempts, providerMessageId: mark.providerMessageId, providerId: mark.providerId });
      this.logger.log({ notificationId: row.id, channel: row.channel, attempts: mark.attempts, providerId: mark.providerId }, ALREADY_SENT);
      this.metrics?.recordDelivery(row.channel, 'sent');
      return { kind: 'done' };
    }

    const attempts = row.attempts + 1;
    if (row.expiresAt.getTime() <= this.clock.now().getTime()) {
      await this.fail(row, attempts - 1, { kind: 'permanent', reason: 'the code expired before it could be delivered' }, null);
      return { kind: 'done' };
    }

    const doubt = doubtOf(mark, job.recheck, row);
    let providerId: string | null = null;
    try {
      const result = await this.send(row, attempts, doubt, (id) => (providerId = id));
      if (result.found) {
        this.logger.log({ notificationId: row.id, channel: row.channel, attempts: result.mark.attempts, providerId: result.mark.providerId }, FOUND_AT_PROVIDER);
      } else {
        this.logger.debug({ notificationId: row.id, channel: row.channel, attempts, providerId, markedAt: result.markedAt }, 'notification sent');
      }
      this.metrics?.recordDelivery(row.channel, 'sent');
      return { kind: 'done' };
    } catch (error) {
      const failure = classifyDeliveryError(error);
      const now = this.clock.now();
      const delayMs = failure.kind === 'transient' ? nextAttemptDelayMs(attempts, this.config.notifications.retryBaseMs, now, row.expiresAt) : undefined;
      if (delayMs === undefined) {
        const final = failure.kind === 'transient' ? { ...failure, reason: `${failure.reason} (gave up: the code expires before the next attempt)` } : failure;
        await this.fail(row, attempts, final, providerId);
        return { kind: 'done' };
      }
      await this.unitOfWork.write((writer) => this.notifications.recordFailedAttempt(writer, row.id, { attempts, at: now, error: failure.reason, providerId }));
      this.logger.log({ notificationId: row.id, channel: row.channel, attempts, retryInMs: delayMs, error: failure.reason }, 'notification attempt failed; retrying');
      this.metrics?.recordDelivery(row.channel, 'retry');
      return { kind: 'retry', delayMs };
    }
  }

  /** Sends the row's message and notes the provider's acceptance (see call). */
  private async send(row: NotificationEntity, attempts: number, doubt: Doubt, usedProvider: (id: string) => void): Promise<CallResult> {
    const code = this.openCode(row);
    const validMinutes = Math.max(1, Math.round((row.expiresAt.getTime() - row.createdAt.getTime()) / 60_000));
    if (row.channel === 'sms') {
      const sender = await this.smsProviders.sender();
      if (!sender) throw new DeliveryError('transient', 'no active SMS provider');
      usedProvider(sender.providerId);
      const sms: SmsMessage = {
        notificationId: row.id,
        to: row.recipient,
        code,
        text: code === undefined ? undefined : phoneCodeText(code, validMinutes),
        userId: row.userId,
        organizationId: row.organizationId,
        eventType: PHONE_CODE_ADDED,
      };
      const earlier = doubt.inDoubt ? await this.earlierSender(doubt, sender) : null;
      return this.call(row, attempts, sender.providerId, doubt, {
        send: () => sender.send(sms),
        canLookUp: sender.canLookUp(sms),
        ...(earlier?.canLookUp(sms)
          ? { lookUpEarlier: async (since: Date) => mapFound(await earlier.lookUp(sms, since), earlier.providerId) }
          : {}),
      });
    }
    if (code === undefined) throw new DeliveryError('permanent', 'an email notification needs a code');
    let link: string | undefined;
    if (row.urlTemplate) {
      try {
        link = renderUrlTemplate(row.urlTemplate, { UserID: row.userId, Code: code, OrgID: row.organizationId });
      } catch (error) {
        throw new DeliveryError('permanent', (error as Error).message);
      }
    }
    return this.call(row, attempts, null, doubt, {
      canLookUp: false,
      send: () =>
        this.email.send({
          to: row.recipient,
          subject: EMAIL_SUBJECT,
          text: emailCodeText(code, validMinutes, link),
          html: emailCodeHtml(code, validMinutes, link),
        }),
    });
  }

  /**
   * The provider request in its turn at a gate, then the "sent" mark the
   * moment the provider accepted (in the same tick as its answer; from then
   * on a second run of the job sends nothing) and the row recorded sent in
   * the database (which outlives a Redis that lost its data, and the mark
   * with it).
   *
   * A provider that can be asked what it accepted (Twilio's Messages API:
   * `lookUp`) gets NOTIFICATION_TWILIO_SEND_CONCURRENCY requests at a time,
   * each announced by a "sending" mark that Redis has before it leaves; a
   * job that finds such a mark (its worker was killed with the request open,
   * the request timed out, or the provider answered 5xx) or was queued again by
   * the relay's sweep asks the provider first (the one that got that
   * attempt, though another may be active by now) and records the message it
   * finds instead of sending it again. Such a request's turn ends with the
   * provider's answer, since the gate stands for the account's concurrency
   * limit; holding it until the row is recorded too cut a busy instance's
   * delivery rate markedly (docs/benchmarks.md).
   *
   * Any other provider gets NOTIFICATION_SEND_CONCURRENCY (1), and its turn
   * lasts until the row is recorded: at any moment at most one of this
   * process's messages may have been accepted without the database knowing.
   * Letting the next request go once the mark is written, with the rows
   * recorded in groups behind, is faster, but a kill followed by a Redis that
   * loses its data before the killed jobs run again then re-sends every row
   * of the group being recorded.
   */
  private async call(row: NotificationEntity, attempts: number, providerId: string | null, doubt: Doubt, request: ProviderRequest): Promise<CallResult> {
    if (doubt.inDoubt && request.lookUpEarlier) {
      const found = await request.lookUpEarlier(new Date(row.createdAt.getTime() - PROVIDER_CLOCK_SKEW_MS));
      if (found) {
        const mark: SentMark = { attempts: doubt.attempts, providerMessageId: found.message.providerMessageId, providerId: found.providerId };
        await this.sentRecords.call({ id: row.id, ...mark });
        return { mark, markedAt: Date.now(), found: true };
      }
    }
    // Without a "sending" mark that outlives this process, a request must count as one that cannot be asked about.
    const announced = request.canLookUp && this.deliveryMarks.canNoteSending();
    const keepForMs = row.expiresAt.getTime() - this.clock.now().getTime() + SENT_MARK_GRACE_MS;
    // Redis has the "sending" mark before the request can leave (a mark only written to a connection that was
    // dropping could be lost with a killed process). Noted before the job asks for its turn, so waiting for Redis's
    // answer does not lengthen the turn; a job killed before its turn came leaves a mark that costs one look-up.
    if (announced && !(await this.deliveryMarks.noteSending(row.id, attempts, providerId, keepForMs))) {
      throw new DeliveryError('transient', 'the attempt could not be noted in Redis before sending');
    }
    const outcome = await (announced ? this.lookUpGate : this.gate).run(async (): Promise<CallResult> => {
      let sent: SentMessage;
      try {
        sent = await request.send();
      } catch (error) {
        // A 4xx is the provider's "no": this attempt is not in doubt. A 5xx (the provider may have failed after
        // storing the message), a timeout or a cut connection stays in doubt, and the next attempt asks first.
        if (announced && error instanceof ProviderHttpError && error.status < 500) this.deliveryMarks.forgetSent([row.id]);
        throw error;
      }
      const mark: SentMark = { attempts, providerMessageId: sent.providerMessageId, providerId };
      this.deliveryMarks.noteSent(row.id, mark, keepForMs);
      const markedAt = Date.now();
      if (!announced) await this.sentRecords.call({ id: row.id, ...mark });
      return { mark, markedAt, found: false };
    });
    // An announced request's turn ends with the provider's answer: its gate stands for the account's concurrency limit,
    // and a worker killed before the row is recorded leaves a mark and a message that the next attempt finds.
    if (announced) await this.sentRecords.call({ id: row.id, ...outcome.mark });
    return outcome;
  }

  /**
   * Where to ask about the attempt in doubt: the provider it went to, even if
   * an operator has activated another one since (asking the new one would
   * find nothing and send a second SMS); the active one when that is not
   * known or the provider was removed.
   */
  private async earlierSender(doubt: Doubt, active: SmsSender): Promise<SmsSender> {
    if (!doubt.providerId || doubt.providerId === active.providerId) return active;
    return (await this.smsProviders.senderOf(doubt.providerId)) ?? active;
  }

  private openCode(row: NotificationEntity): string | undefined {
    if (!row.codeCiphertext) return undefined;
    try {
      return this.secrets.open({ ciphertext: row.codeCiphertext, keyId: row.codeKeyId ?? '' }, outboxCodeAad(row.id));
    } catch {
      throw new DeliveryError('permanent', 'the sealed code cannot be opened (unknown key or damaged ciphertext)');
    }
  }

  /** The dead letter: the row keeps state failed and its reason; one warn line says so. */
  private async fail(row: NotificationEntity, attempts: number, failure: ClassifiedFailure, providerId: string | null): Promise<void> {
    await this.unitOfWork.write((writer) =>
      this.notifications.markFailed(writer, row.id, { attempts, at: this.clock.now(), error: failure.reason, providerId }),
    );
    // A "sending" mark of an attempt in doubt is of no use to a row that will not be sent.
    this.deliveryMarks.forgetSent([row.id]);
    this.logger.warn(
      { notificationId: row.id, channel: row.channel, purpose: row.purpose, recipient: maskRecipient(row.recipient), attempts, error: failure.reason },
      'notification failed; it stays in notification_outbox with state failed',
    );
    this.metrics?.recordDelivery(row.channel, 'failed');
  }
}

/** Enough of the address to recognise it in a log, not enough to harvest it. */
export function maskRecipient(recipient: string): string {
  const at = recipient.indexOf('@');
  if (at > 0) return `${recipient[0]}***${recipient.slice(at)}`;
  return recipient.length > 5 ? `${recipient.slice(0, 3)}***${recipient.slice(-2)}` : '***';
}

function doubtOf(mark: DeliveryMark | null, recheck: boolean, row: NotificationEntity): Doubt {
  if (mark?.state === 'sending') return { inDoubt: true, attempts: mark.attempts, providerId: mark.providerId ?? row.providerId };
  return { inDoubt: recheck, attempts: Math.max(1, row.attempts), providerId: row.providerId };
}

function mapFound(message: SentMessage | null, providerId: string): { message: SentMessage; providerId: string } | null {
  return message ? { message, providerId } : null;
}
