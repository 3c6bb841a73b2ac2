import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { supportsRowLocks } from '../../../common/persistence/dialect';
import { deferWrite, execute, readSqlDate, selectRows, sqlDate } from '../../../common/persistence/raw-sql';
import { NotificationChannel } from '../notification.entity';

/**
 * Shards of a busy subject's hourly counter (a caller's batch, the whole
 * instance). A MySQL transaction adds to the shard of its connection
 * (CONNECTION_ID() mod this), so concurrent transactions of up to this many
 * connections seldom wait for each other's row lock until their commit.
 */
export const COUNTER_SHARDS = 64;

/** Who a code is counted against beyond its recipient. */
export interface SendSubjects {
  channel: NotificationChannel;
  recipient: string;
  userId: string;
  callerId: string;
  instanceId: string;
}

/** What the limits compare, this code included in the hourly counts. */
export interface SendCounts {
  /** Codes to the recipient since `since`, not counting this one. */
  recipientCount: number;
  recipientNewest: Date | null;
  user: number;
  caller: number;
  instance: number;
}

/**
 * Every query of the send limits: the per-recipient lock row
 * (notification_send_windows) with the recipient's recent outbox rows, and
 * the hourly counters per user, caller and instance
 * (notification_send_counters). Plain SQL, sent in the round trip the
 * per-number check already made.
 */
@Injectable()
export class SendLimitRepository {
  /**
   * Takes the recipient's lock row, adds this code to the hour's counters of
   * its user, caller and instance (locking those counter rows until the
   * transaction ends), then reads everything the limits compare in one
   * statement. A refusal rolls the transaction back, and the counts with it.
   *
   * The user's counter is one row, so its count is exact. The caller's and
   * the instance's sum rows other transactions may hold uncommitted
   * additions in: transactions that run at the same time do not see each
   * other's, so at most (concurrent transactions − 1) codes more than the
   * limit can get through.
   */
  async countWith(em: EntityManager, subjects: SendSubjects, windowStart: Date, recipientSince: Date): Promise<SendCounts> {
    const mysql = supportsRowLocks(em);
    const { channel } = subjects;
    await deferWrite(
      em,
      mysql
        ? 'INSERT INTO notification_send_windows (channel, recipient) VALUES (?, ?) ON DUPLICATE KEY UPDATE recipient = VALUES(recipient)'
        : 'INSERT OR IGNORE INTO notification_send_windows (channel, recipient) VALUES (?, ?)',
      [channel, subjects.recipient],
    );
    const window = sqlDate(em, windowStart);
    // SQLite runs one write transaction at a time: one row per subject is exact and never waited for.
    const busyShard = mysql ? `CONNECTION_ID() % ${COUNTER_SHARDS}` : '0';
    await deferWrite(
      em,
      `INSERT INTO notification_send_counters (channel, scope, subject, window_start, shard, sent)
       VALUES (?, 'user', ?, ?, 0, 1), (?, 'caller', ?, ?, ${busyShard}, 1), (?, 'instance', ?, ?, ${busyShard}, 1)
       ${mysql ? 'ON DUPLICATE KEY UPDATE sent = sent + 1' : 'ON CONFLICT (channel, scope, subject, window_start, shard) DO UPDATE SET sent = sent + 1'}`,
      [channel, subjects.userId, window, channel, subjects.callerId, window, channel, subjects.instanceId, window],
    );
    const counter = (scope: string) =>
      `(SELECT COALESCE(SUM(sent), 0) FROM notification_send_counters WHERE channel = ? AND scope = '${scope}' AND subject = ? AND window_start = ?)`;
    const [row] = await selectRows<{ n: number | string; newest: Date | string | null; user_n: number | string; caller_n: number | string; instance_n: number | string }>(
      em,
      `SELECT recent.n, recent.newest, ${counter('user')} AS user_n, ${counter('caller')} AS caller_n, ${counter('instance')} AS instance_n
         FROM (SELECT COUNT(*) AS n, MAX(created_at) AS newest FROM notification_outbox WHERE channel = ? AND recipient = ? AND created_at > ?) recent`,
      [
        channel, subjects.userId, window,
        channel, subjects.callerId, window,
        channel, subjects.instanceId, window,
        channel, subjects.recipient, sqlDate(em, recipientSince),
      ],
    );
    return {
      recipientCount: Number(row?.n ?? 0),
      recipientNewest: row?.newest ? readSqlDate(row.newest) : null,
      user: Number(row?.user_n ?? 0),
      caller: Number(row?.caller_n ?? 0),
      instance: Number(row?.instance_n ?? 0),
    };
  }

  /** Drops counters of hours that ended before `before`; returns how many rows went. */
  deleteCountersBefore(em: EntityManager, before: Date): Promise<number> {
    return execute(em, 'DELETE FROM notification_send_counters WHERE window_start < ?', [sqlDate(em, before)]);
  }
}
