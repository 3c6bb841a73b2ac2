import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotificationChannel, NotificationEntity } from './notification.entity';

/** A row the relay claimed, ready to become a queue job. */
export interface ClaimedNotification {
  id: string;
  expiresAt: Date;
}

export interface DeliveryRecord {
  attempts: number;
  at: Date;
}

/**
 * Every query on notification_outbox and notification_send_windows. The
 * row-claiming SQL is MySQL/MariaDB's (FOR UPDATE SKIP LOCKED); another
 * database flavour gets its own repository behind the same methods.
 */
@Injectable()
export class NotificationRepository {
  /**
   * Takes the per-recipient lock row (creating it on first use) for the rest of
   * the caller's transaction, so that concurrent send-limit checks for one
   * recipient run one after the other.
   */
  async lockRecipient(em: EntityManager, channel: NotificationChannel, recipient: string): Promise<void> {
    await em.query(
      'INSERT INTO notification_send_windows (channel, recipient) VALUES (?, ?) ON DUPLICATE KEY UPDATE recipient = VALUES(recipient)',
      [channel, recipient],
    );
  }

  /** How many messages went to the recipient since `since`, and when the newest was asked for. */
  async recentFor(
    em: EntityManager,
    channel: NotificationChannel,
    recipient: string,
    since: Date,
  ): Promise<{ count: number; newest: Date | null }> {
    const [row] = await em.query(
      'SELECT COUNT(*) AS n, MAX(created_at) AS newest FROM notification_outbox WHERE channel = ? AND recipient = ? AND created_at > ?',
      [channel, recipient, since],
    );
    return { count: Number(row?.n ?? 0), newest: row?.newest ? new Date(row.newest) : null };
  }

  async insert(em: EntityManager, row: NotificationEntity): Promise<void> {
    await em.insert(NotificationEntity, row);
  }

  /**
   * Claims up to `limit` pending rows, oldest first, and skips rows another
   * relay holds: several instances relay side by side without waiting for
   * each other. The locks last until the caller's transaction ends.
   */
  async claimPending(em: EntityManager, limit: number): Promise<ClaimedNotification[]> {
    const rows: Array<{ id: string; expires_at: Date | string }> = await em.query(
      `SELECT id, expires_at FROM notification_outbox WHERE state = 'pending' ORDER BY created_at, id LIMIT ? FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((row) => ({ id: row.id, expiresAt: new Date(row.expires_at) }));
  }

  async markQueued(em: EntityManager, ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await em.query(`UPDATE notification_outbox SET state = 'queued', updated_at = ? WHERE state = 'pending' AND id IN (?)`, [at, ids]);
  }

  /** Pending rows whose code expired before they could be queued become failed (the dead letter). */
  async failExpiredPending(em: EntityManager, at: Date): Promise<number> {
    const result = await em.query(
      `UPDATE notification_outbox
          SET state = 'failed', last_error = 'the code expired before it could be queued', code_ciphertext = NULL, code_key_id = NULL, updated_at = ?
        WHERE state = 'pending' AND expires_at <= ?`,
      [at, at],
    );
    return Number(result?.affectedRows ?? 0);
  }

  /**
   * Queued rows nobody touched since `before`: candidates for a job that
   * vanished (Redis lost data, the in-process queue died with its process).
   * Touching them keeps the next sweep from looking at the same rows at once.
   */
  async takeStaleQueued(em: EntityManager, before: Date, at: Date, limit: number): Promise<ClaimedNotification[]> {
    const rows: Array<{ id: string; expires_at: Date | string }> = await em.query(
      `SELECT id, expires_at FROM notification_outbox
        WHERE state = 'queued' AND updated_at < ? ORDER BY updated_at LIMIT ? FOR UPDATE SKIP LOCKED`,
      [before, limit],
    );
    const ids = rows.map((row) => row.id);
    if (ids.length > 0) await em.query('UPDATE notification_outbox SET updated_at = ? WHERE id IN (?)', [at, ids]);
    return rows.map((row) => ({ id: row.id, expiresAt: new Date(row.expires_at) }));
  }

  /** Plain SQL rather than a find(): this runs once per delivery attempt, and the query builder's cost showed in profiles. */
  async find(em: EntityManager, id: string): Promise<NotificationEntity | null> {
    const [row] = await em.query(
      `SELECT id, channel, purpose, recipient, user_id, organization_id, code_ciphertext, code_key_id, url_template, state, attempts,
              last_error, provider_message_id, provider_id, created_at, updated_at, expires_at, sent_at
         FROM notification_outbox WHERE id = ?`,
      [id],
    );
    if (!row) return null;
    return {
      id: row.id,
      channel: row.channel,
      purpose: row.purpose,
      recipient: row.recipient,
      userId: row.user_id,
      organizationId: row.organization_id,
      codeCiphertext: row.code_ciphertext,
      codeKeyId: row.code_key_id,
      urlTemplate: row.url_template,
      state: row.state,
      attempts: Number(row.attempts),
      lastError: row.last_error,
      providerMessageId: row.provider_message_id,
      providerId: row.provider_id,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
      expiresAt: new Date(row.expires_at),
      sentAt: row.sent_at ? new Date(row.sent_at) : null,
    };
  }

  /** Only a row still on its way can become sent; the code is wiped. */
  async markSent(em: EntityManager, id: string, record: DeliveryRecord & { providerMessageId: string | null; providerId: string | null }): Promise<boolean> {
    const result = await em.query(
      `UPDATE notification_outbox
          SET state = 'sent', attempts = ?, last_error = NULL, provider_message_id = ?, provider_id = ?,
              code_ciphertext = NULL, code_key_id = NULL, sent_at = ?, updated_at = ?
        WHERE id = ? AND state IN ('pending', 'queued')`,
      [record.attempts, record.providerMessageId, record.providerId, record.at, record.at, id],
    );
    return Number(result?.affectedRows ?? 0) === 1;
  }

  /** The dead letter: the row stays, with its last error; the code is wiped. */
  async markFailed(em: EntityManager, id: string, record: DeliveryRecord & { error: string; providerId: string | null }): Promise<boolean> {
    const result = await em.query(
      `UPDATE notification_outbox
          SET state = 'failed', attempts = ?, last_error = ?, provider_id = COALESCE(?, provider_id),
              code_ciphertext = NULL, code_key_id = NULL, updated_at = ?
        WHERE id = ? AND state IN ('pending', 'queued')`,
      [record.attempts, record.error, record.providerId, record.at, id],
    );
    return Number(result?.affectedRows ?? 0) === 1;
  }

  async recordFailedAttempt(em: EntityManager, id: string, record: DeliveryRecord & { error: string; providerId: string | null }): Promise<void> {
    await em.query(
      `UPDATE notification_outbox SET attempts = ?, last_error = ?, provider_id = COALESCE(?, provider_id), updated_at = ?
        WHERE id = ? AND state IN ('pending', 'queued')`,
      [record.attempts, record.error, record.providerId, record.at, id],
    );
  }
}
