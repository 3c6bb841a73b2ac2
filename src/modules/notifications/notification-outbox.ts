import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SecretBox } from '../../common/crypto/secret-box';
import { resourceExhausted } from '../../common/errors/zitadel-error';
import { IdGenerator } from '../../common/ids/id-generator';
import { Clock } from '../../common/time/clock';
import { AppConfig, SendLimit } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { NotificationChannel, NotificationEntity, NotificationPurpose, outboxCodeAad } from './notification.entity';
import { NotificationRepository } from './notification.repository';
import { markOutboxWritten } from './relay/outbox-commit-signal';

/** A verification code to deliver, as the users module asks for it. */
export interface CodeNotification {
  channel: NotificationChannel;
  purpose: NotificationPurpose;
  /** Email address or E.164 number. */
  recipient: string;
  userId: string;
  organizationId: string;
  /** The plain code; absent when the provider makes it (Twilio Verify). */
  code?: string;
  /** Email link template with {{.Code}}, {{.UserID}}, {{.OrgID}}. */
  urlTemplate?: string;
  expiresAt: Date;
}

const TEN_MINUTES_MS = 10 * 60 * 1000;

/**
 * The notifications module's interface for other modules: record a message in
 * the caller's transaction. Nothing here talks to Redis or a provider, so a
 * change that asks for a code commits even while they are down; delivery
 * picks the row up afterwards.
 *
 * Send limits against SMS pumping (and mail bombing) are checked here, from
 * the outbox itself, inside the same transaction: a refused code throws
 * ResourceExhausted (429, gRPC 8), which rolls the caller's change back too.
 */
@Injectable()
export class NotificationOutbox {
  constructor(
    private readonly ids: IdGenerator,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly notifications: NotificationRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async enqueue(em: EntityManager, notification: CodeNotification): Promise<string> {
    const now = this.clock.now();
    await this.checkSendLimit(em, notification.channel, notification.recipient, now);
    const id = this.ids.next();
    const sealed = notification.code === undefined ? undefined : this.secrets.seal(notification.code, outboxCodeAad(id));
    const row: NotificationEntity = {
      id,
      channel: notification.channel,
      purpose: notification.purpose,
      recipient: notification.recipient,
      userId: notification.userId,
      organizationId: notification.organizationId,
      codeCiphertext: sealed?.ciphertext ?? null,
      codeKeyId: sealed?.keyId ?? null,
      urlTemplate: notification.urlTemplate ?? null,
      state: 'pending',
      attempts: 0,
      lastError: null,
      providerMessageId: null,
      providerId: null,
      createdAt: now,
      updatedAt: now,
      expiresAt: notification.expiresAt,
      sentAt: null,
    };
    await this.notifications.insert(em, row);
    // Lets the relay pick the row up right after the commit instead of at its next poll.
    markOutboxWritten(em);
    return id;
  }

  private async checkSendLimit(em: EntityManager, channel: NotificationChannel, recipient: string, now: Date): Promise<void> {
    const limit: SendLimit = this.config.notifications.limits[channel];
    await this.notifications.lockRecipient(em, channel, recipient);
    const recent = await this.notifications.recentFor(em, channel, recipient, new Date(now.getTime() - TEN_MINUTES_MS));
    if (recent.newest && now.getTime() - recent.newest.getTime() < limit.resendCooldownSeconds * 1000) {
      throw resourceExhausted('NOTIFY-c00ld0wn', `a code was sent to this ${channel === 'sms' ? 'number' : 'address'} moments ago; wait before asking for another`);
    }
    if (recent.count >= limit.codesPer10Minutes) {
      throw resourceExhausted('NOTIFY-l1m1t10m', `too many codes for this ${channel === 'sms' ? 'number' : 'address'}; try again later`);
    }
  }
}
