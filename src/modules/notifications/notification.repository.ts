import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { deferWrite, execute, forUpdateSkipLocked, placeholders, readSqlDate, selectRows, sqlDate } from '../../common/persistence/raw-sql';
import { NotificationEntity } from './notification.entity';

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
 * Every query on notification_outbox (the send limits' are in
 * limits/send-limit.repository.ts). Plain SQL
 * (the hot path of delivery, and SKIP LOCKED); the helpers of raw-sql.ts keep
 * it valid on MySQL and on the embedded SQLite, where writers run one at a
 * time and row locks are not needed.
 */
@Injectable()
export class NotificationRepository {
  /** Plain SQL: one per accepted code, and the query builder's cost showed in the burst benchmark's profile. */
  async insert(em: EntityManager, row: NotificationEntity): Promise<void> {
    const date = (value: Date | null) => (value ? sqlDate(em, value) : null);
    await deferWrite(
      em,
      `INSERT INTO notification_outbox (id, channel, purpose, recipient, user_id, organization_id, code_ciphertext, code_key_id, url_template,
                                        state, attempts, last_error, provider_message_id, provider_id, created_at, updated_at, expires_at, sent_at)
       VALUES (${placeholders(18)})`,
      [
        row.id, row.channel, row.purpose, row.recipient, row.userId, row.organizationId, row.codeCiphertext, row.codeKeyId, row.urlTemplate,
        row.state, row.attempts, row.lastError, row.providerMessageId, row.providerId,
        date(row.createdAt), date(row.updatedAt), date(row.expiresAt), date(row.sentAt),
      ],
    );
  }

  /**
   * Claims up to `limit` pending rows, oldest first, and skips rows another
   * relay holds: several instances relay side by side without waiting for
   * each other. The locks last until the caller's transaction ends.
   */
  async claimPending(em: EntityManager, limit: number): Promise<ClaimedNotification[]> {
    const rows = await selectRows<{ id: string; expires_at: Date | string }>(
      em,
      `SELECT id, expires_at FROM notification_outbox WHERE state = 'pending' ORDER BY created_at, id LIMIT ?${forUpdateSkipLocked(em)}`,
      [limit],
    );
    return rows.map((row) => ({ id: row.id, expiresAt: readSqlDate(row.expires_at) }));
  }

  async markQueued(em: EntityManager, ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await deferWrite(em, `UPDATE notification_outbox SET state = 'queued', updated_at = ? WHERE state = 'pending' AND id IN (${placeholders(ids.length)})`, [
      sqlDate(em, at),
      ...ids,
    ]);
  }

  /**
   * Pending rows whose code expired before they could be queued become failed
   * (the dead letter), up to `limit` per call.
   *
   * Not one `UPDATE … WHERE state = 'pending' AND expires_at <= ?`: expires_at
   * has no index, so that statement scans and locks every pending row, waits
   * for rows the relays hold (and for each row the API inserts meanwhile) and,
   * while it waits, makes the relays' SKIP LOCKED claims skip all pending rows;
   * under steady load the relaying stopped for minutes (found by `npm run chaos`).
   * So: find the candidates without locks, lock those still pending with SKIP
   * LOCKED (never waiting), update them by id.
   */
  async failExpiredPending(em: EntityManager, at: Date, limit = 1000): Promise<number> {
    const candidates = await selectRows<{ id: string }>(em, `SELECT id FROM notification_outbox WHERE state = 'pending' AND expires_at <= ? LIMIT ?`, [
      sqlDate(em, at),
      limit,
    ]);
    if (candidates.length === 0) return 0;
    const locked = await selectRows<{ id: string }>(
      em,
      `SELECT id FROM notification_outbox WHERE state = 'pending' AND id IN (${placeholders(candidates.length)})${forUpdateSkipLocked(em)}`,
      candidates.map((row) => row.id),
    );
    if (locked.length === 0) return 0;
    return execute(
      em,
      `UPDATE notification_outbox
          SET state = 'failed', last_error = 'the code expired before it could be queued', code_ciphertext = NULL, code_key_id = NULL, updated_at = ?
        WHERE state = 'pending' AND id IN (${placeholders(locked.length)})`,
      [sqlDate(em, at), ...locked.map((row) => row.id)],
    );
  }

