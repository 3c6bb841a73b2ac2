import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SecretBox } from '../../common/crypto/secret-box';
import { IdGenerator } from '../../common/ids/id-generator';
import { Clock } from '../../common/time/clock';
import { NotificationChannel, NotificationEntity, NotificationPurpose, outboxCodeAad } from './notification.entity';

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

/**
 * The notifications module's interface for other modules: record a message in
 * the caller's transaction. Nothing here talks to Redis or a provider, so a
 * change that asks for a code commits even while they are down; delivery
 * picks the row up afterwards.
 */
@Injectable()
export class NotificationOutbox {
  constructor(
    private readonly ids: IdGenerator,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
  ) {}

  async enqueue(em: EntityManager, notification: CodeNotification): Promise<string> {
    const now = this.clock.now();
    const id = this.ids.next();
    const sealed = notification.code === undefined ? undefined : this.secrets.seal(notification.code, outboxCodeAad(id));
    await em.insert(NotificationEntity, {
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
      createdAt: now,
      updatedAt: now,
      expiresAt: notification.expiresAt,
      sentAt: null,
    });
    return id;
  }
}
