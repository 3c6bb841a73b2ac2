import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SecretBox } from '../../common/crypto/secret-box';
import { IdGenerator } from '../../common/ids/id-generator';
import { Clock } from '../../common/time/clock';
import { NotificationChannel, NotificationEntity, NotificationPurpose, outboxCodeAad } from './notification.entity';
import { SendLimits } from './limits/send-limits';
import { NotificationRepository } from './notification.repository';
import { markOutboxWritten } from './relay/outbox-commit-signal';

/** A verification code to deliver, as the users module asks for it. */
export interface CodeNotification {
  channel: NotificationChannel;
  purpose: NotificationPurpose;
  /** Email address or E.164 number. */
  recipient: string;
  /** The user the code is for. */
  userId: string;
  organizationId: string;
  /** Who asked for it: the access token's `sub` (counted by the per-caller limit). */
  callerId: string;
  /** The plain code; absent when the provider makes it (Twilio Verify). */
  code?: string;
  /** Email link template with {{.Code}}, {{.UserID}}, {{.OrgID}}. */
  urlTemplate?: string;
  expiresAt: Date;
}

/**
 * The notifications module's interface for other modules: record a message in
 * the caller's transaction. Nothing here talks to Redis or a provider, so a
 * change that asks for a code commits even while they are down; delivery
 * picks the row up afterwards.
 *
 * Send limits against SMS pumping (and mail bombing) are checked here, from
 * the outbox itself, inside the same transaction (limits/send-limits.ts): a
 * refused code throws ResourceExhausted (429, gRPC 8), which rolls the
 * caller's change back too.
 */
@Injectable()
export class NotificationOutbox {
  constructor(
    private readonly ids: IdGenerator,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly notifications: NotificationRepository,
    private readonly limits: SendLimits,
  ) {}

  async enqueue(em: EntityManager, notification: CodeNotification): Promise<string> {
    const now = this.clock.now();
    await this.limits.check(em, notification, now);
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
}