  /**
   * Queued rows nobody touched since `before`: candidates for a job that
   * vanished (Redis lost data, the in-process queue died with its process).
   * Touching them keeps the next sweep from looking at the same rows at once.
   */
  async takeStaleQueued(em: EntityManager, before: Date, at: Date, limit: number): Promise<ClaimedNotification[]> {
    const rows = await selectRows<{ id: string; expires_at: Date | string }>(
      em,
      `SELECT id, expires_at FROM notification_outbox
        WHERE state = 'queued' AND updated_at < ? ORDER BY updated_at LIMIT ?${forUpdateSkipLocked(em)}`,
      [sqlDate(em, before), limit],
    );
    const ids = rows.map((row) => row.id);
    if (ids.length > 0) {
      await deferWrite(em, `UPDATE notification_outbox SET updated_at = ? WHERE id IN (${placeholders(ids.length)})`, [sqlDate(em, at), ...ids]);
    }
    return rows.map((row) => ({ id: row.id, expiresAt: readSqlDate(row.expires_at) }));
  }

  /**
   * The rows with these ids, in the same order (null where none): one query
   * for a whole batch of delivery jobs. Plain SQL: this is the hot path, and
   * the query builder's cost showed in profiles.
   */
  async findMany(em: EntityManager, ids: string[]): Promise<Array<NotificationEntity | null>> {
    if (ids.length === 0) return [];
    const rows = await selectRows<Record<string, any>>(
      em,
      `SELECT id, channel, purpose, recipient, user_id, organization_id, code_ciphertext, code_key_id, url_template, state, attempts,
              last_error, provider_message_id, provider_id, created_at, updated_at, expires_at, sent_at
         FROM notification_outbox WHERE id IN (${placeholders(ids.length)})`,
      ids,
    );
    const byId = new Map(rows.map((row) => [String(row.id), toEntity(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * Records several deliveries in one statement; only rows still on their way
   * become sent, and their codes are wiped.
   */
  async markSentMany(em: EntityManager, sent: Array<{ id: string; attempts: number; providerMessageId: string | null; providerId: string | null }>, at: Date): Promise<void> {
    if (sent.length === 0) return;
    const cases = (value: (entry: (typeof sent)[number]) => unknown) => ({
      sql: `CASE id ${sent.map(() => 'WHEN ? THEN ?').join(' ')} END`,
      params: sent.flatMap((entry) => [entry.id, value(entry)]),
    });
    const attempts = cases((entry) => entry.attempts);
    const messageIds = cases((entry) => entry.providerMessageId);
    const providerIds = cases((entry) => entry.providerId);
    await execute(
      em,
      `UPDATE notification_outbox
          SET state = 'sent', attempts = ${attempts.sql}, last_error = NULL, provider_message_id = ${messageIds.sql}, provider_id = ${providerIds.sql},
              code_ciphertext = NULL, code_key_id = NULL, sent_at = ?, updated_at = ?
        WHERE id IN (${placeholders(sent.length)}) AND state IN ('pending', 'queued')`,
      [...attempts.params, ...messageIds.params, ...providerIds.params, sqlDate(em, at), sqlDate(em, at), ...sent.map((entry) => entry.id)],
    );
  }

  /** The dead letter: the row stays, with its last error; the code is wiped. */
  async markFailed(em: EntityManager, id: string, record: DeliveryRecord & { error: string; providerId: string | null }): Promise<boolean> {
    const changed = await execute(
      em,
      `UPDATE notification_outbox
          SET state = 'failed', attempts = ?, last_error = ?, provider_id = COALESCE(?, provider_id),
              code_ciphertext = NULL, code_key_id = NULL, updated_at = ?
        WHERE id = ? AND state IN ('pending', 'queued')`,
      [record.attempts, record.error, record.providerId, sqlDate(em, record.at), id],
    );
    return changed === 1;
  }

  async recordFailedAttempt(em: EntityManager, id: string, record: DeliveryRecord & { error: string; providerId: string | null }): Promise<void> {
    await execute(
      em,
      `UPDATE notification_outbox SET attempts = ?, last_error = ?, provider_id = COALESCE(?, provider_id), updated_at = ?
        WHERE id = ? AND state IN ('pending', 'queued')`,
      [record.attempts, record.error, record.providerId, sqlDate(em, record.at), id],
    );
  }
}

function toEntity(row: Record<string, any>): NotificationEntity {
  return {
    id: String(row.id),
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
    createdAt: readSqlDate(row.created_at),
    updatedAt: readSqlDate(row.updated_at),
    expiresAt: readSqlDate(row.expires_at),
    sentAt: row.sent_at ? readSqlDate(row.sent_at) : null,
  };
}
