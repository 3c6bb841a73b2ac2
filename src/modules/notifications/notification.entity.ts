import { Column, Entity, PrimaryColumn } from 'typeorm';

export type NotificationChannel = 'email' | 'sms';
export type NotificationPurpose = 'verify_email' | 'verify_phone';
export type NotificationState = 'pending' | 'queued' | 'sent' | 'failed';

/**
 * The transactional outbox: one row per message to deliver, written in the
 * same transaction as the change that asked for it. The code travels sealed
 * (AES-256-GCM, see SecretBox) and is wiped once the message is delivered.
 */
@Entity({ name: 'notification_outbox' })
export class NotificationEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  id: string;

  @Column({ type: 'varchar', length: 10 })
  channel: NotificationChannel;

  @Column({ type: 'varchar', length: 30 })
  purpose: NotificationPurpose;

  /** Email address or E.164 phone number. */
  @Column({ type: 'varchar', length: 200 })
  recipient: string;

  @Column({ name: 'user_id', type: 'varchar', length: 200 })
  userId: string;

  @Column({ name: 'organization_id', type: 'varchar', length: 200 })
  organizationId: string;

  /** Null when the provider makes the code itself (Twilio Verify). */
  @Column({ name: 'code_ciphertext', type: 'text', nullable: true })
  codeCiphertext: string | null;

  @Column({ name: 'code_key_id', type: 'varchar', length: 40, nullable: true })
  codeKeyId: string | null;

  @Column({ name: 'url_template', type: 'varchar', length: 800, nullable: true })
  urlTemplate: string | null;

  @Column({ type: 'varchar', length: 10 })
  state: NotificationState;

  @Column({ type: 'int', unsigned: true, default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'provider_message_id', type: 'varchar', length: 200, nullable: true })
  providerMessageId: string | null;

  /** The SMS provider that took the message (SMS only). */
  @Column({ name: 'provider_id', type: 'varchar', length: 200, nullable: true })
  providerId: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;

  /** Delivery is pointless after the code expired; retries stop then. */
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true })
  sentAt: Date | null;
}

export const outboxCodeAad = (notificationId: string): string => `notification:${notificationId}:code`;
